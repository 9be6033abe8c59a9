"""Buttons of the proposal message and of the Review… modal.

Approve all / Retry draw "Approving…" and queue the ``approve_run`` job (``bot.jobs.tasks``: a
``schedbot worker`` on PostgreSQL, the serve process on SQLite), which pushes, redraws the message
and tells a click that lost the decision who decided; Reject drops the run inline. The run state
machine lives in ``AutoScheduleService``: a click on a decided run, or a second approval racing the
first, changes nothing and the clicker is told who decided. Why? and What if I force it? answer
ephemerally; Review… opens a loading modal at once (the trigger lives 3 s) and fills it, and each
row's Edit pushes the edit modal.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text, modal, section
from bot.blocks.proposals import (
    APPROVE_ACTION,
    EDIT_ROW_ACTION,
    NEXT_ACTION,
    PREV_ACTION,
    REJECT_ACTION,
    RETRY_ACTION,
    REVIEW_ACTION,
    REVIEW_NEXT_ACTION,
    REVIEW_PREV_ACTION,
    WHAT_IF_ACTION,
    WHY_ACTION,
    edit_modal,
    encode_meta,
    is_decided,
    planned_rows,
    proposal_message,
    review_modal,
    what_if_blocks,
    why_blocks,
)
from bot.container import Container
from bot.jobs.tasks import enqueue_approval
from bot.slack.flows.approval_progress import already_text, busy_text
from bot.slack.flows.auto_proposals import auto_manager, row_of, show
from bot.slack.flows.team import manager_options
from bot.slack.identity import current_actor, require_linked
from bot.slack.payloads import action_value, message_location, trigger_of
from bot.slack.replies import tell
from core.errors import Conflict, InvalidInput
from core.model import ProposalStatus, RunStatus
from core.services import authz

log = logging.getLogger(__name__)


def numbers(value: str, count: int) -> tuple[int, ...]:
    """``count`` integers of a ``a:b`` button value; a forged value is refused."""
    parts = value.split(":")
    if len(parts) != count or not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise InvalidInput("That button is damaged; run `/sched auto` again.", {"value": "malformed"})
    return tuple(int(p) for p in parts)


def loading_modal(title: str) -> dict[str, Any]:
    """What a modal shows until its content is ready."""
    return modal(title, [section(":hourglass_flowing_sand: Loading…")])


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the proposal buttons."""

    async def decide(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                     context: dict[str, Any], *, retry: bool = False) -> None:
        actor = await auto_manager(context)
        (run_id,) = numbers(action_value(body), 1)
        where = message_location(body)
        service = container.services.auto
        summary = await container.run_blocking(service.summary, run_id)
        failed = [r.proposal_id for r in planned_rows(summary)
                  if r.status == ProposalStatus.PUSH_FAILED.value]
        if summary.status == RunStatus.APPROVING.value:
            await tell(respond, f"<@{summary.decided_by}> is approving run #{run_id} right now; "
                                "the message shows the result when it is done.")
            return
        if (is_decided(summary) and not retry) or (retry and not failed):
            await tell(respond, already_text(summary) if not retry else "There is nothing left to retry.")
            if where is not None:
                await show(client, where, summary)
            return
        if where is not None:
            text, blocks = proposal_message(summary, busy=busy_text(actor.slack_user_id))
            await client.chat_update(channel=where[0], ts=where[1], text=message_text(text), blocks=blocks)
        response_url = body.get("response_url")
        try:
            await container.run_blocking(enqueue_approval, container, actor, run_id,
                                         failed if retry else None, where,
                                         str(response_url) if response_url else None)
        except Exception:
            if where is not None:
                await show(client, where, summary)
            raise

    @app.action(APPROVE_ACTION)
    async def on_approve(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        await decide(body, client, respond, context)

    @app.action(RETRY_ACTION)
    async def on_retry(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                       context: dict[str, Any]) -> None:
        await ack()
        await decide(body, client, respond, context, retry=True)

    @app.action(REJECT_ACTION)
    async def on_reject(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                        context: dict[str, Any]) -> None:
        await ack()
        actor = await auto_manager(context)
        (run_id,) = numbers(action_value(body), 1)
        service = container.services.auto
        try:
            summary = await container.run_blocking(service.reject, actor, run_id)
        except Conflict:
            summary = await container.run_blocking(service.summary, run_id)
            await tell(respond, already_text(summary))
        where = message_location(body)
        if where is not None:
            await show(client, where, summary)

    async def turn_page(body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        require_linked(await current_actor(context))
        run_id, page = numbers(action_value(body), 2)
        where = message_location(body)
        if where is not None:
            summary = await container.run_blocking(container.services.auto.summary, run_id)
            await show(client, where, summary, page)

    @app.action(PREV_ACTION)
    async def on_prev(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        await turn_page(body, client, context)

    @app.action(NEXT_ACTION)
    async def on_next(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        await turn_page(body, client, context)

    @app.action(WHY_ACTION)
    async def on_why(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                     context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        run_id, event_id = numbers(action_value(body), 2)
        explanation = await container.run_blocking(container.services.auto.why, actor, event_id=event_id,
                                                   run_id=run_id)
        force = f"{run_id}:{event_id}" if authz.allowed(actor, authz.Action.RUN_AUTO) else None
        await respond(text=message_text(explanation.sentence), blocks=why_blocks(explanation, value=force),
                      response_type="ephemeral", replace_original=False)

    @app.action(WHAT_IF_ACTION)
    async def on_what_if(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = await auto_manager(context)
        run_id, event_id = numbers(action_value(body), 2)
        answer = await container.run_blocking(container.services.auto.what_if, actor, event_id, run_id=run_id)
        people = await container.run_blocking(manager_options, container.services, actor)
        names = {employee_id: name for name, employee_id in people}
        await respond(text=message_text(answer.sentence), blocks=what_if_blocks(answer, names),
                      response_type="ephemeral", replace_original=False)

    @app.action(REVIEW_ACTION)
    async def on_review(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
        await ack()
        await auto_manager(context)
        (run_id,) = numbers(action_value(body), 1)
        opened = await client.views_open(trigger_id=trigger_of(body),
                                         view=loading_modal(f"Review run #{run_id}"))
        view_id = str((opened.get("view") or {}).get("id") or "")
        where = message_location(body)
        summary = await container.run_blocking(container.services.auto.summary, run_id)
        meta = encode_meta(run=run_id, w=list(where) if where else None, p=0)
        await client.views_update(view_id=view_id, view=review_modal(summary, 0, meta))

    async def review_page(body: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        await auto_manager(context)
        run_id, page = numbers(action_value(body), 2)
        view = body.get("view") or {}
        meta = review_meta(view)
        summary = await container.run_blocking(container.services.auto.summary, run_id)
        await client.views_update(view_id=str(view.get("id") or ""),
                                  view=review_modal(summary, page, encode_meta(**{**meta, "p": page})))

    @app.action(REVIEW_PREV_ACTION)
    async def on_review_prev(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
        await ack()
        await review_page(body, client, context)

    @app.action(REVIEW_NEXT_ACTION)
    async def on_review_next(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
        await ack()
        await review_page(body, client, context)

    @app.action(EDIT_ROW_ACTION)
    async def on_edit_row(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                          context: dict[str, Any]) -> None:
        await ack()
        actor = await auto_manager(context)
        (proposal_id,) = numbers(action_value(body), 1)
        view = body.get("view") or {}
        meta = review_meta(view)
        summary = await container.run_blocking(container.services.auto.summary, int(meta["run"]))
        row = row_of(summary, proposal_id)
        people = await container.run_blocking(manager_options, container.services, actor)
        edit_meta = encode_meta(**meta, pid=proposal_id, parent=str(view.get("id") or ""))
        await client.views_push(trigger_id=trigger_of(body),
                                view=edit_modal(row, people, edit_meta))


def review_meta(view: Mapping[str, Any]) -> dict[str, Any]:
    """The run, message location and page a review modal carries."""
    try:
        meta = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("run"), int):
        raise InvalidInput("This form is damaged; press Review… again.", {"run": "missing"})
    return meta
