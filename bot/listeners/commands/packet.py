"""``/packet [<date>]``: build the daily packet on demand and post it where it was asked.

The packet goes to the channel of the command (the bot joins a public channel when needed); where
the bot cannot post (a private channel it is not in, a DM between people) it goes to the asker's DM.
With no channel at all it goes to ``TEAM_CHANNEL``. A second ``/packet`` for the same day in the same
channel replaces the first. When Retail Link needs a code, a manager gets the "Enter code" button.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import reply, section
from bot.container import Container
from bot.jobs.context import JobContext, request_context
from bot.jobs.mfa_prompt import CodePurpose, enter_code_blocks
from bot.jobs.packet import DailyPacket, PacketOutcome
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import parse_day_text
from core.errors import RemoteError
from core.model import Actor
from core.services.authz import Action, allowed, require

COMMAND = "/packet"


def post_with_fallback(ctx: JobContext, actor: Actor, day: date, channel: str | None,
                       dm_channel: str | None) -> PacketOutcome:
    """Post to ``channel`` (else the team channel); on refusal post to ``dm_channel`` instead."""
    packets = DailyPacket(ctx)
    target = channel or ctx.team_channel()
    try:
        return packets.on_demand(actor, day, target)
    except RemoteError:
        if dm_channel is None or dm_channel == target:
            raise
    return packets.on_demand(actor, day, dm_channel)


def outcome_reply(outcome: PacketOutcome, actor: Actor) -> dict[str, Any]:
    """The ephemeral answer to the asker."""
    day = f"{outcome.day:%A %B %-d}"
    if outcome.posted is None:
        return reply(f"The packet for {day} was not posted.")
    verb = "updated" if outcome.posted.replaced else "posted"
    channel = outcome.posted.channel
    where = "your DM with me" if channel.startswith("D") else f"<#{channel}>"
    text = f"The packet for {day} was {verb} in {where}."
    if outcome.missing_edr:
        text += f" {len(outcome.missing_edr)} EDR report(s) are missing from it."
    if outcome.needs_code and allowed(actor, Action.RUN_SYNC):
        note = text + " Retail Link needs a new SMS code for the EDR pages; enter it to update the packet."
        return reply(note, enter_code_blocks(note, CodePurpose(outcome.day)))
    return reply(text, [section(text)])


def register(app: AsyncApp, container: Container) -> None:
    """Listen to ``/packet``."""

    @app.command(COMMAND)
    async def on_packet(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        require(actor, Action.BUILD_PACKET)
        ctx = request_context(container, context)
        today = await container.run_blocking(container.services.queries.today, actor)
        day = parse_day_text(str(body.get("text") or ""), today)
        await respond(**reply(f":hourglass_flowing_sand: Building the packet for {day:%A %B %-d}…"))
        opened = await client.conversations_open(users=actor.slack_user_id)
        dm_channel = str((opened.get("channel") or {}).get("id") or "") or None
        outcome = await container.run_blocking(post_with_fallback, ctx, actor, day,
                                               body.get("channel_id") or None, dm_channel)
        await respond(**outcome_reply(outcome, actor))
