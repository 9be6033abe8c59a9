"""``/sched assign | unassign | move | swap | reissue``: manual schedule changes.

The router has acknowledged the command; event references and dates are resolved and the change
is made by ``SchedulingService`` in the worker pool. Soft rule warnings come back as Confirm /
Cancel buttons whose Confirm carries the whole change (``ChangeRequest``); hard violations are
refused with their reasons, with an Override… button (the Assign… modal) where a manager may
override them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.common import MAX_BUTTON_VALUE, message_text
from bot.blocks.events import change_blocks, confirm_blocks, refusal_blocks
from bot.blocks.modals import AssignPrefill
from bot.container import Container, Services
from bot.listeners.commands.sched import SubcommandHandler, SubcommandRequest, register_subcommand
from bot.listeners.commands.sched_views import guarded, services_of
from bot.slack.identity import require_linked
from bot.slack.parsing import (
    employee_of_user,
    escape,
    mention_user,
    parse_event_ref,
    resolve_event,
    split_trailing_when,
    take_event_ref,
)
from core.errors import InvalidInput, RuleViolation
from core.model import Actor, Event
from core.ports import UnitOfWork
from core.rules import allowed_start_times
from core.services import authz
from core.services.lookups import store_today
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

USAGES = {
    ChangeOp.ASSIGN: "Use `/sched assign <event> @user <date> [<time>]`.",
    ChangeOp.UNASSIGN: "Use `/sched unassign <event>`.",
    ChangeOp.MOVE: "Use `/sched move <event> <date> [<time>]`.",
    ChangeOp.SWAP: "Use `/sched swap <event> <event>` (quote names with spaces).",
    ChangeOp.REISSUE: "Use `/sched reissue <event>`.",
}
EXAMPLES = {
    ChangeOp.ASSIGN: ("/sched assign 606001 core @ana fri 10:45", "/sched assign #12 @ana 12/24"),
    ChangeOp.UNASSIGN: ("/sched unassign 606001 core",),
    ChangeOp.MOVE: ("/sched move 606001 core sat 11:15", "/sched move #12 next mon"),
    ChangeOp.SWAP: ("/sched swap 606001 606002",),
    ChangeOp.REISSUE: ("/sched reissue #12",),
}
HELP = {
    ChangeOp.ASSIGN: "Schedule an event (full rule check; soft warnings ask to confirm).",
    ChangeOp.UNASSIGN: "Unschedule an event (a Core takes its Supervisor along).",
    ChangeOp.MOVE: "Move a scheduled event to another day or time.",
    ChangeOp.SWAP: "Swap the people of two scheduled Core events.",
    ChangeOp.REISSUE: "Reissue (re-open) an event in Crossmark to the same person.",
}


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
    services = services_of(container)
    try:
        result = await container.run_blocking(apply_change, services, actor, change, confirm=confirm)
    except RuleViolation as error:
        return violation_reply(actor, change, error)
    headline = HEADLINES[change.op]
    return {"text": message_text(f"{headline}: {escape(result.summary(), 2000)}"),
            "blocks": change_blocks(headline, result)}


def _start_time(uow: UnitOfWork, actor: Actor, event: Event, given: time | None) -> time:
    if given is not None:
        return given
    current = uow.assignments.for_event(event.id)
    if current:
        return current[0].start.time()
    return allowed_start_times(load_time_settings(uow, actor.store_id), event)[0]


def _no_leftovers(words: list[str], usage: str) -> None:
    if words:
        raise InvalidInput(f"I did not understand “{' '.join(words)[:80]}”. {usage}", {"args": "Extra words"})


def prepare(container: Container, actor: Actor, op: ChangeOp, args: tuple[str, ...]) -> ChangeRequest:
    """The change a command asks for, with its events and people resolved (blocking)."""
    with container.uow_factory() as uow:
        today = store_today(uow, container.clock, actor.store_id)

        def event(words: list[str] | tuple[str, ...]) -> Event:
            return resolve_event(uow, actor.store_id, parse_event_ref(words), today)

        if op is ChangeOp.ASSIGN:
            spot = next((i for i, w in enumerate(args) if mention_user(w)), None)
            if spot is None:
                raise InvalidInput(f"Mention who works it. {USAGES[op]}", {"employee": "No mention"})
            found = event(args[:spot])
            person = employee_of_user(uow, actor.store_id, str(mention_user(args[spot])))
            rest, day, at = split_trailing_when(args[spot + 1:], today, need_head=False)
            _no_leftovers(rest, USAGES[op])
            first_slot = allowed_start_times(load_time_settings(uow, actor.store_id), found)[0]
            start = datetime.combine(day, at or first_slot)
            return ChangeRequest(op, found.id, person.id, start)
        if op is ChangeOp.MOVE:
            head, day, at = split_trailing_when(args, today)
            found = event(head)
            when = datetime.combine(day, _start_time(uow, actor, found, at))
            return ChangeRequest(op, found.id, None, when)
        if op is ChangeOp.SWAP:
            first, rest = take_event_ref(args)
            if not rest:
                raise InvalidInput(f"Give two events. {USAGES[op]}", {"event_b": "Required"})
            one, other = resolve_event(uow, actor.store_id, first, today), event(rest)
            return ChangeRequest(op, one.id, other_event_id=other.id)
        return ChangeRequest(op, event(args).id)


def handler_for(op: ChangeOp) -> SubcommandHandler:
    """The ``/sched <op>`` handler."""
    async def handle(request: SubcommandRequest) -> None:
        actor = require_linked(request.actor)
        if not request.args:
            raise InvalidInput(USAGES[op], {"event": "Required"})
        container = request.container
        change = await container.run_blocking(prepare, container, actor, op, request.args)
        answer = await perform(container, actor, change, confirm=False)
        answer.setdefault("response_type", "in_channel" if request.public else "ephemeral")
        await request.respond(**answer)

    handle.__doc__ = f"``/sched {op.value}``."
    return handle


def register(app: AsyncApp, container: Container) -> None:
    """Add the scheduling subcommands to ``/sched``."""
    for op in ChangeOp:
        register_subcommand(op.value, guarded(handler_for(op)), help=HELP[op], examples=EXAMPLES[op])
