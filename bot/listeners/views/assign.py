"""The Assign… modal: its data, its submission and its confirmation step.

A submission is checked against what the modal offered (people, times), then the change is made
by ``SchedulingService``. Slack waits at most three seconds for the answer, so the whole work runs
against a budget (``bot.slack.deadlines.settle``): a quick outcome is the acknowledgement itself
(field errors, the confirmation step, or "done"); a slow one acknowledges with "Saving…" and updates
the modal when it finishes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, modal
from bot.blocks.events import change_blocks
from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    ASSIGN_CONFIRM_CALLBACK,
    ASSIGN_TITLE,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    OVERRIDE_BLOCK,
    OVERRIDE_VALUE,
    REASON_BLOCK,
    TIME_BLOCK,
    AssignForm,
    assign_confirm_modal,
)
from bot.container import Container
from bot.slack.deadlines import settle
from bot.slack.flows.schedule_changes import (
    QUESTIONS,
    ChangeOp,
    ChangeRequest,
    apply_change,
    load_assign_form,
)
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import clean_input, escape
from bot.slack.payloads import chosen, read_day, state_values, ticked
from core.errors import DomainError, InvalidInput, RuleViolation
from core.model import Actor
from core.rules import Code, Violation

DAY_CODES = frozenset({Code.OUTSIDE_WINDOW, Code.PAST, Code.HOLIDAY, Code.BUFFER, Code.SUPERVISOR_DAY,
                       Code.SUPERVISOR_IMPOSSIBLE})
TIME_CODES = frozenset({Code.TIME_NOT_ALLOWED, Code.OVERLAP})
FIELD_BLOCKS = {"employee": EMPLOYEE_BLOCK, "day": DAY_BLOCK, "date": DAY_BLOCK, "start": DAY_BLOCK,
                "time": TIME_BLOCK, "override_reason": REASON_BLOCK}
FORM_BLOCKS = frozenset({EMPLOYEE_BLOCK, DAY_BLOCK, TIME_BLOCK, OVERRIDE_BLOCK, REASON_BLOCK})
OVERRIDE_HINT = " Tick Override and give a reason to go ahead anyway."
MAX_ERROR = 300


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
    try:
        result = await container.run_blocking(apply_change, container.services, actor, change,
                                              confirm=confirm)
    except RuleViolation as error:
        if not error.needs_confirmation:
            raise
        return assign_confirm_modal(QUESTIONS[change.op], [v.message for v in error.violations],
                                    change.encode())
    return done_modal("Done", change_blocks(f"{change.op.value.capitalize()}: done", result))


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

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=ASSIGN_TITLE,
                     errors_for=assign_errors)

    @app.view(ASSIGN_CONFIRM_CALLBACK)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        async def work() -> Block:
            actor = require_linked(await current_actor(context))
            change = ChangeRequest.decode(str(body["view"].get("private_metadata") or ""))
            return await change_outcome(container, actor, change, confirm=True)

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=ASSIGN_TITLE,
                     errors_for=lambda error: None)
