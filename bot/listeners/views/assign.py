"""The Assign… modal: its data, its submission and its confirmation step.

A submission is checked against what the modal offered (people, times), then the change is made
by ``SchedulingService``. Slack waits at most three seconds for the answer, so the whole work runs
against a budget: a quick outcome is the acknowledgement itself (field errors, the confirmation
step, or "done"); a slow one acknowledges with "Saving…" and updates the modal when it finishes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, modal
from bot.blocks.events import change_blocks
from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    ASSIGN_CONFIRM_CALLBACK,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    OVERRIDE_BLOCK,
    OVERRIDE_VALUE,
    REASON_BLOCK,
    TIME_BLOCK,
    VALUE,
    AssignForm,
    assign_confirm_modal,
    notice_modal,
)
from bot.container import Container
from bot.listeners.commands.sched_manage import QUESTIONS, ChangeOp, ChangeRequest, apply_change
from bot.listeners.commands.sched_views import services_of
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import clean_input, escape, make_safe
from core.errors import DomainError, InvalidInput, RuleViolation
from core.model import Actor
from core.rules import ROLE_MATRIX, Code, Violation, allowed_start_times, title_allowed
from core.services import authz
from core.services.lookups import event_of, store_today
from core.services.time_settings import load_time_settings

SUBMIT_BUDGET_SECONDS = 2.0
TITLE = "Assign event"
DAY_CODES = frozenset({Code.OUTSIDE_WINDOW, Code.PAST, Code.HOLIDAY, Code.BUFFER, Code.SUPERVISOR_DAY,
                       Code.SUPERVISOR_IMPOSSIBLE})
TIME_CODES = frozenset({Code.TIME_NOT_ALLOWED, Code.OVERLAP})
FIELD_BLOCKS = {"employee": EMPLOYEE_BLOCK, "day": DAY_BLOCK, "date": DAY_BLOCK, "start": DAY_BLOCK,
                "time": TIME_BLOCK, "override_reason": REASON_BLOCK}
FORM_BLOCKS = frozenset({EMPLOYEE_BLOCK, DAY_BLOCK, TIME_BLOCK, OVERRIDE_BLOCK, REASON_BLOCK})
OVERRIDE_HINT = " Tick Override and give a reason to go ahead anyway."
MAX_ERROR = 300


def load_assign_form(container: Container, actor: Actor, event_id: int) -> AssignForm:
    """The event, the people (those who may work its type first) and its start times (blocking)."""
    authz.require(actor, authz.Action.SCHEDULE)
    with container.uow_factory() as uow:
        event = event_of(uow, actor.store_id, event_id)
        today = store_today(uow, container.clock, actor.store_id)
        settings = load_time_settings(uow, actor.store_id)
        people = [e for e in uow.employees.list(store_id=actor.store_id) if e.works_on(today)]
        current = uow.assignments.for_event(event.id)
        holder = uow.employees.get(current[0].employee_id) if current else None
    times = allowed_start_times(settings, event)
    if current and current[0].start.time() not in times:
        times = (*times, current[0].start.time())
    rank = {title: i for i, title in enumerate(ROLE_MATRIX[event.event_type])}
    eligible = sorted((p for p in people if title_allowed(p.job_title, event.event_type)),
                      key=lambda p: (rank[p.job_title], p.name.casefold()))
    others = sorted((p for p in people if not title_allowed(p.job_title, event.event_type)),
                    key=lambda p: p.name.casefold())
    offered = frozenset(p.id for p in [*eligible, *others][:100])
    return AssignForm(event, today, times, tuple(eligible), tuple(others), current[0] if current else None,
                      holder.name if holder else None, offered)


def state_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """``block id → element state`` of a submitted view (missing blocks are simply absent)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return {block: (actions or {}).get(VALUE) or {} for block, actions in values.items()
            if isinstance(actions, Mapping)}


def chosen(values: Mapping[str, Any], block: str) -> str | None:
    """The value of a select, date picker or text input; ``None`` when empty or absent."""
    element = values.get(block) or {}
    if not isinstance(element, Mapping):
        return None
    picked = element.get("selected_option")
    value = (picked or {}).get("value") if isinstance(picked, Mapping) else None
    value = value or element.get("selected_date") or element.get("value")
    return str(value) if value not in (None, "") else None


def ticked(values: Mapping[str, Any], block: str) -> list[str]:
    """The values of the ticked checkboxes."""
    element = values.get(block) or {}
    options = element.get("selected_options") if isinstance(element, Mapping) else None
    return [str(o.get("value")) for o in options or [] if isinstance(o, Mapping)]


def read_day(text: str | None, errors: dict[str, str], block: str, *, required: bool) -> date | None:
    """A date picker's ISO date; a field error when it is missing (and required) or not a date."""
    if text is None:
        if required:
            errors[block] = "Pick a date."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[block] = "That is not a real date."
        return None


def read_submission(form: AssignForm, body: Mapping[str, Any]) -> ChangeRequest:
    """The change the form asks for; InvalidInput (per block) for anything the form did not offer."""
    values = state_values(body)
    errors: dict[str, str] = {}
    employee = chosen(values, EMPLOYEE_BLOCK)
    if employee is None:
        errors[EMPLOYEE_BLOCK] = "Choose who works it."
    elif employee not in form.offered:
        errors[EMPLOYEE_BLOCK] = "Choose someone from the list."
    day = read_day(chosen(values, DAY_BLOCK), errors, DAY_BLOCK, required=True)
    offered_times = {t.strftime("%H:%M"): t for t in form.times}
    at = offered_times.get(chosen(values, TIME_BLOCK) or "")
    if at is None:
        errors[TIME_BLOCK] = "Choose one of the offered times."
    boxes = ticked(values, OVERRIDE_BLOCK)
    if any(b != OVERRIDE_VALUE for b in boxes):
        errors[OVERRIDE_BLOCK] = "That is not one of the options."
    reason: str | None = None
    if boxes:
        try:
            reason = clean_input(chosen(values, REASON_BLOCK) or "", field=REASON_BLOCK, max_length=500,
                                 what="reason") or None
        except InvalidInput as err:
            errors.update(err.fields)
        if reason is None and REASON_BLOCK not in errors:
            errors[REASON_BLOCK] = "Say why you override the rules."
    if errors or employee is None or day is None or at is None:
        raise InvalidInput("Check the highlighted fields.", errors)
    op = ChangeOp.MOVE if form.current is not None else ChangeOp.ASSIGN
    return ChangeRequest(op, form.event.id, employee, datetime.combine(day, at), override_reason=reason)


def violation_errors(violations: Sequence[Violation]) -> dict[str, str]:
    """Broken rules as errors on the fields they concern."""
    grouped: dict[str, list[str]] = {}
    for v in violations:
        block = DAY_BLOCK if v.code in DAY_CODES else TIME_BLOCK if v.code in TIME_CODES else EMPLOYEE_BLOCK
        grouped.setdefault(block, []).append(v.message)
    hint = OVERRIDE_HINT if any(v.hard and v.overridable for v in violations) else ""
    return {block: escape("; ".join(texts), MAX_ERROR - len(hint)) + hint for block, texts in grouped.items()}


def assign_errors(error: DomainError) -> dict[str, str] | None:
    """Field errors of the Assign… form for ``error``, or ``None`` when it concerns no field."""
    if isinstance(error, RuleViolation):
        return violation_errors(error.violations)
    if isinstance(error, InvalidInput) and error.fields:
        mapped: dict[str, str] = {}
        for name, text in error.fields.items():
            block = name if name in FORM_BLOCKS else FIELD_BLOCKS.get(name, EMPLOYEE_BLOCK)
            mapped[block] = "; ".join(filter(None, (mapped.get(block), escape(text, MAX_ERROR))))
        return mapped
    return None


def done_modal(headline: str, blocks: list[Block]) -> Block:
    """The modal after a successful change."""
    return modal(headline, blocks, close="Done")


async def change_outcome(container: Container, actor: Actor, change: ChangeRequest, *,
                         confirm: bool) -> Block:
    """Make the change; the view to show (done, or the confirmation step). Hard refusals raise."""
    services = services_of(container)
    try:
        result = await container.run_blocking(apply_change, services, actor, change, confirm=confirm)
    except RuleViolation as error:
        if not error.needs_confirmation:
            raise
        return assign_confirm_modal(QUESTIONS[change.op], [v.message for v in error.violations],
                                    change.encode())
    return done_modal("Done", change_blocks(f"{change.op.value.capitalize()}: done", result))


async def settle(ack: AsyncAck, client: AsyncWebClient, view_id: str, work: Awaitable[Block], *,
                 title: str, errors_for: Callable[[DomainError], dict[str, str] | None]) -> None:
    """Acknowledge a submission with the view ``work`` makes, or its field errors, within the budget;
    past the budget acknowledge with "Saving…" and update the modal when ``work`` is done."""
    task = asyncio.ensure_future(work)
    try:
        view = await asyncio.wait_for(asyncio.shield(task), SUBMIT_BUDGET_SECONDS)
    except TimeoutError:
        await ack(response_action="update", view=notice_modal(title, ":hourglass_flowing_sand: Saving…"))
        try:
            view = await task
        except DomainError as error:
            view = notice_modal(title, f":warning: {make_safe(error).message}")
        await client.views_update(view_id=view_id, view=view)
        return
    except DomainError as error:
        fields = errors_for(make_safe(error))
        if fields:
            await ack(response_action="errors", errors=fields)
        else:
            await ack(response_action="update", view=notice_modal(title, f":warning: {error.message}"))
        return
    await ack(response_action="update", view=view)


def metadata_event(view: Mapping[str, Any]) -> int:
    """The event id the Assign… modal was opened for."""
    try:
        event_id = json.loads(str(view.get("private_metadata") or ""))["e"]
    except (ValueError, TypeError, KeyError):
        raise InvalidInput("This form is damaged; open it again.") from None
    if not isinstance(event_id, int) or isinstance(event_id, bool):
        raise InvalidInput("This form is damaged; open it again.")
    return event_id


def register(app: AsyncApp, container: Container) -> None:
    """Handle the Assign… modal and its confirmation step."""

    @app.view(ASSIGN_CALLBACK)
    async def on_assign(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
        async def work() -> Block:
            actor = require_linked(await current_actor(context))
            form = await container.run_blocking(load_assign_form, container, actor,
                                                metadata_event(body["view"]))
            change = read_submission(form, body)
            return await change_outcome(container, actor, change, confirm=False)

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=TITLE,
                     errors_for=assign_errors)

    @app.view(ASSIGN_CONFIRM_CALLBACK)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        async def work() -> Block:
            actor = require_linked(await current_actor(context))
            change = ChangeRequest.decode(str(body["view"].get("private_metadata") or ""))
            return await change_outcome(container, actor, change, confirm=True)

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=TITLE,
                     errors_for=lambda error: None)
