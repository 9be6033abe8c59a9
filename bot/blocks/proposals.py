"""Block Kit of auto-scheduler runs: the proposal message (paged), the result line, "Why?", the
what-if answer, and the Review… modals.

Pure builders over ``RunSummary`` (a run and its proposals with names, from the auto-scheduler
service). A message holds at most 50 blocks, so a big run is shown page by page with Prev / Next
buttons on the same message; the Review… modal pages the same way within its 100 blocks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_MODAL_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    header,
    modal,
    plain_text,
    section,
    static_select,
)
from bot.slack.parsing import escape
from core.model import ProposalStatus, RunStatus
from core.scheduling.explain import Explanation
from core.services.autoschedule_review import WhatIfAnswer
from core.services.run_summary import ProposalRow, RunSummary

APPROVE_ACTION = "proposal_approve_all"
REJECT_ACTION = "proposal_reject"
REVIEW_ACTION = "proposal_review"
PREV_ACTION = "proposal_page_prev"
NEXT_ACTION = "proposal_page_next"
WHY_ACTION = "proposal_why"
WHAT_IF_ACTION = "proposal_what_if"
RETRY_ACTION = "proposal_retry"
EDIT_ROW_ACTION = "proposal_edit_row"
REVIEW_PREV_ACTION = "proposal_review_prev"
REVIEW_NEXT_ACTION = "proposal_review_next"
REVIEW_CALLBACK = "proposal_review"
EDIT_CALLBACK = "proposal_edit"
EMPLOYEE_BLOCK, DAY_BLOCK, TIME_BLOCK = "employee", "day", "time"
EMPLOYEE_INPUT, DAY_INPUT, TIME_INPUT = "employee_id", "day", "time"
CONFIRM_BLOCK, CONFIRM_INPUT = "confirm", "confirm"

MESSAGE_ROOM = MAX_MESSAGE_BLOCKS - 6
"""Content blocks per message page (header, counts, page note, result, actions and a spare)."""
MODAL_ROOM = MAX_MODAL_BLOCKS - 4
ICONS = {ProposalStatus.PUSHED.value: ":white_check_mark:", ProposalStatus.PUSH_FAILED.value: ":warning:",
         ProposalStatus.PUSHING.value: ":hourglass_flowing_sand:",
         ProposalStatus.REJECTED.value: ":no_entry_sign:", ProposalStatus.EDITED.value: ":pencil2:"}
OPEN_STATUSES = frozenset({ProposalStatus.PROPOSED.value, ProposalStatus.EDITED.value,
                           ProposalStatus.PUSH_FAILED.value})
DECIDED = frozenset({RunStatus.APPROVED.value, RunStatus.PARTIALLY_APPROVED.value, RunStatus.REJECTED.value})


def planned_rows(summary: RunSummary) -> list[ProposalRow]:
    """Every placed proposal of the run, by day and time."""
    return [row for day in summary.days for row in day.rows]


def is_decided(summary: RunSummary) -> bool:
    """Approved (fully or partly) or rejected."""
    return summary.status in DECIDED


def planning_blocks(days: int, title: str | None = None) -> list[Block]:
    """The placeholder shown while the solver works."""
    what = escape(title) if title else f"the next {days} days"
    return [section(f":hourglass_flowing_sand: Planning {what}… (this takes up to a minute)")]


def _planned_line(row: ProposalRow) -> str:
    icon = ICONS.get(row.status, "•")
    who = escape(row.employee_name or row.employee_id or "?")
    when = f"{row.start:%-I:%M %p}" if row.start else ""
    text = f"{icon} {when} — {escape(row.event_name)} → *{who}*"
    if row.bumps_assignment_id is not None:
        text += " _(replaces a confirmed assignment)_"
    if row.status == ProposalStatus.PUSH_FAILED.value and row.error:
        text += f" — {escape(row.error)}"
    return text


def _day_sections(summary: RunSummary) -> list[Block]:
    blocks: list[Block] = []
    for day in summary.days:
        chunk = f"*{day.day:%a %m/%d}*"
        for row in day.rows:
            line = _planned_line(row)
            if len(chunk) + len(line) + 1 > MAX_SECTION_TEXT:
                blocks.append(section(chunk))
                chunk = f"*{day.day:%a %m/%d}* (cont.)"
            chunk += "\n" + line
        blocks.append(section(chunk))
    return blocks


def _unscheduled_blocks(rows: Sequence[ProposalRow], run_id: int) -> list[Block]:
    if not rows:
        return []
    blocks: list[Block] = [section(f"*Left unscheduled ({len(rows)})*")]
    for row in rows:
        reason = f"\n_{escape(row.reason_text)}_" if row.reason_text else ""
        value = f"{run_id}:{row.event_id}"
        blocks.append(section(f"• {escape(row.event_name)} ({escape(row.event_type)}){reason}",
                              accessory=button("Why?", WHY_ACTION, value=value)))
    return blocks


def _removal_blocks(rows: Sequence[ProposalRow]) -> list[Block]:
    if not rows:
        return []
    lines = [f"{ICONS.get(r.status, '•')} {escape(r.event_name)}"
             + (f" — {escape(r.reason_text)}" if r.reason_text else "") for r in rows]
    return [section("*Confirmed assignments this run lets go*\n" + "\n".join(lines))]


def content_pages(summary: RunSummary, room: int = MESSAGE_ROOM) -> list[list[Block]]:
    """The run's day sections, removals and unscheduled rows in pages of at most ``room`` blocks."""
    body = (_day_sections(summary) + _removal_blocks(summary.removals)
            + _unscheduled_blocks(summary.unscheduled_rows, summary.run_id))
    if summary.notes:
        notes = "; ".join(escape(n) for n in summary.notes[:5])
        body.append(context(f"Notes: {notes}"))
    if not body:
        body = [section("Nothing to schedule in this period.")]
    return [body[i:i + room] for i in range(0, len(body), room)]


def counts_block(summary: RunSummary) -> Block:
    """To schedule / scheduled / left unscheduled / solver status."""
    return section(" ", fields=[f"*To schedule*\n{summary.to_schedule}", f"*Scheduled*\n{summary.proposed}",
                                f"*Left unscheduled*\n{summary.unscheduled}",
                                f"*Solver*\n{summary.status_line}"])


def result_text(summary: RunSummary) -> str:
    """"Approved by @ana: 23 pushed, 1 failed" (or the rejection line)."""
    by = f" by <@{summary.decided_by}>" if summary.decided_by else ""
    if summary.status == RunStatus.REJECTED.value:
        return f":no_entry_sign: Rejected{by}: nothing was changed."
    removed = sum(1 for r in summary.removals if r.status == ProposalStatus.PUSHED.value)
    pushed = summary.pushed - removed
    text = f":white_check_mark: Approved{by}: {pushed} pushed"
    text += f", {removed} unassigned" if removed else ""
    return text + (f", {summary.failed} failed" if summary.failed else "")


def _controls(summary: RunSummary, page: int, pages: int) -> Block | None:
    run = str(summary.run_id)
    elements: list[Block] = []
    if not is_decided(summary):
        elements += [
            button("Approve all", APPROVE_ACTION, value=run, style="primary", confirm=confirm_dialog(
                "Approve all?", f"Push {summary.pending} proposal(s) to Crossmark?", confirm="Approve")),
            button("Reject", REJECT_ACTION, value=run, style="danger"),
            button("Review…", REVIEW_ACTION, value=run),
        ]
    elif summary.failed and summary.status != RunStatus.REJECTED.value:
        elements.append(button("Retry", RETRY_ACTION, value=run, style="primary"))
    if page > 0:
        elements.append(button("◀ Prev", PREV_ACTION, value=f"{run}:{page - 1}"))
    if page + 1 < pages:
        elements.append(button("Next ▶", NEXT_ACTION, value=f"{run}:{page + 1}"))
    return actions(*elements, block_id=f"run_{summary.run_id}") if elements else None


def proposal_message(summary: RunSummary, page: int = 0, *,
                     busy: str | None = None) -> tuple[str, list[Block]]:
    """(fallback text, blocks) of one page of the proposal message (pages count from 0); ``busy``
    replaces the buttons with a progress note while a decision is being carried out."""
    pages = content_pages(summary)
    page = max(0, min(page, len(pages) - 1))
    span = f"{summary.horizon_start:%a %m/%d} – {summary.horizon_end:%a %m/%d}"
    blocks: list[Block] = [header(f"Auto-schedule #{summary.run_id}: {span}"), counts_block(summary)]
    blocks += pages[page]
    if len(pages) > 1:
        blocks.append(context(f"Page {page + 1} of {len(pages)}"))
    if is_decided(summary):
        blocks.append(section(result_text(summary)))
    controls = _controls(summary, page, len(pages))
    if busy is None and summary.status == RunStatus.APPROVING.value:
        busy = (f":hourglass_flowing_sand: Being approved by <@{summary.decided_by}> — pushing to "
                "Crossmark…")
    if busy is not None:
        blocks.append(context(busy))
    elif controls is not None:
        blocks.append(controls)
    text = (result_text(summary) if is_decided(summary) else
            f"Auto-schedule #{summary.run_id}: {summary.proposed} proposed, {summary.unscheduled} left")
    return text, blocks


def why_blocks(explanation: Explanation, *, value: str | None) -> list[Block]:
    """The answer to "Why?": the engine's sentence, the reason codes with how many person-days each
    blocks, and (when ``value`` is given) the "What if I force it?" button."""
    codes = ", ".join(f"`{escape(code)}` ×{count}" for code, count in explanation.codes) or "none"
    blocks: list[Block] = [
        section(f"*Why is {escape(explanation.event_name)} unscheduled?*\n{escape(explanation.sentence)}"),
        context(f"Reason codes (person-days): {codes} — {explanation.open} of {explanation.checked} "
                "person-days have no hard rule against them"),
    ]
    if value is not None:
        blocks.append(actions(button("What if I force it?", WHAT_IF_ACTION, value=value),
                              block_id=f"why_{explanation.event_id}"))
    return blocks


def what_if_blocks(answer: WhatIfAnswer, names: dict[str, str]) -> list[Block]:
    """The what-if answer: where it would go, what would move and the cost, or why it can't."""
    name = escape(answer.event_name)
    if not answer.possible:
        blocks: list[Block] = [section(f"*Forcing {name}* is impossible under the hard rules.\n"
                                       f"{escape(answer.sentence)}")]
        if answer.explanation is not None and answer.explanation.codes:
            codes = ", ".join(f"`{escape(c)}` ×{n}" for c, n in answer.explanation.codes)
            blocks.append(context(f"Reason codes (person-days): {codes}"))
        return blocks
    who = escape(names.get(answer.employee_id or "", answer.employee_id or "?"))
    when = f"{answer.start:%a %m/%d at %-I:%M %p}" if answer.start else "?"
    delta = f" (cost {answer.cost_delta:+d} points)" if answer.cost_delta is not None else ""
    moves = "\n".join(f"• {escape(m.text)}" for m in answer.moves[:20]) or "• nothing else would move"
    return [section(f"*Forcing {name}*: {who}, {when}{delta}\n{escape(answer.sentence)}\n{moves}")]


def review_modal(summary: RunSummary, page: int, private_metadata: str) -> Block:
    """Every open row (placed or left unscheduled) with an Edit button, paged within the modal's
    100 blocks."""
    rows = [row for row in planned_rows(summary) if row.status in OPEN_STATUSES]
    rows += list(summary.unscheduled_rows) if not is_decided(summary) else []
    pages = [rows[i:i + MODAL_ROOM] for i in range(0, len(rows), MODAL_ROOM)] or [[]]
    page = max(0, min(page, len(pages) - 1))
    blocks: list[Block] = []
    for row in pages[page]:
        text = (f"{row.start:%a %m/%d} {_planned_line(row)}" if row.start
                else f":grey_question: {escape(row.event_name)} — _left unscheduled_")
        blocks.append(section(text,
                              accessory=button("Edit", EDIT_ROW_ACTION, value=str(row.proposal_id))))
    if not blocks:
        blocks.append(section("No open rows to review."))
    nav: list[Block] = []
    if page > 0:
        nav.append(button("◀ Prev", REVIEW_PREV_ACTION, value=f"{summary.run_id}:{page - 1}"))
    if page + 1 < len(pages):
        nav.append(button("Next ▶", REVIEW_NEXT_ACTION, value=f"{summary.run_id}:{page + 1}"))
    if nav:
        blocks.append(actions(*nav, block_id="review_pages"))
    blocks.append(context(f"Page {page + 1} of {len(pages)} — every edit is checked against the rules."))
    return modal(f"Review run #{summary.run_id}", blocks, callback_id=REVIEW_CALLBACK, close="Done",
                 private_metadata=private_metadata)


def edit_modal(row: ProposalRow, employees: Sequence[tuple[str, str]], private_metadata: str,
               *, warnings: Sequence[str] = ()) -> Block:
    """Change the employee, day and start time of one proposal; ``warnings`` (soft rules from the
    last try) add a "save anyway" box."""
    blocks: list[Block] = [section(f"*{escape(row.event_name)}* ({escape(row.event_type)})")]
    blocks.append({"type": "input", "block_id": EMPLOYEE_BLOCK, "label": plain_text("Employee"),
                   "element": static_select(EMPLOYEE_INPUT, employees, initial=row.employee_id)})
    picker: Block = {"type": "datepicker", "action_id": DAY_INPUT}
    time_input: Block = {"type": "plain_text_input", "action_id": TIME_INPUT, "max_length": 10,
                         "placeholder": plain_text("e.g. 10:45")}
    if row.start is not None:
        picker["initial_date"] = row.start.date().isoformat()
        time_input["initial_value"] = f"{row.start:%H:%M}"
    blocks.append({"type": "input", "block_id": DAY_BLOCK, "label": plain_text("Day"), "element": picker})
    blocks.append({"type": "input", "block_id": TIME_BLOCK, "label": plain_text("Start time"),
                   "element": time_input})
    if warnings:
        text = "\n".join(f":warning: {escape(w)}" for w in warnings[:5])
        blocks.append(section(text))
        option = {"text": plain_text("Save anyway"), "value": "yes"}
        blocks.append({"type": "input", "block_id": CONFIRM_BLOCK, "optional": True,
                       "label": plain_text("Warnings"),
                       "element": {"type": "checkboxes", "action_id": CONFIRM_INPUT, "options": [option]}})
    return modal("Edit proposal", blocks, callback_id=EDIT_CALLBACK, submit="Save", close="Back",
                 private_metadata=private_metadata)


def encode_meta(**data: object) -> str:
    """Compact JSON for ``private_metadata``."""
    return json.dumps(data, separators=(",", ":"))
