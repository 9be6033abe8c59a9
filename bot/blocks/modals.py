"""Modals of the schedule views: Assign… (with its confirmation step), Edit availability, Edit
rotation, and the small loading / notice views.

Block ids and action ids are the names the submission handlers read back; every value a modal
offers is one the handler accepts again (anything else is a field error there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from bot.blocks.common import (
    MAX_OPTIONS,
    Block,
    context,
    modal,
    option,
    plain_text,
    section,
)
from bot.blocks.schedule import DAY_ABBR, DAY_NAMES, ROTATION_LABEL, hhmm, short_day, weekly_text
from bot.slack.parsing import escape, plain
from core.errors import InvalidInput
from core.model import Assignment, Employee, Event, RotationType
from core.services.availability import AvailabilitySummary

ASSIGN_CALLBACK = "sched_assign"
ASSIGN_CONFIRM_CALLBACK = "sched_assign_confirm"
AVAILABILITY_CALLBACK = "availability_edit"
ROTATION_CALLBACK = "rotation_edit"
EMPLOYEE_BLOCK, DAY_BLOCK, TIME_BLOCK = "employee", "day", "time"
OVERRIDE_BLOCK, REASON_BLOCK = "override", "override_reason"
WEEKLY_BLOCK, OFF_DAY_BLOCK, OFF_REASON_BLOCK = "weekly", "off_day", "off_reason"
RANGE_START_BLOCK, RANGE_END_BLOCK, RANGE_DAYS_BLOCK = "range_start", "range_end", "range_days"
RANGE_REASON_BLOCK = "range_reason"
VALUE = "value"
OVERRIDE_VALUE = "override"
NOBODY = "-"
MAX_REASON = 500
ASSIGN_TITLE = "Assign event"
AVAILABILITY_TITLE = "Edit availability"
ROTATION_TITLE = "Edit rotation"
MAX_EMPLOYEE_ID = 64
"""The longest employee id an availability button or modal may carry."""


@dataclass(frozen=True)
class AssignPrefill:
    """What the Assign… modal opens with; travels in a button value."""

    event_id: int
    employee_id: str | None = None
    day: date | None = None
    at: time | None = None
    override: bool = False

    def encode(self) -> str:
        """Compact JSON for a button value."""
        data: dict[str, object] = {"e": self.event_id}
        if self.employee_id:
            data["u"] = self.employee_id
        if self.day:
            data["d"] = self.day.isoformat()
        if self.at:
            data["t"] = self.at.strftime("%H:%M")
        if self.override:
            data["o"] = 1
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> AssignPrefill:
        """The prefill a button carried; InvalidInput when it was tampered with."""
        try:
            data = json.loads(value)
            event_id = data["e"]
            if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id < 1:
                raise ValueError("event id")
            employee = data.get("u")
            if employee is not None and not isinstance(employee, str):
                raise ValueError("employee")
            day = date.fromisoformat(data["d"]) if data.get("d") else None
            at = time.fromisoformat(data["t"]) if data.get("t") else None
            return cls(event_id, employee, day, at, bool(data.get("o")))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise InvalidInput("That button is out of date; list the events again.") from None


@dataclass(frozen=True)
class AssignForm:
    """Everything the Assign… modal shows for one event."""

    event: Event
    today: date
    times: tuple[time, ...]
    eligible: tuple[Employee, ...]
    others: tuple[Employee, ...]
    current: Assignment | None = None
    current_name: str | None = None
    offered: frozenset[str] = field(default_factory=frozenset)

    @property
    def default_day(self) -> date:
        """The current day, else the first day of the window that is not past."""
        if self.current is not None:
            return self.current.start.date()
        return max(self.today, self.event.start_date) if self.today <= self.event.due_date \
            else self.event.start_date


def _select(action_id: str, options: Sequence[Block], initial: str | None,
            groups: Sequence[tuple[str, Sequence[Block]]] = ()) -> Block:
    element: Block = {"type": "static_select", "action_id": action_id,
                      "placeholder": plain_text("Choose…", 150)}
    chosen = None
    if groups:
        element["option_groups"] = [{"label": plain_text(label, 75), "options": list(opts)}
                                    for label, opts in groups if opts]
        chosen = next((o for _, opts in groups for o in opts if o["value"] == initial), None)
    else:
        element["options"] = list(options)
        chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False,
                hint: str | None = None) -> Block:
    """An input block around ``element``."""
    block: Block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000),
                    "element": element, "optional": optional}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def date_picker(initial: date | None) -> Block:
    """A date picker (action id ``value``)."""
    element: Block = {"type": "datepicker", "action_id": VALUE}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return element


def text_input(*, multiline: bool = False, max_length: int = MAX_REASON, initial: str | None = None) -> Block:
    """A plain text input (action id ``value``)."""
    element: Block = {"type": "plain_text_input", "action_id": VALUE, "multiline": multiline,
                      "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    return element


def checkboxes(options: Sequence[tuple[str, str]], checked: Sequence[str]) -> Block:
    """Checkboxes (action id ``value``) with ``checked`` values ticked."""
    opts = [option(text, value) for text, value in options]
    element: Block = {"type": "checkboxes", "action_id": VALUE, "options": opts}
    ticked = [o for o in opts if o["value"] in checked]
    if ticked:
        element["initial_options"] = ticked
    return element


def person_option(person: Employee) -> Block:
    """A select option for an employee: name and job title."""
    return option(plain(f"{person.name} · {person.job_title.value}"), person.id)


def assign_modal(form: AssignForm, prefill: AssignPrefill, *, problem: str | None = None) -> Block:
    """The Assign… modal: event, employee (eligible first), date, time, manager override."""
    event = form.event
    eligible = [person_option(p) for p in form.eligible][:MAX_OPTIONS]
    others = [person_option(p) for p in form.others][: MAX_OPTIONS - len(eligible)]
    initial_person = prefill.employee_id or (form.current.employee_id if form.current else None)
    times = [option(hhmm(t), t.strftime("%H:%M")) for t in form.times]
    initial_time = prefill.at or (form.current.start.time() if form.current else form.times[0])
    now = (f"Scheduled: *{escape(form.current_name or form.current.employee_id, 80)}* "
           f"{short_day(form.current.start.date())} {hhmm(form.current.start.time())}"
           if form.current else "Not scheduled yet")
    blocks: list[Block] = [section(
        f"*{escape(event.name, 200)}*\n_{event.event_type.value}_ · #{event.id} · mPlan {event.mplan_id}\n"
        f"Window {short_day(event.start_date)} – {short_day(event.due_date)} · {now}")]
    if problem:
        blocks.append(context(f":warning: {escape(problem, 1500)}"))
    groups = [(f"Can work {event.event_type.value}", eligible), ("Others (rules will refuse most)", others)]
    blocks.append(input_block(EMPLOYEE_BLOCK, "Employee", _select(VALUE, eligible + others, initial_person,
                                                                 groups if eligible and others else ())))
    blocks.append(input_block(DAY_BLOCK, "Date", date_picker(prefill.day or form.default_day)))
    blocks.append(input_block(TIME_BLOCK, "Start time",
                              _select(VALUE, times, initial_time.strftime("%H:%M"))))
    blocks.append(input_block(OVERRIDE_BLOCK, "Manager override", checkboxes(
        [("Override rules that allow it (recorded in the audit log)", OVERRIDE_VALUE)],
        [OVERRIDE_VALUE] if prefill.override else []), optional=True))
    blocks.append(input_block(REASON_BLOCK, "Override reason", text_input(multiline=True), optional=True,
                              hint="Required when overriding."))
    verb = "Reassign" if form.current else "Assign"
    return modal(f"{verb} event", blocks, callback_id=ASSIGN_CALLBACK, submit=verb, close="Cancel",
                 private_metadata=json.dumps({"e": event.id}))


def assign_confirm_modal(headline: str, warnings: Sequence[str], payload: str) -> Block:
    """The confirmation step of Assign… for soft rule warnings."""
    lines = "\n".join(f"• {escape(w, 300)}" for w in warnings)
    blocks = [section(f":warning: *{escape(headline, 300)}*\n{lines}"),
              context("Confirm to go ahead anyway, or Cancel to leave everything as it is.")]
    return modal("Please confirm", blocks, callback_id=ASSIGN_CONFIRM_CALLBACK, submit="Confirm",
                 close="Cancel", private_metadata=payload)


def notice_modal(title: str, text: str) -> Block:
    """A modal that only says something (``text`` is mrkdwn the caller escaped)."""
    return modal(title, [section(text)], close="Close")


def loading_modal(title: str) -> Block:
    """Shown while the data of a modal is loading."""
    return notice_modal(title, ":hourglass_flowing_sand: Loading…")


def availability_modal(summary: AvailabilitySummary, name: str) -> Block:
    """Edit availability: weekly checkboxes, one day off, a temporary pattern over a date range."""
    days = [(DAY_NAMES[i], DAY_ABBR[i].lower()) for i in range(7)]
    ticked = [DAY_ABBR[i].lower() for i, ok in enumerate(summary.weekly.days) if ok]
    blocks: list[Block] = [
        section(f"*{escape(name, 80)}* · now: {weekly_text(summary.weekly)}"),
        input_block(WEEKLY_BLOCK, "Days I can usually work", checkboxes(days, ticked), optional=True),
        input_block(OFF_DAY_BLOCK, "A day I can't work", date_picker(None), optional=True),
        input_block(OFF_REASON_BLOCK, "Why (optional)", text_input(max_length=200), optional=True),
        context("*Temporary pattern* — within a date range, the ticked days are workable, the others not."),
        input_block(RANGE_START_BLOCK, "From", date_picker(None), optional=True),
        input_block(RANGE_END_BLOCK, "Until", date_picker(None), optional=True),
        input_block(RANGE_DAYS_BLOCK, "Days I can work in that range", checkboxes(days, []), optional=True),
        input_block(RANGE_REASON_BLOCK, "Why (optional)", text_input(max_length=200), optional=True),
    ]
    return modal("Edit availability", blocks, callback_id=AVAILABILITY_CALLBACK, submit="Save",
                 close="Cancel", private_metadata=summary.employee_id)


def rotation_block_id(rotation: RotationType, weekday: int) -> str:
    """``juicer_0`` … ``primary_lead_6``."""
    return f"{rotation.value}_{weekday}"


def rotation_modal(current: Mapping[tuple[RotationType, int], str],
                   people: Mapping[RotationType, Sequence[Employee]]) -> Block:
    """Edit the weekly rotation: weekday → Juicer and Primary Lead selects (``—`` for nobody)."""
    blocks: list[Block] = [context("Who holds each rotation on each weekday. One-off changes: "
                                   "`/sched rotation <date> juicer|lead @user`.")]
    for weekday, day_name in enumerate(DAY_NAMES):
        for rotation in (RotationType.JUICER, RotationType.PRIMARY_LEAD):
            options = [option("— nobody —", NOBODY), *(person_option(p) for p in people.get(rotation, ()))]
            blocks.append(input_block(rotation_block_id(rotation, weekday),
                                      f"{day_name}: {ROTATION_LABEL[rotation]}",
                                      _select(VALUE, options[:MAX_OPTIONS], current.get((rotation, weekday),
                                                                                        NOBODY))))
    return modal("Edit rotation", blocks, callback_id=ROTATION_CALLBACK, submit="Save", close="Cancel")
