"""Block Kit for event lists and for the outcome of schedule changes (done, confirm, refused)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    Block,
    actions,
    button,
    cap_blocks,
    context,
    header,
    section,
)
from bot.blocks.modals import AssignPrefill
from bot.blocks.schedule import hhmm, pack_sections, short_day
from bot.slack.parsing import escape
from core.model import Condition
from core.rules import Violation
from core.rules.validator import CLOSED_CONDITIONS
from core.services.query_models import EventRow
from core.services.schedule_changes import ScheduleResult

ASSIGN_OPEN_ACTION = "sched_assign_open"
CONFIRM_ACTION = "sched_change_confirm"
CANCEL_ACTION = "sched_change_cancel"
MAX_ROWS_WITH_BUTTONS = 40
OVERRIDE_NOTE = "_(a manager may override this with a reason)_"


def due_text(row: EventRow) -> str:
    """``due today``, ``due in 3 days``, ``2 days past due``."""
    left = row.days_left
    if left is None:
        return f"due {short_day(row.event.due_date)}"
    if left == 0:
        return "due today"
    if left < 0:
        return f"{-left} day{'s' if left != -1 else ''} past due"
    return f"due in {left} day{'s' if left != 1 else ''}"


def status_text(row: EventRow) -> str:
    """Who works it and when, or why it is open."""
    if row.assignment is not None:
        who = escape(row.employee_name or row.assignment.employee_id, 80)
        text = f"{who}, {short_day(row.assignment.start.date())} {hhmm(row.assignment.start.time())}"
        if row.days_overdue is not None:
            text += f" · :hourglass: not reported for {row.days_overdue} day(s)"
        return text
    if row.event.condition is Condition.UNSTAFFED:
        return "*unscheduled*"
    return escape(row.event.condition.value)


def event_row_text(row: EventRow) -> str:
    """Two lines about one event of a list."""
    e = row.event
    return (f"*{escape(e.name, 200)}* _({e.event_type.value})_ · #{e.id} · mPlan {e.mplan_id}\n"
            f"{short_day(e.start_date)} – {short_day(e.due_date)}, {due_text(row)} · {status_text(row)}")


def assign_button(row: EventRow) -> Block | None:
    """Assign… (or Reassign…) for an event that can still be worked."""
    if row.event.condition in CLOSED_CONDITIONS:
        return None
    label = "Reassign…" if row.assignment is not None else "Assign…"
    return button(label, ASSIGN_OPEN_ACTION, value=AssignPrefill(row.event.id).encode())


def event_list_blocks(rows: Sequence[EventRow], title: str, *, can_assign: bool,
                      with_buttons: int = MAX_ROWS_WITH_BUTTONS) -> list[Block]:
    """A list of events, each with an Assign… button for those who may schedule."""
    blocks = [header(title)]
    if not rows:
        blocks.append(section("_No events match._"))
    for row in rows[:with_buttons]:
        accessory = assign_button(row) if can_assign else None
        blocks.append(section(event_row_text(row), accessory=accessory))
    rest = rows[with_buttons:]
    if rest:
        lines = [f"• #{r.event.id} {escape(r.event.name, 120)} — {due_text(r)}" for r in rest]
        blocks += pack_sections(lines, heading=f"*{len(rest)} more* (narrow the list to get buttons)")
    blocks.append(context(f"{len(rows)} event(s). Filters: `unscheduled`, `urgent`, `unreported` or a word "
                          "of the name."))
    return cap_blocks(blocks, MAX_MESSAGE_BLOCKS)


def change_blocks(headline: str, result: ScheduleResult) -> list[Block]:
    """What a schedule change did, with its warnings."""
    lines = [f"• {escape(line, 400)}" for line in result.summary().splitlines() if line]
    blocks = pack_sections(lines or ["_Nothing changed._"], heading=f":white_check_mark: *{headline}*")
    if result.warnings:
        blocks += pack_sections([f"• {escape(w, 400)}" for w in result.warnings], heading=":warning: *Note*")
    blocks.append(context("Everyone whose schedule changed gets a DM."))
    return cap_blocks(blocks)


def violation_line(violation: Violation) -> str:
    """One broken rule, marked when a manager may override it."""
    note = f" {OVERRIDE_NOTE}" if violation.hard and violation.overridable else ""
    return f"• {escape(violation.message, 400)}{note}"


def confirm_blocks(headline: str, violations: Sequence[Violation], payload: str) -> list[Block]:
    """Soft warnings with Confirm / Cancel; the Confirm button carries the change."""
    blocks = pack_sections([violation_line(v) for v in violations],
                           heading=f":warning: *{escape(headline, 300)}* — please confirm:")
    blocks.append(actions(button("Confirm", CONFIRM_ACTION, value=payload, style="primary"),
                          button("Cancel", CANCEL_ACTION, value="cancel")))
    return cap_blocks(blocks)


def refusal_blocks(headline: str, violations: Sequence[Violation], *,
                   override: AssignPrefill | None = None) -> list[Block]:
    """Hard rule violations; an Override… button when a manager may override them in the modal."""
    blocks = pack_sections([violation_line(v) for v in violations],
                           heading=f":no_entry: *{escape(headline, 300)}* — not allowed:")
    if override is not None:
        blocks.append(actions(button("Override…", ASSIGN_OPEN_ACTION, value=override.encode())))
    return cap_blocks(blocks)
