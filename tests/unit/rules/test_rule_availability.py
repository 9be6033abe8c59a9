"""Who is available: precedence override > date > weekly, time off, holidays, inactive, leavers,
rotations with exceptions (product.md §5.5, §5.6; R-AV-*, R-ROT-2)."""

from __future__ import annotations

import pytest

from core.model import (
    AvailabilityOverride,
    DateAvailability,
    EventType,
    Holiday,
    JobTitle,
    RotationType,
    TimeOff,
    WeeklyAvailability,
)
from core.rules import Code, Mode, availability_violation, day_blockers, holiday_on, rotation_employee
from tests.unit.rules.rule_facts import Club, codes, d, default_start

OFFSET = 5
"""T + 5 is a Monday."""
NO_MONDAYS = (False, True, True, True, True, True, True)


def _club() -> Club:
    club = Club()
    club.person("ann")
    return club


def test_the_test_day_is_a_monday() -> None:
    assert d(OFFSET).weekday() == 0


def test_nobody_is_blocked_without_any_rule() -> None:
    assert day_blockers(_club().facts(), "ann", d(OFFSET)) == []


def test_weekly_unavailability_blocks_the_weekday() -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", NO_MONDAYS))
    v = availability_violation(club.facts(), "ann", d(OFFSET))
    assert v is not None and v.code is Code.WEEKDAY
    assert availability_violation(club.facts(), "ann", d(OFFSET + 1)) is None


def test_a_date_entry_beats_the_weekly_pattern_both_ways() -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", NO_MONDAYS))
    club.dates.append(DateAvailability(1, "ann", d(OFFSET), True))
    club.dates.append(DateAvailability(2, "ann", d(OFFSET + 1), False, "dentist"))
    facts = club.facts()
    assert availability_violation(facts, "ann", d(OFFSET)) is None
    v = availability_violation(facts, "ann", d(OFFSET + 1))
    assert v is not None and v.code is Code.DATE_UNAVAILABLE and "dentist" in v.message


def test_an_override_beats_date_entries_and_the_weekly_pattern() -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", NO_MONDAYS))
    club.dates.append(DateAvailability(1, "ann", d(OFFSET + 1), False))
    club.overrides.append(
        AvailabilityOverride(
            1, "ann", d(OFFSET), d(OFFSET + 6), (True, True, None, False, None, None, None), "school break"
        )
    )
    facts = club.facts()
    assert availability_violation(facts, "ann", d(OFFSET)) is None
    assert availability_violation(facts, "ann", d(OFFSET + 1)) is None
    thursday = availability_violation(facts, "ann", d(OFFSET + 3))
    assert thursday is not None and thursday.code is Code.OVERRIDE and "school break" in thursday.message


def test_an_override_that_says_nothing_about_the_weekday_falls_through() -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", (True, True, False, True, True, True, True)))
    club.overrides.append(AvailabilityOverride(1, "ann", d(OFFSET), d(OFFSET + 6), (None,) * 7))
    v = availability_violation(club.facts(), "ann", d(OFFSET + 2))
    assert v is not None and v.code is Code.WEEKDAY


def test_an_override_outside_its_dates_does_not_apply() -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", NO_MONDAYS))
    club.overrides.append(AvailabilityOverride(1, "ann", d(OFFSET + 1), d(OFFSET + 6), (True,) * 7))
    v = availability_violation(club.facts(), "ann", d(OFFSET))
    assert v is not None and v.code is Code.WEEKDAY


@pytest.mark.parametrize("mode", list(Mode))
def test_availability_is_overridable_by_managers_and_hard_for_the_auto_scheduler(mode: Mode) -> None:
    club = _club()
    club.weekly.append(WeeklyAvailability("ann", NO_MONDAYS))
    found = [
        v
        for v in club.check(club.event(EventType.CORE), "ann", default_start(EventType.CORE, OFFSET), mode)
        if v.code is Code.WEEKDAY
    ]
    assert found and found[0].hard
    assert found[0].overridable is (mode is Mode.MANUAL)


@pytest.mark.parametrize("offset", [OFFSET, OFFSET + 1, OFFSET + 2])
def test_time_off_blocks_every_day_of_its_inclusive_range(offset: int) -> None:
    club = _club()
    club.time_off.append(TimeOff(1, "ann", d(OFFSET), d(OFFSET + 2)))
    assert codes(day_blockers(club.facts(), "ann", d(offset))) == {"time_off"}


def test_time_off_does_not_block_the_days_around_it() -> None:
    club = _club()
    club.time_off.append(TimeOff(1, "ann", d(OFFSET), d(OFFSET + 2)))
    assert day_blockers(club.facts(), "ann", d(OFFSET - 1)) == []
    assert day_blockers(club.facts(), "ann", d(OFFSET + 3)) == []


def test_time_off_is_hard_for_the_auto_scheduler() -> None:
    club = _club()
    club.time_off.append(TimeOff(1, "ann", d(OFFSET), d(OFFSET)))
    found = club.check(club.event(EventType.CORE), "ann", default_start(EventType.CORE, OFFSET), Mode.AUTO)
    assert [v for v in found if v.code is Code.TIME_OFF and v.hard and not v.overridable]


@pytest.mark.parametrize("event_type", list(EventType))
def test_a_holiday_blocks_every_event_type(event_type: EventType) -> None:
    club = Club()
    for title in JobTitle:
        club.person(title.name.lower(), title)
    club.holidays.append(Holiday(1, "Founders Day", d(OFFSET)))
    worker = {
        EventType.JUICER: "juicer_barista",
        EventType.SUPERVISOR: "club_supervisor",
        EventType.FREEOSK: "lead",
        EventType.DIGITALS: "lead",
        EventType.OTHER: "lead",
    }.get(event_type, "event_specialist")
    found = club.check(club.event(event_type), worker, default_start(event_type, OFFSET), Mode.AUTO)
    hol = [v for v in found if v.code is Code.HOLIDAY]
    assert hol and "Company Holiday: Founders Day" in hol[0].message


def test_a_recurring_holiday_falls_on_its_month_and_day_every_year() -> None:
    club = Club()
    club.holidays.append(
        Holiday(
            1,
            "Christmas",
            d(0).replace(year=2020, month=12, day=25),
            is_recurring=True,
            recurring_month=12,
            recurring_day=25,
        )
    )
    facts = club.facts()
    assert holiday_on(facts, d(0).replace(month=12, day=25)) is not None
    assert holiday_on(facts, d(0).replace(month=12, day=24)) is None


def test_an_inactive_holiday_blocks_nothing() -> None:
    club = Club()
    club.holidays.append(Holiday(1, "Gone", d(OFFSET), is_active=False))
    assert holiday_on(club.facts(), d(OFFSET)) is None


def test_an_inactive_employee_is_refused_without_override() -> None:
    club = Club()
    club.person("old", is_active=False)
    blockers = day_blockers(club.facts(), "old", d(OFFSET))
    assert codes(blockers) == {"inactive"} and blockers[0].hard and not blockers[0].overridable


def test_a_leaver_works_until_the_termination_date_inclusive() -> None:
    club = Club()
    club.person("leaver", termination_date=d(OFFSET))
    assert day_blockers(club.facts(), "leaver", d(OFFSET)) == []
    after = day_blockers(club.facts(), "leaver", d(OFFSET + 1))
    assert codes(after) == {"terminated"}


def test_an_unknown_employee_is_reported() -> None:
    club = Club()
    assert codes(club.check(club.event(EventType.CORE), "ghost", default_start(EventType.CORE, 5))) == {
        "unknown_employee"
    }


def test_rotation_is_the_weekly_entry_unless_an_exception_names_someone_for_that_date() -> None:
    club = Club()
    club.rotations.append((0, RotationType.JUICER, "jb1"))
    club.rotations.append((0, RotationType.PRIMARY_LEAD, "lead1"))
    club.exceptions.append((d(OFFSET), RotationType.JUICER, "jb2"))
    facts = club.facts()
    assert rotation_employee(facts, d(OFFSET), RotationType.JUICER) == "jb2"
    assert rotation_employee(facts, d(OFFSET + 7), RotationType.JUICER) == "jb1"
    assert rotation_employee(facts, d(OFFSET), RotationType.PRIMARY_LEAD) == "lead1"
    assert rotation_employee(facts, d(OFFSET + 1), RotationType.JUICER) is None
