"""``/sched``: acknowledge at once, split "<subcommand> <args>", dispatch through the subcommand
registry (``bot.slack.subcommands``). Unknown words get the help. Replies are ephemeral unless the
user adds ``public`` anywhere in the text.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Container
from bot.slack.identity import current_actor
from bot.slack.parsing import escape
from bot.slack.subcommands import (
    COMMAND,
    REGISTRY,
    SubcommandRequest,
    choose,
    help_blocks,
    help_text,
    parse_command_text,
)


def register(app: AsyncApp, container: Container) -> None:
    """Listen to ``/sched``."""

    @app.command(COMMAND)
    async def on_sched(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                       client: AsyncWebClient, context: dict[str, Any]) -> None:
        await ack()
        parsed = parse_command_text(str(body.get("text") or ""))
        sub, unknown = choose(parsed, REGISTRY)
        actor = await current_actor(context)
        request = SubcommandRequest(
            name=sub.name if sub is not None else "help", args=parsed.args, arg_text=parsed.arg_text,
            public=parsed.public, user_id=str(body.get("user_id", "")),
            channel_id=body.get("channel_id"), team_id=body.get("team_id"),
            trigger_id=body.get("trigger_id"), actor=actor, container=container, client=client,
            respond=respond, body=body)
        if sub is None:
            await request.reply(f"Unknown subcommand `{escape(unknown or '')}`. {help_text(REGISTRY)}",
                                help_blocks(REGISTRY, unknown=unknown))
            return
        if sub.matches is not None and sub.name != parsed.name:
            request.args = (parsed.name, *parsed.args)
            request.arg_text = " ".join(request.args)
        await sub.handler(request)
