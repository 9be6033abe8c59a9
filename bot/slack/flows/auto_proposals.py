"""Posting and redrawing auto-scheduler proposals.

A "Planning…" message goes to the channel (or, where the bot cannot post, to the manager's DM), the
solve runs in the worker pool (``container.run_blocking``) and the placeholder is then updated into
the proposal message with its buttons. ``/sched auto``, "Find replacement" after a time-off approval
and replacements after a termination all go through ``plan_and_post``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text, section
from bot.blocks.proposals import planned_rows, planning_blocks, proposal_message
from bot.container import Container
from bot.slack.identity import current_actor, require_linked
from core.errors import DomainError, InvalidInput
from core.model import Actor
from core.services import authz
from core.services.autoschedule import RunResult
from core.services.run_summary import ProposalRow, RunSummary

log = logging.getLogger(__name__)

DEFAULT_DAYS = 14
MAX_DAYS = 62


async def auto_manager(context: Mapping[str, Any]) -> Actor:
    """The clicker, who must be allowed to run and decide the auto-scheduler."""
    actor = require_linked(await current_actor(context))
    authz.require(actor, authz.Action.RUN_AUTO)
    return actor


def row_of(summary: RunSummary, proposal_id: int) -> ProposalRow:
    """A row of the run, by proposal id."""
    for row in [*planned_rows(summary), *summary.unscheduled_rows]:
        if row.proposal_id == proposal_id:
            return row
    raise InvalidInput(f"Proposal {proposal_id} is not open in run #{summary.run_id}.",
                       {"proposal": "unknown"})


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


async def show(client: AsyncWebClient, where: tuple[str, str], summary: RunSummary, page: int = 0) -> None:
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
    service = container.services.auto
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
