"""Manual schedule changes as the Slack surfaces make them: the change that travels in a Confirm button
or a modal (``ChangeRequest``), making it through ``SchedulingService``, and the answer — done, a
Confirm / Cancel for soft warnings, or the refusal (with Override… where a manager may override) —
plus the data of the Assign… modal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.blocks.common import MAX_BUTTON_VALUE, message_text
from bot.blocks.events import change_blocks, confirm_blocks, refusal_blocks
from bot.blocks.modals import AssignForm, AssignPrefill
from bot.container import Container, Services
from bot.slack.parsing import escape
from core.errors import InvalidInput, RuleViolation
from core.model import Actor
from core.rules import ROLE_MATRIX, allowed_start_times, title_allowed
from core.services import authz
from core.services.lookups import event_of, store_today
from core.services.schedule_changes import ScheduleResult
from core.services.time_settings import load_time_settings


class ChangeOp(StrEnum):
    """The manual schedule changes."""

    ASSIGN = "assign"
    UNASSIGN = "unassign"
    MOVE = "move"
    SWAP = "swap"
    REISSUE = "reissue"


HEADLINES = {ChangeOp.ASSIGN: "Scheduled", ChangeOp.UNASSIGN: "Unassigned", ChangeOp.MOVE: "Moved",
             ChangeOp.SWAP: "Swapped", ChangeOp.REISSUE: "Reissued"}
QUESTIONS = {ChangeOp.ASSIGN: "Schedule it anyway?", ChangeOp.UNASSIGN: "Unassign it anyway?",
             ChangeOp.MOVE: "Move it anyway?", ChangeOp.SWAP: "Swap them anyway?",
             ChangeOp.REISSUE: "Reissue it anyway?"}


@dataclass(frozen=True)
class ChangeRequest:
    """One schedule change, as it travels in a Confirm button or a modal's private metadata."""

    op: ChangeOp
    event_id: int
    employee_id: str | None = None
    start: datetime | None = None
    other_event_id: int | None = None
    override_reason: str | None = None

    def encode(self) -> str:
        """Compact JSON; refuses (ValueError) what would not fit a button value."""
        data: dict[str, Any] = {"op": self.op.value, "e": self.event_id}
        if self.employee_id is not None:
            data["u"] = self.employee_id
        if self.start is not None:
            data["s"] = self.start.strftime("%Y-%m-%dT%H:%M")
        if self.other_event_id is not None:
            data["o"] = self.other_event_id
        if self.override_reason is not None:
            data["r"] = self.override_reason
        text = json.dumps(data, separators=(",", ":"))
        if len(text) > MAX_BUTTON_VALUE:
            raise ValueError("the change does not fit a button value")
        return text

    @classmethod
    def decode(cls, value: str) -> ChangeRequest:
        """The change a button or modal carried; InvalidInput when it was tampered with."""
        try:
            data = json.loads(value)
            op = ChangeOp(data["op"])
            ids = [data["e"], *([data["o"]] if "o" in data else [])]
            if any(not isinstance(i, int) or isinstance(i, bool) or i < 1 for i in ids):
                raise ValueError("event id")
            texts = [data.get("u"), data.get("r")]
            if any(t is not None and not isinstance(t, str) for t in texts):
                raise ValueError("text")
            start = datetime.strptime(data["s"], "%Y-%m-%dT%H:%M") if data.get("s") else None
            return cls(op, data["e"], data.get("u"), start, data.get("o"), data.get("r"))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise InvalidInput("That confirmation is out of date or damaged; run the command "
                               "again.") from None


def apply_change(services: Services, actor: Actor, change: ChangeRequest, *, confirm: bool) -> ScheduleResult:
    """Make ``change`` through the scheduling service (blocking)."""
    scheduling = services.scheduling
    reason = change.override_reason
    if change.op is ChangeOp.ASSIGN:
        if change.employee_id is None or change.start is None:
            raise InvalidInput("Say who and when.", {"employee": "Required"})
        return scheduling.assign(actor, change.event_id, change.employee_id, change.start, confirm=confirm,
                                 override_reason=reason)
    if change.op is ChangeOp.MOVE:
        if change.start is None:
            raise InvalidInput("Say when.", {"day": "Required"})
        return scheduling.move(actor, change.event_id, change.start, employee_id=change.employee_id,
                               confirm=confirm, override_reason=reason)
    if change.op is ChangeOp.SWAP:
        if change.other_event_id is None:
            raise InvalidInput("Give two events to swap.", {"event_b": "Required"})
        return scheduling.trade(actor, change.event_id, change.other_event_id, confirm=confirm,
                                override_reason=reason)
    if change.op is ChangeOp.REISSUE:
        return scheduling.reissue(actor, change.event_id, confirm=confirm, override_reason=reason)
    return scheduling.unassign(actor, change.event_id)


def violation_reply(actor: Actor, change: ChangeRequest, error: RuleViolation) -> dict[str, Any]:
    """Confirm / Cancel for warnings, or the refusal (with Override… where a manager may override).

    A confirmation is always ephemeral, so nobody else can click it.
    """
    reasons = "; ".join(v.message for v in error.violations)
    if error.needs_confirmation:
        return {"text": message_text(f"Please confirm: {escape(reasons, 1000)}"),
                "blocks": confirm_blocks(QUESTIONS[change.op], error.violations, change.encode()),
                "response_type": "ephemeral"}
    override = None
    overridable = all(v.overridable or not v.hard for v in error.violations)
    if (overridable and change.start is not None and change.op in (ChangeOp.ASSIGN, ChangeOp.MOVE)
            and authz.allowed(actor, authz.Action.SCHEDULE)):
        override = AssignPrefill(change.event_id, change.employee_id, change.start.date(),
                                 change.start.time(), override=True)
    return {"text": message_text(f"Not allowed: {escape(reasons, 1000)}"),
            "blocks": refusal_blocks(f"{change.op.value.capitalize()} refused", error.violations,
                                     override=override)}


async def perform(container: Container, actor: Actor, change: ChangeRequest, *,
                  confirm: bool) -> dict[str, Any]:
    """Make the change in the worker pool; the ``respond`` payload (done, confirm or refused)."""
    try:
        result = await container.run_blocking(apply_change, container.services, actor, change,
                                              confirm=confirm)
    except RuleViolation as error:
        return violation_reply(actor, change, error)
    headline = HEADLINES[change.op]
    return {"text": message_text(f"{headline}: {escape(result.summary(), 2000)}"),
            "blocks": change_blocks(headline, result)}


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
