"""Saving the team Edit… modal.

The submission is read into a ``TeamEdit`` and checked by core while Slack waits, so problems appear
under their inputs (``response_action="errors"``) and nothing is stored. A valid edit turns the modal
into "Saving…" at once; the changes (a termination may push to Crossmark or run the auto-scheduler)
are applied after the acknowledgement and the modal then shows what happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import error_modal
from bot.blocks.team import ACTIVE_VALUES, DAY_VALUES, EDIT_CALLBACK, INPUT, edit_result_modal, loading_modal
from bot.container import Container
from bot.slack.flows.auto_proposals import DEFAULT_DAYS, MAX_DAYS, plan_and_post
from bot.slack.flows.team import DeferredReplacements, edit_service
from bot.slack.identity import current_actor, require_linked
from core.errors import DomainError, InvalidInput
from core.model import Actor
from core.services.team_edit import EditField, TeamEdit, TeamEditService, Termination

log = logging.getLogger(__name__)

CHECK_BUDGET_SECONDS = 2.0
BLOCK_IDS = frozenset(f.value for f in EditField)
FIELD_ALIASES = {"employee": EditField.REASSIGN_TO.value, "user": EditField.SLACK_USER.value,
                 "days": EditField.WEEKLY.value}
MAX_EMPLOYEE_ID = 50


def _element(values: Mapping[str, Any], block: EditField) -> Mapping[str, Any] | None:
    found = (values.get(block.value) or {}).get(INPUT)
    return found if isinstance(found, Mapping) else None


def _selected(element: Mapping[str, Any] | None) -> str | None:
    chosen = (element or {}).get("selected_option")
    if not isinstance(chosen, Mapping) or chosen.get("value") is None:
        return None
    return str(chosen["value"])


def employee_of_view(view: Mapping[str, Any]) -> str:
    """The employee id the modal was opened for (``private_metadata``)."""
    try:
        meta = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        meta = {}
    employee_id = meta.get("employee_id") if isinstance(meta, dict) else None
    if not isinstance(employee_id, str) or not employee_id or len(employee_id) > MAX_EMPLOYEE_ID:
        raise InvalidInput("This form is damaged; open Edit… again.")
    return employee_id


def edit_from_state(values: Mapping[str, Any], employee_id: str) -> TeamEdit:
    """The submitted fields; a missing block keeps its value. Values that were not offered are errors."""
    problems: dict[str, str] = {}
    active: bool | None = None
    status = _element(values, EditField.ACTIVE)
    if status is not None:
        picked = _selected(status)
        if picked not in ACTIVE_VALUES:
            problems[EditField.ACTIVE] = "Choose Active or Inactive."
        else:
            active = ACTIVE_VALUES[picked]
    weekly: tuple[bool, ...] | None = None
    days = _element(values, EditField.WEEKLY)
    if days is not None:
        options = days.get("selected_options") or []
        picked_days = {str(o.get("value")) for o in options if isinstance(o, Mapping)}
        if not picked_days <= set(DAY_VALUES):
            problems[EditField.WEEKLY] = "Tick weekdays from the list."
        weekly = tuple(d in picked_days for d in DAY_VALUES)
    email = _element(values, EditField.EMAIL)
    slack = _element(values, EditField.SLACK_USER)
    termination = _termination(values, problems)
    if problems:
        raise InvalidInput("Not saved.", problems)
    return TeamEdit(
        employee_id=employee_id,
        job_title=_selected(_element(values, EditField.JOB_TITLE)),
        is_active=active,
        email=None if email is None else str(email.get("value") or ""),
        weekly=weekly,
        slack_user_id=None if slack is None else str(slack.get("selected_user") or ""),
        termination=termination)


def _termination(values: Mapping[str, Any], problems: dict[str, str]) -> Termination | None:
    raw_day = (_element(values, EditField.LAST_DAY) or {}).get("selected_date")
    who = str((_element(values, EditField.REASSIGN_TO) or {}).get("value") or "").strip()
    if not raw_day and not who:
        return None
    last_day: date | None = None
    if raw_day:
        try:
            last_day = date.fromisoformat(str(raw_day))
        except ValueError:
            problems[EditField.LAST_DAY] = "Pick a date from the calendar."
    strategy = _selected(_element(values, EditField.STRATEGY)) or "unassign"
    return Termination(last_day, strategy, who or None)


def field_errors(error: InvalidInput) -> dict[str, str]:
    """The error's field messages keyed by the modal's block ids (others are dropped)."""
    errors: dict[str, str] = {}
    for key, message in error.fields.items():
        block = FIELD_ALIASES.get(key, key)
        if block in BLOCK_IDS:
            errors.setdefault(block, message[:2000])
    return errors


async def _refuse(ack: AsyncAck, error: DomainError) -> None:
    errors = field_errors(error) if isinstance(error, InvalidInput) else {}
    if errors:
        await ack(response_action="errors", errors=errors)
    else:
        await ack(response_action="push", view=error_modal(error.message))


async def _finish(container: Container, client: AsyncWebClient, view_id: str, service: TeamEditService,
                  planner: DeferredReplacements, actor: Actor, edit: TeamEdit) -> None:
    name = edit.employee_id
    try:
        result = await container.run_blocking(service.apply, actor, edit)
        view = edit_result_modal(result)
        name = result.employee.name
    except DomainError as exc:
        log.info("team edit of %s refused after the check: %s", edit.employee_id, exc.code)
        view = error_modal(exc.message)
    try:
        await client.views_update(view_id=view_id, view=view)
    except SlackApiError as exc:
        log.warning("could not show the team edit result: %s", exc.response.get("error"))
    if planner.event_ids:
        await _propose(container, client, actor, planner.event_ids, name)


def replacement_days(container: Container, actor: Actor, event_ids: list[int]) -> int:
    """How many days ahead the replacement run must look to reach every event's due date."""
    today = container.services.queries.today(actor)
    with container.uow_factory() as uow:
        dues = [e.due_date for e in (uow.events.get(i) for i in event_ids) if e is not None]
    latest = max(dues, default=today)
    return max(DEFAULT_DAYS, min(MAX_DAYS, (latest - today).days))


async def _propose(container: Container, client: AsyncWebClient, actor: Actor, event_ids: list[int],
                   name: str) -> None:
    opened = await client.conversations_open(users=actor.slack_user_id)
    channel = str((opened.get("channel") or {}).get("id") or actor.slack_user_id)
    days = await container.run_blocking(replacement_days, container, actor, event_ids)
    try:
        await plan_and_post(container, client, actor, channel, days=days, only_event_ids=event_ids,
                            title=f"replacements for {name}")
    except DomainError as exc:
        await client.chat_postMessage(channel=channel, text=f"Could not plan replacements for {name}: "
                                                            f"{exc.message} Run `/sched auto` instead.")


def register(app: AsyncApp, container: Container) -> None:
    """Handle submissions of the Edit… modal."""

    @app.view(EDIT_CALLBACK)
    async def on_edit_saved(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                            context: dict[str, Any]) -> None:
        view = body.get("view") or {}
        try:
            actor = require_linked(await current_actor(context))
            edit = edit_from_state((view.get("state") or {}).get("values") or {}, employee_of_view(view))
            planner = DeferredReplacements()
            service = edit_service(container, context, planner)
        except DomainError as exc:
            await _refuse(ack, exc)
            return
        check = asyncio.ensure_future(container.run_blocking(service.validate, actor, edit))
        try:
            await asyncio.wait_for(asyncio.shield(check), CHECK_BUDGET_SECONDS)
        except DomainError as exc:
            await _refuse(ack, exc)
            return
        except TimeoutError:
            log.info("team edit check is slow; acknowledging first")
        await ack(response_action="update", view=loading_modal("Saving…"))
        try:
            await check
        except DomainError as exc:
            await client.views_update(view_id=str(view.get("id") or ""), view=error_modal(exc.message))
            return
        await _finish(container, client, str(view.get("id") or ""), service, planner, actor, edit)
