"""``/sched auto [<days>]``: plan the next N days (default 14) and post the proposal message.

The command is acknowledged at once; a "Planning…" message goes to the channel (or, where the bot
cannot post, to the manager's DM), the solve runs in the worker pool (``container.run_blocking``)
and the placeholder is then updated into the proposal message with its buttons. "Find replacement"
after a time-off approval uses the same path with ``only_event_ids``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text, section
from bot.blocks.proposals import planning_blocks, proposal_message
from bot.container import Container
from bot.listeners.commands.sched import SubcommandRequest, register_subcommand
from bot.slack.identity import require_linked
from core.errors import DomainError, InvalidInput
from core.model import Actor
from core.services import authz
from core.services.autoschedule import AutoScheduleService, RunResult

log = logging.getLogger(__name__)

DEFAULT_DAYS = 14
MAX_DAYS = 62


def auto_of(container: Container) -> AutoScheduleService:
    """The auto-scheduler service of the container."""
    service = getattr(container.services, "auto", None) if container.services is not None else None
    if service is None:
        raise InvalidInput("The auto-scheduler is not configured.")
    return cast(AutoScheduleService, service)


def parse_days(args: Sequence[str]) -> int:
    """The ``<days>`` of ``/sched auto [<days>]`` (1 to 62, default 14)."""
    if not args:
        return DEFAULT_DAYS
    word = args[0].strip()
    if len(args) > 1 or not word.isdigit() or not 1 <= int(word) <= MAX_DAYS:
        raise InvalidInput(f"Say how many days to plan, 1 to {MAX_DAYS}: `/sched auto 14`.",
                           {"days": f"1 to {MAX_DAYS}"})
    return int(word)


async def post_placeholder(client: AsyncWebClient, channel: str, fallback: str, days: int,
                           title: str | None) -> tuple[str, str]:
    """Post "Planning…" to ``channel`` (to ``fallback``, a user's DM, when refused); (channel, ts)."""
    text = message_text(f"Planning the next {days} days…" if title is None else f"Planning {title}…")
    for target in dict.fromkeys((channel, fallback)):
        try:
            answer = await client.chat_postMessage(channel=target, text=text,
                                                   blocks=planning_blocks(days, title))
            return str(answer["channel"]), str(answer["ts"])
        except SlackApiError as exc:
            log.info("cannot post the proposal to %s: %s", target, exc.response.get("error"))
    raise InvalidInput("I could not post the proposal here or in your DM.")


async def show(client: AsyncWebClient, where: tuple[str, str], summary: Any, page: int = 0) -> None:
    """Draw one page of the run's message at ``where``."""
    text, blocks = proposal_message(summary, page)
    await client.chat_update(channel=where[0], ts=where[1], text=message_text(text), blocks=blocks)


async def say_failed(client: AsyncWebClient, where: tuple[str, str], note: str) -> None:
    """Turn the placeholder into a failure note."""
    await client.chat_update(channel=where[0], ts=where[1], text=message_text(note), blocks=[section(note)])


async def plan_and_post(container: Container, client: AsyncWebClient, actor: Actor, channel: str, *,
                        days: int = DEFAULT_DAYS, only_event_ids: Sequence[int] | None = None,
                        title: str | None = None) -> int | None:
    """Run the auto-scheduler off the event loop and turn a placeholder into the proposal; the run id."""
    authz.require(actor, authz.Action.RUN_AUTO)
    service = auto_of(container)
    where = await post_placeholder(client, channel, actor.slack_user_id, days, title)
    try:
        result: RunResult = await container.run_blocking(
            service.run, actor, days=days, only_event_ids=list(only_event_ids) if only_event_ids else None)
    except DomainError as error:
        await say_failed(client, where, f":warning: Planning failed: {error.message}")
        return None
    except Exception:
        await say_failed(client, where, ":warning: Planning failed unexpectedly; nothing was changed.")
        raise
    await show(client, where, result.summary)
    return result.run_id


async def sched_auto(request: SubcommandRequest) -> None:
    """``/sched auto [<days>]``."""
    actor = require_linked(request.actor)
    authz.require(actor, authz.Action.RUN_AUTO)
    days = parse_days(request.args)
    await request.reply(f"Planning the next {days} days; the proposal will appear in this channel "
                        "(or in your DM where I can't post).")
    await plan_and_post(request.container, request.client, actor, request.channel_id or actor.slack_user_id,
                        days=days)


def register(app: object, container: Container) -> None:
    """Add ``/sched auto`` to the ``/sched`` router."""
    register_subcommand("auto", sched_auto, examples=("/sched auto", "/sched auto 7"),
                        help="Plan the next N days (default 14) and propose it for approval.")
