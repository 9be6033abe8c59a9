"""Block Kit for schedule views: a day by time slot, a week, one person, availability, rotation,
holidays.

Every builder stays inside Slack's limits: sections are packed to at most 3000 characters and a
view that would need more than 50 blocks is folded into compact text sections. Names and other
stored text are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, time

from bot.blocks.common import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    actions,
    button,
    cap_blocks,
    context,
    divider,
    header,
    section,
)
from bot.slack.parsing import escape
from core.model import AvailabilityOverride, Event, RotationType, WeeklyAvailability
from core.services.availability import AvailabilitySummary
from core.services.holidays import HolidayDate
from core.services.query_models import DaySchedule, EmployeeSchedule, ScheduledRow, WeekSchedule
from core.services.rotations import RotationView

AVAILABILITY_EDIT_ACTION = "availability_edit"
ROTATION_EDIT_ACTION = "rotation_edit"
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ROTATION_LABEL = {RotationType.JUICER: "Juicer", RotationType.PRIMARY_LEAD: "Primary Lead"}
UNSTAFFED_SHOWN = 15
COMPACT_LISTED = 5
WARNINGS_SHOWN = 10
WEEK_ROWS_SHOWN = (None, 60, 25, 10)
"""Rows per day tried, in order, until a folded week fits one message."""


def hhmm(at: time) -> str:
    """``10:45 AM``."""
    return f"{at:%-I:%M %p}"


def short_day(day: date) -> str:
    """``Fri 10/03``."""
    return f"{day:%a %m/%d}"


def span(first: date, last: date) -> str:
    """``Fri 10/03``, or both ends of a range joined by a dash."""
    return short_day(first) if first == last else f"{short_day(first)} – {short_day(last)}"


def pack_sections(lines: Sequence[str], *, heading: str | None = None,
                  limit: int = MAX_SECTION_TEXT) -> list[Block]:
    """``lines`` joined into as few sections as fit ``limit`` characters each (long lines are cut)."""
    chunks: list[str] = []
    current = heading or ""
    for raw in lines:
        line = raw if len(raw) < limit - 20 else raw[: limit - 21] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return [section(chunk) for chunk in chunks]


def fit(detailed: list[Block], compact: Callable[[], list[Block]]) -> list[Block]:
    """``detailed`` when it fits one message, else the compact form (cut as a last resort)."""
    if len(detailed) <= MAX_MESSAGE_BLOCKS:
        return detailed
    return cap_blocks(compact(), MAX_MESSAGE_BLOCKS)


def row_line(row: ScheduledRow) -> str:
    """``• Ann Archer — 606001-CORE-Pretzel (Core) until 5:15 PM``."""
    return (f"• {escape(row.employee_name, 80)} — {escape(row.event_name, 150)} "
            f"_({row.event_type.value})_ until {hhmm(row.end.time())}")


def compact_line(row: ScheduledRow) -> str:
    """``10:45 AM Ann Archer — 606001-CORE-Pretzel``."""
    return f"`{hhmm(row.start.time())}` {escape(row.employee_name, 60)} — {escape(row.event_name, 80)}"


def event_line(event: Event) -> str:
    """An open event with its type and due date."""
    return f"• {escape(event.name, 150)} _({event.event_type.value})_ — due {short_day(event.due_date)}"


def _unstaffed(day: DaySchedule, shown: int) -> list[Block]:
    if not day.unstaffed:
        return []
    lines = [event_line(e) for e in day.unstaffed[:shown]]
    if len(day.unstaffed) > shown:
        lines.append(f"…and {len(day.unstaffed) - shown} more (`/sched events unscheduled`)")
    return pack_sections(lines, heading=f":warning: *Unstaffed ({len(day.unstaffed)})* — open events "
                                        "that could still be worked this day")


def _warnings(warnings: Sequence[str], shown: int) -> list[Block]:
    if not warnings:
        return []
    lines = [f"• {escape(w, 300)}" for w in warnings[:shown]]
    if len(warnings) > shown:
        lines.append(f"…and {len(warnings) - shown} more")
    return pack_sections(lines, heading=":rotating_light: *Warnings*")


def _day_top(day: DaySchedule) -> list[Block]:
    blocks = [header(f"{day.day:%A, %B %-d, %Y}")]
    if day.holiday:
        blocks.append(context(f":palm_tree: Holiday: {escape(day.holiday)} — no work is scheduled."))
    return blocks


def _off(day: DaySchedule) -> list[Block]:
    return [context("Off: " + ", ".join(escape(n, 60) for n in day.off))] if day.off else []


def day_blocks(day: DaySchedule) -> list[Block]:
    """One day grouped by start time, with unstaffed events, warnings and who is off."""
    detailed = _day_top(day)
    if not day.slots:
        detailed.append(section("_Nobody is scheduled._"))
    for slot in day.slots:
        detailed += pack_sections([row_line(r) for r in slot.rows], heading=f"*{hhmm(slot.start)}*")
    detailed += _unstaffed(day, UNSTAFFED_SHOWN) + _warnings(day.warnings, WARNINGS_SHOWN) + _off(day)

    def compact() -> list[Block]:
        lines = [compact_line(r) for r in day.rows] or ["_Nobody is scheduled._"]
        return (_day_top(day) + pack_sections(lines, heading=f"*{len(day.rows)} assignments*")
                + _unstaffed(day, COMPACT_LISTED) + _warnings(day.warnings, WARNINGS_SHOWN) + _off(day))

    return fit(detailed, compact)


def _week_day_lines(day: DaySchedule, warnings_shown: int, rows_shown: int | None = None) -> list[str]:
    head = f"*{day.day:%A %m/%d}*" + (f"  :palm_tree: {escape(day.holiday)}" if day.holiday else "")
    lines = [head, *(compact_line(r) for r in day.rows[:rows_shown])]
    if rows_shown is not None and len(day.rows) > rows_shown:
        lines.append(f"…and {len(day.rows) - rows_shown} more (`/sched {day.day:%m/%d}`)")
    if not day.rows:
        lines.append("_Nobody is scheduled._")
    if day.unstaffed:
        lines.append(f":warning: {len(day.unstaffed)} unstaffed event(s) could be worked this day")
    lines += [f":rotating_light: {escape(w, 200)}" for w in day.warnings[:warnings_shown]]
    if len(day.warnings) > warnings_shown:
        lines.append(f"…and {len(day.warnings) - warnings_shown} more warning(s)")
    if day.off:
        lines.append("_Off: " + ", ".join(escape(n, 60) for n in day.off) + "_")
    return lines


def week_blocks(week: WeekSchedule) -> list[Block]:
    """Sunday to Saturday, one group per day."""
    last = week.days[-1].day if week.days else week.start
    top = [header(f"Week of {short_day(week.start)} – {short_day(last)}")]
    detailed = list(top)
    for day in week.days:
        detailed += pack_sections(_week_day_lines(day, 3))
        detailed.append(divider())

    def compact() -> list[Block]:
        for rows_shown in WEEK_ROWS_SHOWN:
            lines = [line for day in week.days for line in _week_day_lines(day, 1, rows_shown)]
            packed = top + pack_sections(lines)
            if len(packed) <= MAX_MESSAGE_BLOCKS:
                break
        return packed

    return fit(detailed, compact)


def employee_blocks(schedule: EmployeeSchedule, *, title: str | None = None) -> list[Block]:
    """One person's assignments day by day, with their time off and pending requests."""
    name = escape(schedule.employee.name, 80)
    top = [header(title or f"{schedule.employee.name}: schedule"),
           context(f"*{name}* · {span(schedule.start, schedule.end)}")]
    lines = [f"*{short_day(r.start.date())}* `{hhmm(r.start.time())}–{hhmm(r.end.time())}` "
             f"{escape(r.event_name, 150)} _({r.event_type.value})_" for r in schedule.rows]
    blocks = top + pack_sections(lines or ["_Nothing scheduled._"])
    extra = [f":beach_with_umbrella: Time off {span(t.start_date, t.end_date)}"
             + (f" — {escape(t.reason, 100)}" if t.reason else "") for t in schedule.time_off]
    extra += [f":hourglass_flowing_sand: Request #{r.id} pending: {span(r.start_date, r.end_date)}"
              + (f" — {escape(r.reason, 100)}" if r.reason else "") for r in schedule.pending_requests]
    if extra:
        blocks += pack_sections(extra)
    return cap_blocks(blocks)


def weekly_text(weekly: WeeklyAvailability) -> str:
    """``Mon ✓ · Tue ✓ · Wed ✗ …``."""
    return " · ".join(f"{DAY_ABBR[i]} {'✓' if ok else '✗'}" for i, ok in enumerate(weekly.days))


def override_text(row: AvailabilityOverride) -> str:
    """One override: its dates, the weekdays it changes and its reason."""
    changed = ", ".join(f"{DAY_ABBR[i]} {'✓' if ok else '✗'}"
                        for i, ok in enumerate(row.days) if ok is not None)
    reason = f" — {escape(row.reason, 100)}" if row.reason else ""
    return f"• #{row.id} {span(row.start_date, row.end_date)}: {changed}{reason}"


def availability_blocks(summary: AvailabilitySummary, name: str, *, can_edit: bool) -> list[Block]:
    """Weekly pattern, date-specific days and overrides of one person, with an Edit… button."""
    blocks = [section(f"*Availability of {escape(name, 80)}*\nWeekly: {weekly_text(summary.weekly)}")]
    dates = [f"• {short_day(d.day)}: {'available' if d.is_available else 'not available'}"
             + (f" — {escape(d.reason, 100)}" if d.reason else "") for d in summary.dates]
    if dates:
        blocks += pack_sections(dates, heading="*Specific days*")
    if summary.overrides:
        blocks += pack_sections([override_text(o) for o in summary.overrides], heading="*Overrides*")
    blocks.append(context("Precedence: override > specific day > weekly."))
    if can_edit:
        blocks.append(actions(button("Edit…", AVAILABILITY_EDIT_ACTION, value=summary.employee_id)))
    return cap_blocks(blocks)


def rotation_blocks(view: RotationView, names: Mapping[str, str], *, can_edit: bool) -> list[Block]:
    """The weekly Juicer / Primary Lead rotation and upcoming exceptions, with an Edit… button."""
    lines = []
    for weekday, day_name in enumerate(DAY_NAMES):
        cells = []
        for rotation in (RotationType.JUICER, RotationType.PRIMARY_LEAD):
            person = view.weekly.get((rotation, weekday))
            cells.append(f"{ROTATION_LABEL[rotation]}: {escape(person.name, 60) if person else '—'}")
        lines.append(f"*{day_name}* · " + " · ".join(cells))
    blocks = [header("Rotation"), *pack_sections(lines)]
    if view.exceptions:
        exc = [f"• #{x.id} {short_day(x.day)} {ROTATION_LABEL[x.rotation_type]}: "
               f"{escape(names.get(x.employee_id, x.employee_id), 60)}"
               + (f" — {escape(x.reason, 100)}" if x.reason else "") for x in view.exceptions]
        blocks += pack_sections(exc, heading="*Exceptions*")
    blocks.append(context("One-off change: `/sched rotation <date> juicer|lead @user [reason]`; "
                          "undo with `/sched rotation remove <#id>`."))
    if can_edit:
        blocks.append(actions(button("Edit…", ROTATION_EDIT_ACTION, value="weekly")))
    return cap_blocks(blocks)


def holiday_blocks(days: Sequence[HolidayDate], *, can_edit: bool) -> list[Block]:
    """Upcoming holidays by date."""
    lines = [f"• {short_day(h.day)} {h.day:%Y} — {escape(h.holiday.name, 100)} (#{h.holiday.id}"
             + (", every year)" if h.holiday.is_recurring else ")") for h in days]
    blocks = [header("Holidays"), *pack_sections(lines or ["_No holidays in the next year._"])]
    if can_edit:
        blocks.append(context("`/sched holidays add <date> <name> [recurring]` · "
                              "`/sched holidays remove <#id>`"))
    return cap_blocks(blocks)
