"""Schedule view builders: structure, Slack's limits, folding of long days, escaping."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.blocks.common import MAX_SECTION_TEXT
from bot.blocks.schedule import (
    AVAILABILITY_EDIT_ACTION,
    ROTATION_EDIT_ACTION,
    availability_blocks,
    day_blocks,
    employee_blocks,
    holiday_blocks,
    pack_sections,
    rotation_blocks,
    week_blocks,
)
from core.model import (
    AvailabilityOverride,
    DateAvailability,
    Holiday,
    JobTitle,
    RotationException,
    RotationType,
    TimeOff,
    TimeOffRequest,
    WeeklyAvailability,
)
from core.services.availability import AvailabilitySummary
from core.services.holidays import HolidayDate
from core.services.query_models import EmployeeSchedule, WeekSchedule
from core.services.rotations import RotationView
from tests.unit.blocks.kit import DAY, all_text, assert_safe, check_blocks, day_with, event, person, row

SLOTS = (time(10, 45), time(11, 15), time(11, 45), time(12, 15))


def test_pack_sections_keeps_every_line_within_3000_characters() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(200)]

    blocks = pack_sections(lines, heading="*Heading*")

    assert len(blocks) > 1
    assert all(len(b["text"]["text"]) <= MAX_SECTION_TEXT for b in blocks)
    joined = "\n".join(b["text"]["text"] for b in blocks)
    assert all(line in joined for line in lines) and joined.startswith("*Heading*")


def test_pack_sections_cuts_a_single_huge_line() -> None:
    blocks = pack_sections(["y" * 10_000])

    assert len(blocks) == 1 and len(blocks[0]["text"]["text"]) <= MAX_SECTION_TEXT


def test_day_groups_rows_by_time_slot_with_unstaffed_warnings_and_off() -> None:
    day = day_with([row(1), row(2, time(11, 15)), row(3)], unstaffed=(event(9),),
                   warnings=("606001-CORE-Sample 1: Ann already works",), off=("Ben Baker",), holiday=None)

    blocks = day_blocks(day)

    check_blocks(blocks)
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "Wednesday, October 1, 2025"
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts[0].startswith("*10:45 AM*") and "Person 001" in texts[0] and "Person 003" in texts[0]
    assert texts[1].startswith("*11:15 AM*")
    assert "Unstaffed (1)" in texts[2] and "600009-CORE-Sample 9" in texts[2]
    assert "Warnings" in texts[3]
    assert "Off: Ben Baker" in all_text(blocks)


def test_empty_day_says_nobody_is_scheduled_and_names_the_holiday() -> None:
    blocks = day_blocks(day_with([], holiday="Thanksgiving"))

    text = all_text(blocks)
    assert "Nobody is scheduled" in text and "Thanksgiving" in text


def test_a_long_day_is_folded_into_compact_sections_within_50_blocks() -> None:
    rows = [row(n, time(8 + n // 12, (n % 12) * 5)) for n in range(120)]
    day = day_with(rows, unstaffed=tuple(event(n) for n in range(500, 540)),
                   warnings=tuple(f"warning {n}" for n in range(30)))

    blocks = day_blocks(day)

    check_blocks(blocks)
    text = all_text(blocks)
    assert "*120 assignments*" in text
    assert all(f"Person {n:03d}" in text for n in range(120))
    assert "…and 35 more" in text and "…and 20 more" in text


def test_a_huge_day_still_fits_one_message() -> None:
    rows = [row(n, SLOTS[n % 4], event_name="E" * 200) for n in range(3000)]

    check_blocks(day_blocks(day_with(rows)))


def test_names_are_escaped_and_cut() -> None:
    evil = row(1, employee="<!channel> \u202eAnn", event_name="Pretzels & <b>" + "z" * 5000)

    blocks = day_blocks(day_with([evil], warnings=("<!here> ping",), off=("<!everyone>",)))

    check_blocks(blocks)
    assert_safe(blocks)
    assert "&lt;!channel&gt; Ann" in all_text(blocks) and "Pretzels &amp; &lt;b&gt;" in all_text(blocks)


def test_week_shows_seven_days_and_folds_when_busy() -> None:
    start = date(2025, 9, 28)
    quiet = WeekSchedule(start, tuple(day_with([row(d)], on=start + timedelta(days=d)) for d in range(7)))
    busy = WeekSchedule(start, tuple(
        day_with([row(d * 1000 + n, SLOTS[n % 4], on=start + timedelta(days=d)) for n in range(700)],
                 on=start + timedelta(days=d), warnings=tuple(f"w{n}" for n in range(9)))
        for d in range(7)))

    quiet_blocks, busy_blocks = week_blocks(quiet), week_blocks(busy)

    check_blocks(quiet_blocks)
    check_blocks(busy_blocks)
    assert "Week of Sun 09/28 – Sat 10/04" in all_text(quiet_blocks)
    assert sum(1 for b in quiet_blocks if b["type"] == "divider") == 7
    assert "…and 8 more warning(s)" in all_text(busy_blocks)
    assert not any(b["type"] == "divider" for b in busy_blocks)
    assert "…and 640 more (`/sched 09/28`)" in all_text(busy_blocks)
    assert "not shown" not in all_text(busy_blocks)


def test_employee_view_lists_rows_time_off_and_pending_requests() -> None:
    rows = (row(1), row(2, on=DAY + timedelta(3)))
    schedule = EmployeeSchedule(person(1), DAY, DAY + timedelta(days=13), rows,
                                (TimeOff(1, "E001", DAY + timedelta(5), DAY + timedelta(6), "trip"),),
                                (TimeOffRequest(4, "E001", DAY + timedelta(9), DAY + timedelta(9)),))

    blocks = employee_blocks(schedule, title="Person 001")

    check_blocks(blocks)
    text = all_text(blocks)
    assert "Wed 10/01 – Tue 10/14" in text and "*Sat 10/04* `10:45 AM–5:15 PM`" in text
    assert "Time off Mon 10/06 – Tue 10/07 — trip" in text and "Request #4 pending: Fri 10/10" in text


def test_availability_card_shows_pattern_days_overrides_and_edit_button_when_allowed() -> None:
    summary = AvailabilitySummary(
        "E001", WeeklyAvailability("E001", (True, False, True, True, True, False, False)),
        (DateAvailability(1, "E001", DAY + timedelta(2), False, "dentist"),),
        (AvailabilityOverride(3, "E001", DAY, DAY + timedelta(9),
                              (True, None, False, None, None, None, None)),))

    editable = availability_blocks(summary, "Person 001", can_edit=True)
    read_only = availability_blocks(summary, "Person 001", can_edit=False)

    check_blocks(editable)
    text = all_text(editable)
    assert "Mon ✓ · Tue ✗ · Wed ✓" in text and "Fri 10/03: not available — dentist" in text
    assert "#3 Wed 10/01 – Fri 10/10: Mon ✓, Wed ✗" in text
    assert AVAILABILITY_EDIT_ACTION in text and AVAILABILITY_EDIT_ACTION not in all_text(read_only)


def test_rotation_card_lists_each_weekday_and_exceptions() -> None:
    jules, lena = person(1, JobTitle.JUICER_BARISTA, "Jules"), person(2, JobTitle.LEAD, "Lena")
    weekly = {(RotationType.JUICER, d): jules for d in range(7)} | {(RotationType.PRIMARY_LEAD, 0): lena}
    view = RotationView(weekly, (RotationException(5, DAY, RotationType.JUICER, "E003", "sick"),))

    blocks = rotation_blocks(view, {"E003": "Jo"}, can_edit=True)

    check_blocks(blocks)
    text = all_text(blocks)
    assert "*Monday* · Juicer: Jules · Primary Lead: Lena" in text
    assert "*Tuesday* · Juicer: Jules · Primary Lead: —" in text
    assert "#5 Wed 10/01 Juicer: Jo — sick" in text and ROTATION_EDIT_ACTION in text


def test_holiday_list_shows_dates_names_and_recurrence() -> None:
    christmas = Holiday(2, "Christmas <!here>", date(2025, 12, 25), is_recurring=True)
    blocks = holiday_blocks([HolidayDate(date(2025, 12, 25), christmas)], can_edit=False)

    check_blocks(blocks)
    assert_safe(blocks)
    assert "Thu 12/25 2025 — Christmas &lt;!here&gt; (#2, every year)" in all_text(blocks)
    assert "No holidays" in all_text(holiday_blocks([], can_edit=True))
