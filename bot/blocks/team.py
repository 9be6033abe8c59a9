"""Block Kit of the team roster: the paged list with Edit… buttons, the Edit… modal, people needing
review, name-match link suggestions and the roster-upload report. Data in, dicts out."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from bot.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    divider,
    header,
    modal,
    option,
    plain_text,
    section,
    static_select,
    truncate,
)
from core.model import Employee, JobTitle, WeeklyAvailability
from core.services.people import TerminationStrategy
from core.services.query_models import RosterRow
from core.services.team_edit import WEEKDAYS, EditField, EditResult, describe_days
from core.services.team_review import LinkSuggestion

EDIT_ACTION = "team_edit"
REVIEWED_ACTION = "team_reviewed"
LINK_ACTION = "team_link"
PAGE_ACTION = "team_page"
APPLY_ROSTER_ACTION = "roster_apply"
DISCARD_ROSTER_ACTION = "roster_discard"
EDIT_CALLBACK = "team_edit"
INPUT = "value"
PER_PAGE = 40
REVIEW_LIMIT = 20
SUGGESTION_LIMIT = 10
DAY_VALUES = tuple(d.lower() for d in WEEKDAYS)
ACTIVE_VALUES = {"active": True, "inactive": False}
STRATEGY_LABELS = {
    TerminationStrategy.UNASSIGN: "Unassign them",
    TerminationStrategy.REASSIGN: "Reassign them to the person below",
    TerminationStrategy.PROPOSE: "Propose replacements (auto-scheduler)",
}
LINK_SEPARATOR = "|"


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    """How many roster pages ``total`` people need (at least one)."""
    return max(1, math.ceil(total / per_page))


def person_line(row: RosterRow) -> str:
    """One roster entry: name, title, RepID, Slack link, status and availability."""
    e = row.employee
    slack = f"<@{row.slack_user_id}>" if row.slack_user_id else "not linked"
    status = "active" if e.is_active else "inactive"
    if e.termination_date is not None:
        status += f", last day {e.termination_date:%m/%d/%Y}"
    flag = "  :warning: _needs review_" if e.needs_review else ""
    return (f"*{e.name}*{flag}\n{e.job_title.value} · RepID {e.rep_id or '—'} · {slack}\n"
            f"{status.capitalize()} · available {describe_days(row.weekly.days)}")


def roster_blocks(rows: Sequence[RosterRow], *, page: int = 1, can_edit: bool = False,
                  per_page: int = PER_PAGE) -> list[Block]:
    """One page of the roster (within a message's 50 blocks), with Edit… buttons for managers."""
    per_page = max(1, min(per_page, MAX_MESSAGE_BLOCKS - 3))
    pages = page_count(len(rows), per_page)
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * per_page: page * per_page]
    review = sum(1 for r in rows if r.employee.needs_review)
    active = sum(1 for r in rows if r.employee.is_active)
    blocks: list[Block] = [header(f"Team roster: {active} active of {len(rows)}")]
    notes = [f"Page {page} of {pages}"] if pages > 1 else []
    if review:
        notes.append(f":warning: {review} need review: `/sched team review`")
    if notes:
        blocks.append(context(" · ".join(notes)))
    for row in shown:
        edit = button("Edit…", EDIT_ACTION, value=row.employee.id) if can_edit else None
        blocks.append(section(person_line(row), accessory=edit))
    if not rows:
        blocks.append(section("Nobody is on the roster yet. Run `/sched sync reps` or upload a roster CSV "
                              "to me in a DM."))
    nav = []
    if page > 1:
        nav.append(button("◀ Previous", f"{PAGE_ACTION}_prev", value=str(page - 1)))
    if page < pages:
        nav.append(button("Next ▶", f"{PAGE_ACTION}_next", value=str(page + 1)))
    if nav:
        blocks.append(actions(*nav, block_id="team_pages"))
    return blocks


def review_entry_blocks(person: Employee) -> list[Block]:
    """A person needing review: who they are, and Edit… / Reviewed buttons."""
    text = (f"*{person.name}* · {person.job_title.value} · RepID {person.rep_id or '—'}"
            + (f" · {person.email}" if person.email else ""))
    return [section(text),
            actions(button("Edit…", EDIT_ACTION, value=person.id),
                    button("Reviewed", REVIEWED_ACTION, value=person.id, style="primary"),
                    block_id=f"review_{person.id}"[:255])]


def needs_review_blocks(rows: Sequence[Employee], *, limit: int = REVIEW_LIMIT) -> list[Block]:
    """People new from the Crossmark sync, for managers (App Home and ``/sched team review``).

    Empty when nobody needs review, so callers can include it unconditionally.
    """
    if not rows:
        return []
    blocks: list[Block] = [section(f":wave: *{len(rows)} new team member(s) need review* — check the job "
                                   "title and availability, then press Reviewed (or save Edit…).")]
    for person in rows[:limit]:
        blocks.extend(review_entry_blocks(person))
    if len(rows) > limit:
        blocks.append(context(f"…and {len(rows) - limit} more: `/sched team review`"))
    return blocks


def link_value(suggestion: LinkSuggestion) -> str:
    """The Link button's value: Slack user and employee id."""
    return f"{suggestion.slack_user_id}{LINK_SEPARATOR}{suggestion.employee_id}"


def parse_link_value(value: str) -> tuple[str, str]:
    """(Slack user id, employee id) of a Link button; ``ValueError`` when malformed."""
    user, sep, employee = value.partition(LINK_SEPARATOR)
    if not sep or not user or not employee:
        raise ValueError("not a link button value")
    return user, employee


def link_suggestion_blocks(suggestions: Sequence[LinkSuggestion], *,
                           limit: int = SUGGESTION_LIMIT) -> list[Block]:
    """Name matches a manager may confirm with one click (nothing is linked until they do)."""
    if not suggestions:
        return []
    blocks: list[Block] = [section("*Possible Slack links* — the Slack name matches exactly one team "
                                   "member. Nothing is linked until you press Link.")]
    for s in suggestions[:limit]:
        blocks.append(section(f"<@{s.slack_user_id}> looks like *{s.employee_name}* ({s.employee_id})",
                              accessory=button("Link", LINK_ACTION, value=link_value(s))))
    if len(suggestions) > limit:
        blocks.append(context(f"…and {len(suggestions) - limit} more after these are done."))
    return blocks


def review_page_blocks(people: Sequence[Employee], suggestions: Sequence[LinkSuggestion]) -> list[Block]:
    """``/sched team review``: people needing review, then link suggestions."""
    blocks: list[Block] = [header("Team review")]
    review = needs_review_blocks(people, limit=min(REVIEW_LIMIT, 14))
    links = link_suggestion_blocks(suggestions, limit=min(SUGGESTION_LIMIT, 8))
    if not review and not links:
        blocks.append(section(":white_check_mark: Nobody needs review and there are no link suggestions."))
    blocks.extend(review)
    if review and links:
        blocks.append(divider())
    blocks.extend(links)
    return blocks


def _input(block_id: str, label: str, element: Block, *, optional: bool = False,
           hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000),
                    "element": element, "optional": optional}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def _options(pairs: Sequence[tuple[str, str]]) -> list[Block]:
    return [option(text, value) for text, value in pairs]


def _choice(kind: str, pairs: Sequence[tuple[str, str]], initial: Sequence[str] = ()) -> Block:
    opts = _options(pairs)
    element: Block = {"type": kind, "action_id": INPUT, "options": opts}
    chosen = [o for o in opts if o["value"] in initial]
    if kind == "checkboxes" and chosen:
        element["initial_options"] = chosen
    elif chosen:
        element["initial_option"] = chosen[0]
    return element


def edit_modal(person: Employee, weekly: WeeklyAvailability, slack_user_id: str | None) -> Block:
    """The Edit… modal of one employee, prefilled; block ids are ``EditField`` values."""
    about = f"*{person.name}* · id `{person.id}` · RepID {person.rep_id or '—'}"
    if person.needs_review:
        about += "\n:warning: New from Crossmark — saving marks them reviewed."
    email: Block = {"type": "plain_text_input", "action_id": INPUT, "max_length": 120,
                    "placeholder": plain_text("name@example.com")}
    if person.email:
        email["initial_value"] = person.email
    slack: Block = {"type": "users_select", "action_id": INPUT, "placeholder": plain_text("Slack user")}
    if slack_user_id:
        slack["initial_user"] = slack_user_id
    leaving = (f"Last day on record: {person.termination_date:%A %m/%d/%Y}. Pick a date only to change it."
               if person.termination_date else "Leave the date empty unless this person is leaving.")
    blocks: list[Block] = [
        section(about),
        _input(EditField.JOB_TITLE, "Job title", static_select(
            INPUT, [(t.value, t.value) for t in JobTitle], initial=person.job_title.value)),
        _input(EditField.ACTIVE, "Status", _choice(
            "radio_buttons", [("Active", "active"), ("Inactive", "inactive")],
            ["active" if person.is_active else "inactive"])),
        _input(EditField.EMAIL, "Email", email, optional=True, hint="Used to link their Slack account."),
        _input(EditField.WEEKLY, "Available on", _choice(
            "checkboxes", list(zip(WEEKDAYS, DAY_VALUES, strict=True)),
            [v for v, on in zip(DAY_VALUES, weekly.days, strict=True) if on]), optional=True),
        _input(EditField.SLACK_USER, "Slack user", slack, optional=True),
        divider(),
        section("*Terminate*"),
        context(leaving),
        _input(EditField.LAST_DAY, "Last working day", {"type": "datepicker", "action_id": INPUT},
               optional=True),
        _input(EditField.STRATEGY, "Their assignments after that day", _choice(
            "radio_buttons", [(label, s.value) for s, label in STRATEGY_LABELS.items()],
            [TerminationStrategy.UNASSIGN.value]), optional=True),
        _input(EditField.REASSIGN_TO, "Reassign to", {
            "type": "plain_text_input", "action_id": INPUT, "max_length": 100,
            "placeholder": plain_text("name, employee id, RepID or email")}, optional=True),
    ]
    return modal("Edit team member", blocks, callback_id=EDIT_CALLBACK, submit="Save", close="Cancel",
                 private_metadata=json.dumps({"employee_id": person.id}))


def loading_modal(text: str = "Loading…") -> Block:
    """What the Edit… modal shows while it is being filled in."""
    return modal("Edit team member", [section(text)], close="Close")


def edit_result_modal(result: EditResult) -> Block:
    """The modal after saving: what changed, warnings, replacement proposals."""
    lines = [f":white_check_mark: Saved *{result.employee.name}*."]
    lines += [f"• {c}" for c in result.changes] or ["Nothing changed."]
    if result.replacements:
        lines.append(f":robot_face: {result.replacements}")
    lines += [f":warning: {w}" for w in result.warnings]
    if result.notified:
        lines.append("They were told by DM.")
    return modal("Saved", [section("\n".join(lines))], close="Done")


def report_blocks(report_text: str, *, upload_id: str | None = None, title: str = "Roster upload",
                  footer: str | None = None) -> list[Block]:
    """A roster import report; with ``upload_id`` the Apply / Discard buttons of a clean dry run."""
    inner = truncate(report_text, MAX_SECTION_TEXT - 10)
    blocks: list[Block] = [header(title), section(f"```{inner}```")]
    if footer:
        blocks.append(context(footer))
    if upload_id is not None:
        blocks.append(actions(
            button("Apply", APPLY_ROSTER_ACTION, value=upload_id, style="primary",
                   confirm=confirm_dialog("Apply the roster?", "Every change listed above is saved "
                                          "in one go.", confirm="Apply")),
            button("Discard", DISCARD_ROSTER_ACTION, value=upload_id), block_id="roster_upload"))
    return blocks

