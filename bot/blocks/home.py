"""The App Home tab: an employee's next two weeks and requests; a manager's view of the store.

At most 100 blocks (Slack's limit for a Home view): each section is packed and long lists are cut
with a pointer to the command that shows everything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from bot.blocks.common import (
    MAX_MODAL_BLOCKS,
    Block,
    actions,
    button,
    cap_blocks,
    context,
    divider,
    header,
    section,
)
from bot.blocks.events import assign_button, due_text
from bot.blocks.schedule import compact_line, hhmm, pack_sections, short_day, span
from bot.slack.parsing import escape
from core.model import SyncRun, TimeOffRequest
from core.services.identity import NOT_LINKED_MESSAGE
from core.services.query_models import DaySchedule, EmployeeSchedule, EventRow, StatusView

HOME_TIME_OFF_ACTION = "home_request_time_off"
HOME_EDIT_AVAILABILITY_ACTION = "home_edit_availability"
URGENT_WITH_BUTTONS = 10
REQUESTS_SHOWN = 10
COVERAGE_LINES = 40


@dataclass(frozen=True)
class ManagerHome:
    """What a manager sees about the store."""

    today: DaySchedule
    urgent: Sequence[EventRow]
    status: StatusView
    requests: Sequence[TimeOffRequest] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    next_packet: datetime | None = None
    zone: tzinfo | None = None
    """The store's timezone, for sync times."""


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab of one user shows."""

    linked: bool
    schedule: EmployeeSchedule | None = None
    manager: ManagerHome | None = None
    urgent_days: int = 3


def employee_section(schedule: EmployeeSchedule) -> list[Block]:
    """My next days, my pending requests, and the Request time off / Edit availability buttons."""
    blocks = [header("Your next 14 days")]
    lines = [f"*{short_day(r.start.date())}* `{hhmm(r.start.time())}–{hhmm(r.end.time())}` "
             f"{escape(r.event_name, 150)} _({r.event_type.value})_" for r in schedule.rows]
    blocks += pack_sections(lines or ["_Nothing scheduled._"])
    off = [f":beach_with_umbrella: Time off {span(t.start_date, t.end_date)}" for t in schedule.time_off]
    pending = [f":hourglass_flowing_sand: Request #{r.id}: {span(r.start_date, r.end_date)}"
               + (f" — {escape(r.reason, 100)}" if r.reason else "") for r in schedule.pending_requests]
    if off:
        blocks += pack_sections(off)
    blocks += pack_sections(pending or ["_No pending time-off requests._"], heading="*Your pending requests*")
    blocks.append(actions(button("Request time off", HOME_TIME_OFF_ACTION, style="primary"),
                          button("Edit availability", HOME_EDIT_AVAILABILITY_ACTION)))
    return blocks


def sync_line(kind: str, run: SyncRun, zone: tzinfo | None = None) -> str:
    """``• events: completed Wed 10/01 7:00 AM — created 3, updated 2`` (store time when ``zone``)."""
    when = run.finished_at or run.started_at
    if zone is not None and when.tzinfo is not None:
        when = when.astimezone(zone)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(run.counts.items())) or "no counts"
    problems = f" · {len(run.errors)} error(s)" if run.errors else ""
    return (f"• *{escape(kind, 40)}*: {escape(run.status, 40)} {when:%a %m/%d %-I:%M %p} — "
            f"{escape(counts, 200)}{problems}")


def manager_section(data: ManagerHome, urgent_days: int) -> list[Block]:
    """Today's coverage, urgent open events, what waits for a decision, syncs and the next packet."""
    day = data.today
    blocks = [header(f"Today's coverage — {short_day(day.day)}"),
              section(f"{len(day.rows)} assignment(s) · {len(day.unstaffed)} unstaffed event(s) · "
                      f"{len(day.warnings)} warning(s)" + (f" · :palm_tree: {escape(day.holiday)}"
                                                            if day.holiday else ""))]
    lines = [compact_line(r) for r in day.rows[:COVERAGE_LINES]]
    lines += [f":rotating_light: {escape(w, 200)}" for w in day.warnings[:5]]
    if lines:
        blocks += pack_sections(lines)
    blocks += [divider(), header(f"Urgent: unscheduled, due within {urgent_days} days")]
    if not data.urgent:
        blocks.append(section("_Nothing urgent._"))
    for row in data.urgent[:URGENT_WITH_BUTTONS]:
        e = row.event
        blocks.append(section(f"*{escape(e.name, 150)}* _({e.event_type.value})_ · {due_text(row)}",
                              accessory=assign_button(row)))
    if len(data.urgent) > URGENT_WITH_BUTTONS:
        blocks.append(context(f"…and {len(data.urgent) - URGENT_WITH_BUTTONS} more: `/sched events urgent`"))
    status = data.status
    waiting = [f"• {status.pending_proposals} proposed assignment(s) to approve (`/sched status`)",
               f"• {status.pending_time_off} time-off request(s) to decide"]
    waiting += [f"   – #{r.id} {escape(data.names.get(r.employee_id, r.employee_id), 60)}: "
                f"{span(r.start_date, r.end_date)}" for r in data.requests[:REQUESTS_SHOWN]]
    if status.needs_review:
        waiting.append(f"• {len(status.needs_review)} new rep(s) to review (`/sched team`)")
    blocks += [divider(), *pack_sections(waiting, heading="*Waiting for you*")]
    syncs = [sync_line(kind, run, data.zone) for kind, run in sorted(status.last_syncs.items())]
    blocks += pack_sections(syncs or ["_No sync has run yet._"], heading="*Last syncs*")
    if data.next_packet is not None:
        blocks.append(context(f":page_facing_up: Next packet: {short_day(data.next_packet.date())} at "
                              f"{hhmm(data.next_packet.time())}"))
    return blocks


def home_view(data: HomeData) -> Block:
    """The Home tab view for ``views.publish``."""
    if not data.linked:
        blocks = [header("schedbot"), section(escape(NOT_LINKED_MESSAGE, None))]
    else:
        blocks = []
        if data.manager is not None:
            blocks += manager_section(data.manager, data.urgent_days)
        if data.schedule is not None:
            blocks += ([divider()] if blocks else []) + employee_section(data.schedule)
        if not blocks:
            blocks = [section("You are not linked to a team member, so there is no personal schedule.")]
        blocks.append(context("Type `/sched help` for everything I can do."))
    return {"type": "home", "blocks": cap_blocks(blocks, MAX_MODAL_BLOCKS)}
