"""Dates and pairing: inclusive windows, buffer days with the urgent-Core exception, the past,
closed events, allowed times, and Supervisor pairing by the 6-digit number (product.md §5.2, §5.3)."""

from __future__ import annotations

import pytest

from core.model import Condition, EventType, JobTitle, RotationType
from core.rules import Code, Mode, earliest_auto_day
from tests.unit.rules.rule_facts import Club, codes, d, default_start, dt


def _club() -> Club:
    club = Club()
    club.person("ann")
    club.person("lead", JobTitle.LEAD)
    club.person("cara", JobTitle.CLUB_SUPERVISOR)
    for weekday in range(7):
        club.rotations.append((weekday, RotationType.PRIMARY_LEAD, "lead"))
    return club


@pytest.mark.parametrize("mode", list(Mode))
def test_the_due_date_itself_is_inside_the_window(mode: Mode) -> None:
    club = _club()
    core = club.event(EventType.CORE, start=5, due=9)
    assert "outside_window" not in codes(club.check(core, "ann", dt(9, "10:45"), mode))
    assert "outside_window" not in codes(club.check(core, "ann", dt(5, "10:45"), mode))


@pytest.mark.parametrize("offset", [4, 10])
def test_days_outside_the_window_are_refused(offset: int) -> None:
    club = _club()
    found = club.check(club.event(EventType.CORE, start=5, due=9), "ann", dt(offset, "10:45"))
    assert [v for v in found if v.code is Code.OUTSIDE_WINDOW and v.hard and not v.overridable]


def test_managers_may_schedule_today_but_not_yesterday() -> None:
    club = _club()
    core = club.event(EventType.CORE, start=-3, due=9)
    assert "in_the_past" not in codes(club.check(core, "ann", dt(0, "10:45")))
    assert "in_the_past" in codes(club.check(core, "ann", dt(-1, "10:45")))


def test_the_auto_scheduler_never_plans_today() -> None:
    club = _club()
    assert "in_the_past" in codes(
        club.check(club.event(EventType.CORE, start=0), "ann", dt(0, "10:45"), Mode.AUTO)
    )


@pytest.mark.parametrize(("offset", "blocked"), [(1, True), (2, True), (3, False), (4, False)])
def test_buffer_days_hold_back_non_core_work_for_the_auto_scheduler(offset: int, blocked: bool) -> None:
    club = _club()
    freeosk = club.event(EventType.FREEOSK, start=1, due=20)
    found = codes(club.check(freeosk, "lead", default_start(EventType.FREEOSK, offset), Mode.AUTO))
    assert ("buffer" in found) is blocked
    assert earliest_auto_day(club.facts(), freeosk) == d(3)


def test_the_buffer_applies_to_cores_that_are_not_urgent() -> None:
    club = _club()
    core = club.event(EventType.CORE, start=1, due=10)
    assert "buffer" in codes(club.check(core, "ann", dt(1, "10:45"), Mode.AUTO))
    assert earliest_auto_day(club.facts(), core) == d(3)


def test_an_urgent_core_may_be_placed_inside_the_buffer() -> None:
    club = _club()
    core = club.event(EventType.CORE, start=0, due=2)
    assert club.check(core, "ann", dt(1, "10:45"), Mode.AUTO) == []
    assert earliest_auto_day(club.facts(), core) == d(1)


def test_managers_are_not_held_back_by_the_buffer() -> None:
    club = _club()
    assert club.check(club.event(EventType.FREEOSK, start=0, due=9), "lead", dt(1, "10:00")) == []


def test_an_event_excluded_from_auto_scheduling_is_refused_to_the_auto_scheduler_only() -> None:
    club = _club()
    core = club.event(EventType.CORE, allow_auto_schedule=False)
    assert "auto_schedule_disabled" in codes(club.check(core, "ann", dt(5, "10:45"), Mode.AUTO))
    assert club.check(core, "ann", dt(5, "10:45")) == []


@pytest.mark.parametrize("condition", [Condition.SUBMITTED, Condition.CANCELED, Condition.EXPIRED])
def test_closed_events_cannot_be_scheduled(condition: Condition) -> None:
    club = _club()
    found = club.check(club.event(EventType.CORE, condition=condition), "ann", dt(5, "10:45"))
    assert [v for v in found if v.code is Code.EVENT_CLOSED and v.hard and not v.overridable]


@pytest.mark.parametrize("mode", list(Mode))
def test_a_start_time_off_the_list_needs_an_override(mode: Mode) -> None:
    club = _club()
    found = [
        v
        for v in club.check(club.event(EventType.CORE), "ann", dt(5, "10:30"), mode)
        if v.code is Code.TIME_NOT_ALLOWED
    ]
    assert found and found[0].hard and found[0].overridable is (mode is Mode.MANUAL)


def test_the_supervisor_goes_on_the_day_of_the_core_with_the_same_number() -> None:
    club = _club()
    core = club.event("606001-CORE-Super Pretzel")
    sup = club.event("606001-Supervisor-Different Words")
    club.works(core, "ann", dt(5, "10:45"))
    assert club.check(sup, "cara", dt(5, "12:00"), Mode.AUTO) == []
    manual = [v for v in club.check(sup, "cara", dt(6, "12:00")) if v.code is Code.SUPERVISOR_DAY]
    auto = [v for v in club.check(sup, "cara", dt(6, "12:00"), Mode.AUTO) if v.code is Code.SUPERVISOR_DAY]
    assert manual and not manual[0].hard
    assert auto and auto[0].hard


def test_a_supervisor_ignores_cores_of_other_numbers() -> None:
    club = _club()
    club.works(club.event("606002-CORE-Other"), "ann", dt(5, "10:45"))
    sup = club.event("606001-Supervisor-X")
    assert "supervisor_not_on_core_day" not in codes(club.check(sup, "cara", dt(6, "12:00")))
    assert "supervisor_impossible" in codes(club.check(sup, "cara", dt(6, "12:00"), Mode.AUTO))


def test_the_auto_scheduler_never_places_a_supervisor_whose_core_is_unscheduled() -> None:
    club = _club()
    club.event("606001-CORE-Super Pretzel")
    sup = club.event("606001-Supervisor-X")
    assert "supervisor_impossible" in codes(club.check(sup, "cara", dt(5, "12:00"), Mode.AUTO))
    assert club.check(sup, "cara", dt(5, "12:00")) == []
