"""Block Kit of time off: the request modal, the managers' card, the DM confirmation card, lists.

Pure builders: plain data in, dicts out. Every text a person typed is escaped before it is shown,
so ``<!channel>`` in a reason stays text and never pings anybody.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.blocks.common import (
    Block,
    actions,
    button,
    cap_blocks,
    confirm_dialog,
    context,
    header,
    modal,
    plain_text,
    section,
    static_select,
)
from bot.slack.parsing import escape
from core.model import TimeOffRequest, TimeOffStatus
from core.services.query_models import ScheduledRow
from core.services.schedule_changes import when

HOME_REQUEST_ACTION = "home_request_time_off"
MODAL_CALLBACK = "time_off_request"
DENY_CALLBACK = "time_off_deny_note"
APPROVE_ACTION = "time_off_approve"
DENY_ACTION = "time_off_deny"
CANCEL_ACTION = "time_off_cancel"
FIND_REPLACEMENT_ACTION = "time_off_find_replacement"
UNASSIGN_ACTION = "time_off_unassign"
DM_SUBMIT_ACTION = "dm_time_off_submit"
DM_EDIT_ACTION = "dm_time_off_edit"
DM_CANCEL_ACTION = "dm_card_cancel"

START_BLOCK, END_BLOCK, REASON_BLOCK = "start", "end", "reason"
EMPLOYEE_BLOCK, NOTE_BLOCK = "employee", "note"
START_INPUT, END_INPUT, REASON_INPUT, EMPLOYEE_INPUT, NOTE_INPUT = (
    "start_date", "end_date", "reason_text", "employee_id", "note_text")
MAX_REASON = 200
MAX_CARD_ROWS = 15
STATUS_WORDS = {TimeOffStatus.PENDING: "pending", TimeOffStatus.APPROVED: "approved",
                TimeOffStatus.DENIED: "denied", TimeOffStatus.CANCELLED: "cancelled"}


def span(start: date, end: date) -> str:
    """'Fri 12/24', or the first and last day with the number of days."""
    if start == end:
        return f"{start:%a %m/%d}"
    return f"{start:%a %m/%d} – {end:%a %m/%d} ({(end - start).days + 1} days)"


@dataclass(frozen=True)
class Prefill:
    """What the modal starts with (from ``/timeoff 12/24-12/26 trip`` or a DM card's Edit)."""

    start: date | None = None
    end: date | None = None
    reason: str | None = None
    employee_id: str | None = None
    note: str | None = None
    """Shown above the inputs (e.g. why the typed dates were not used)."""

    def encode(self) -> str:
        """A button value holding the dates and the reason."""
        data = {"s": self.start.isoformat() if self.start else None,
                "e": self.end.isoformat() if self.end else None, "r": self.reason}
        return json.dumps(data, separators=(",", ":"))

    @staticmethod
    def decode(value: str) -> Prefill:
        """The prefill of a button value; ``ValueError`` when it was not made by ``encode``."""
        data = json.loads(value)
        if not isinstance(data, dict):
            raise ValueError("not a time-off value")
        start, end, reason = data.get("s"), data.get("e"), data.get("r")
        return Prefill(date.fromisoformat(start) if start else None,
                       date.fromisoformat(end) if end else None,
                       str(reason)[:MAX_REASON] if reason else None)


def _datepicker(block_id: str, action_id: str, label: str, initial: date | None) -> Block:
    element: Block = {"type": "datepicker", "action_id": action_id, "placeholder": plain_text("Pick a day")}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return {"type": "input", "block_id": block_id, "label": plain_text(label), "element": element}


def request_modal(prefill: Prefill, *, employees: Sequence[tuple[str, str]] = (),
                  private_metadata: str = "") -> Block:
    """The time-off modal; ``employees`` ((name, id) pairs) adds a "For" select for managers."""
    blocks: list[Block] = []
    if prefill.note:
        blocks.append(context(f":information_source: {escape(prefill.note)}"))
    if employees:
        blocks.append({"type": "input", "block_id": EMPLOYEE_BLOCK, "label": plain_text("For"),
                       "element": static_select(EMPLOYEE_INPUT, employees, placeholder="Who is off?",
                                                initial=prefill.employee_id)})
    blocks.append(_datepicker(START_BLOCK, START_INPUT, "First day off", prefill.start))
    blocks.append(_datepicker(END_BLOCK, END_INPUT, "Last day off", prefill.end or prefill.start))
    reason: Block = {"type": "plain_text_input", "action_id": REASON_INPUT, "max_length": MAX_REASON,
                     "placeholder": plain_text("e.g. family trip")}
    if prefill.reason:
        reason["initial_value"] = prefill.reason[:MAX_REASON]
    blocks.append({"type": "input", "block_id": REASON_BLOCK, "optional": True,
                   "label": plain_text("Reason"), "element": reason})
    blocks.append(context("Your managers get the request and you get a DM when they decide."))
    return modal("Request time off", blocks, callback_id=MODAL_CALLBACK, submit="Send request",
                 close="Cancel", private_metadata=private_metadata)


def deny_modal(request_id: int, private_metadata: str) -> Block:
    """The optional-note modal of "Deny…"."""
    note = {"type": "input", "block_id": NOTE_BLOCK, "optional": True, "label": plain_text("Reason"),
            "element": {"type": "plain_text_input", "action_id": NOTE_INPUT, "multiline": True,
                        "max_length": MAX_REASON, "placeholder": plain_text("The requester will see this")}}
    return modal(f"Deny request #{request_id}", [note], callback_id=DENY_CALLBACK, submit="Deny",
                 close="Back", private_metadata=private_metadata)


def _row_line(row: ScheduledRow) -> str:
    return f"• {escape(row.event_name)} — {when(row.start)}"


def request_text(request: TimeOffRequest, employee_name: str) -> str:
    """The one-line summary of a request (notification text)."""
    return f"Time-off request #{request.id}: {employee_name}, {span(request.start_date, request.end_date)}"


def _request_head(request: TimeOffRequest, employee_name: str) -> list[Block]:
    who = escape(employee_name)
    asker = f" (asked by <@{request.requested_by}>)" if request.requested_by else ""
    text = f"*{who}* asks for time off *{span(request.start_date, request.end_date)}*{asker}"
    if request.reason:
        text += f"\n>{escape(request.reason)}"
    return [header(f"Time-off request #{request.id}"), section(text)]


def _work_lines(rows: Sequence[ScheduledRow]) -> Block:
    if not rows:
        return context("No scheduled work in that range.")
    lines = [_row_line(r) for r in rows[:MAX_CARD_ROWS]]
    if len(rows) > MAX_CARD_ROWS:
        lines.append(f"…and {len(rows) - MAX_CARD_ROWS} more")
    return section("*Scheduled in that range:*\n" + "\n".join(lines))


def request_card(request: TimeOffRequest, employee_name: str, rows: Sequence[ScheduledRow]) -> list[Block]:
    """The managers' card of a pending request: the dates, the work inside them, Approve / Deny…."""
    value = str(request.id)
    return cap_blocks([
        *_request_head(request, employee_name),
        _work_lines(rows),
        actions(button("Approve", APPROVE_ACTION, value=value, style="primary"),
                button("Deny…", DENY_ACTION, value=value, style="danger"),
                block_id=f"time_off_{request.id}"),
    ])


def decided_card(request: TimeOffRequest, employee_name: str, rows: Sequence[ScheduledRow],
                 notes: Sequence[str] = ()) -> list[Block]:
    """The card after a decision; after an approval each affected assignment gets its buttons."""
    blocks = _request_head(request, employee_name)
    verdict = STATUS_WORDS[request.status].capitalize()
    by = f" by <@{request.decided_by}>" if request.decided_by else ""
    line = f"*{verdict}*{by}"
    if request.note:
        line += f" — {escape(request.note)}"
    blocks.append(section(line))
    if request.status is TimeOffStatus.APPROVED:
        if rows:
            blocks.append(section("*Still scheduled on those days* — find a replacement or unassign:"))
        for row in rows[:MAX_CARD_ROWS]:
            value = json.dumps({"r": request.id, "e": row.event_id}, separators=(",", ":"))
            blocks.append(section(_row_line(row)))
            blocks.append(actions(
                button("Find replacement", FIND_REPLACEMENT_ACTION, value=value, style="primary"),
                button("Unassign", UNASSIGN_ACTION, value=value, confirm=confirm_dialog(
                    "Unassign?", f"Take {escape(row.employee_name)} off {escape(row.event_name)}?",
                    confirm="Unassign")),
                block_id=f"affected_{row.event_id}"))
        if len(rows) > MAX_CARD_ROWS:
            blocks.append(context(f"…and {len(rows) - MAX_CARD_ROWS} more; see `/sched @user week`."))
    blocks.extend(context(n) for n in notes[-3:])
    return cap_blocks(blocks)


def confirmation_card(start: date, end: date, reason: str | None, *,
                      warning: str | None = None) -> list[Block]:
    """The DM answer to "off friday": what was understood, Submit / Edit / Cancel."""
    text = f"Request time off *{span(start, end)}*"
    if reason:
        text += f" — {escape(reason)}"
    blocks: list[Block] = [section(text + "?")]
    if warning:
        blocks.append(context(f":warning: {escape(warning)}"))
    value = Prefill(start, end, reason).encode()
    blocks.append(actions(button("Submit", DM_SUBMIT_ACTION, value=value, style="primary"),
                          button("Edit", DM_EDIT_ACTION, value=value),
                          button("Cancel", DM_CANCEL_ACTION, value="time_off"),
                          block_id="dm_time_off"))
    return blocks


def requests_list(requests: Sequence[TimeOffRequest], names: dict[str, str], *,
                  can_cancel: set[int]) -> list[Block]:
    """``/timeoff list``: newest first; a Cancel button where the viewer may cancel."""
    if not requests:
        return [section("No time-off requests yet. Ask with `/timeoff 12/24-12/26 family trip`.")]
    blocks: list[Block] = [header("Time-off requests")]
    for r in requests:
        who = escape(names.get(r.employee_id, r.employee_id))
        text = f"*#{r.id}* {who} — {span(r.start_date, r.end_date)} — _{STATUS_WORDS[r.status]}_"
        if r.reason:
            text += f"\n{escape(r.reason)}"
        accessory = (button("Cancel", CANCEL_ACTION, value=str(r.id), confirm=confirm_dialog(
            "Cancel request?", f"Withdraw request #{r.id}?", confirm="Withdraw", deny="Keep"))
            if r.id in can_cancel else None)
        blocks.append(section(text, accessory=accessory))
    return cap_blocks(blocks)


def field_values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``view.state.values`` flattened to ``{block_id: element state}`` (first element per block)."""
    values = ((view.get("state") or {}).get("values") or {})
    out: dict[str, dict[str, Any]] = {}
    if not isinstance(values, dict):
        return out
    for block_id, elements in values.items():
        if isinstance(elements, dict) and elements:
            first = next(iter(elements.values()))
            if isinstance(first, dict):
                out[str(block_id)] = first
    return out
