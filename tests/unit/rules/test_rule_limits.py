"""Limits: overlaps for every type, one Core a day, Juicer/Core exclusion, the week cap (R-LIM-*)."""

from __future__ import annotations

import pytest

from core.model import Assignment, EventType, JobTitle, RotationType
from core.rules import Code, Mode, validate_plan
from tests.unit.rules.rule_facts import Club, codes, default_start, dt

WORKER = {
    EventType.CORE: "lead",
    EventType.JUICER: "jb",
    EventType.SUPERVISOR: "lead",
    EventType.DIGITALS: "lead",
    EventType.FREEOSK: "lead",
    EventType.OTHER: "lead",
}


def _club() -> Club:
    club = Club()
    club.person("lead", JobTitle.LEAD)
    club.person("jb", JobTitle.JUICER_BARISTA)
    club.person("ann")
    for weekday in range(7):
        club.rotations.append((weekday, RotationType.PRIMARY_LEAD, "lead"))
        club.rotations.append((weekday, RotationType.JUICER, "jb"))
    return club


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("event_type", [t for t in EventType if t is not EventType.JUICER])
def test_overlapping_work_is_refused_for_every_event_type(event_type: EventType, mode: Mode) -> None:
    club = _club()
    busy = club.event("Club Reset 505001")
    club.works(busy, "lead", default_start(event_type, 5))
    if event_type is EventType.SUPERVISOR:
        club.works(club.event(EventType.CORE), "ann", default_start(EventType.CORE, 5))
    found = club.check(club.event(event_type), "lead", default_start(event_type, 5), mode)
    overlap = [v for v in found if v.code is Code.OVERLAP]
    assert overlap and overlap[0].hard and not overlap[0].overridable


def test_juicer_work_overlapping_other_work_is_refused() -> None:
    club = _club()
    club.works(club.event(EventType.FREEOSK), "jb", dt(5, "10:00"))
    assert "overlap" in codes(club.check(club.event(EventType.JUICER), "jb", dt(5, "09:00")))


def test_work_that_ends_when_the_next_starts_does_not_overlap() -> None:
    club = _club()
    club.works(club.event(EventType.FREEOSK), "lead", dt(5, "10:00"))
    other = club.event("Setup 505002", event_type=EventType.OTHER, estimated_minutes=30)
    assert "overlap" not in codes(club.check(other, "lead", dt(5, "10:30")))


def test_a_second_core_the_same_day_is_refused_even_without_overlap() -> None:
    club = _club()
    club.works(club.event(EventType.CORE), "ann", dt(5, "10:45"))
    second = club.event("606002-CORE-Other", estimated_minutes=15)
    found = club.check(second, "ann", dt(5, "12:15"))
    assert "core_same_day" in codes(found)
    assert "core_same_day" not in codes(club.check(second, "ann", dt(6, "12:15")))


def test_a_juicer_barista_juicing_that_day_cannot_take_a_core() -> None:
    club = _club()
    club.works(club.event(EventType.JUICER), "jb", dt(5, "09:00"))
    assert "juicer_core_conflict" in codes(club.check(club.event(EventType.CORE), "jb", dt(5, "10:45")))


def test_a_juicer_barista_with_a_core_that_day_cannot_take_juicer_work() -> None:
    club = _club()
    club.works(club.event(EventType.CORE), "jb", dt(5, "10:45"))
    assert "juicer_core_conflict" in codes(club.check(club.event(EventType.JUICER), "jb", dt(5, "09:00")))


def test_a_juicer_barista_not_juicing_may_take_a_core() -> None:
    club = _club()
    club.works(club.event(EventType.JUICER), "jb", dt(6, "09:00"))
    assert club.check(club.event(EventType.CORE), "jb", dt(5, "10:45"), Mode.AUTO) == []


def _six_days(club: Club) -> None:
    for offset in range(4, 10):
        club.works(club.event(f"Work {offset}", event_type=EventType.CORE), "ann", dt(offset, "10:45"))


def test_the_week_runs_sunday_to_saturday() -> None:
    assert dt(4, "10:45").strftime("%A") == "Sunday"
    assert dt(10, "10:45").strftime("%A") == "Saturday"


def test_a_seventh_work_day_in_a_week_is_hard_for_the_auto_scheduler() -> None:
    club = _club()
    _six_days(club)
    found = [
        v
        for v in club.check(club.event(EventType.CORE), "ann", dt(10, "10:45"), Mode.AUTO)
        if v.code is Code.WEEK_CAP
    ]
    assert found and found[0].hard


def test_a_seventh_work_day_is_a_warning_for_managers() -> None:
    club = _club()
    _six_days(club)
    found = club.check(club.event(EventType.CORE), "ann", dt(10, "10:45"))
    assert codes(found) == {"week_cap"} and not found[0].hard


def test_the_week_cap_counts_only_the_same_week_and_distinct_days() -> None:
    club = _club()
    _six_days(club)
    assert "week_cap" not in codes(club.check(club.event(EventType.CORE), "ann", dt(11, "10:45")))
    freeosk_same_day = club.check(club.event(EventType.FREEOSK), "lead", dt(9, "10:00"))
    assert "week_cap" not in codes(freeosk_same_day)


def test_the_week_cap_is_a_setting() -> None:
    club = _club()
    club.settings.max_work_days_per_week = 2
    club.works(club.event("A", event_type=EventType.CORE), "ann", dt(4, "10:45"))
    club.works(club.event("B", event_type=EventType.CORE), "ann", dt(5, "10:45"))
    assert "week_cap" in codes(club.check(club.event(EventType.CORE), "ann", dt(6, "10:45")))


def test_validate_plan_judges_each_new_assignment_against_all_others() -> None:
    club = _club()
    a = club.event("606001-CORE-A")
    b = club.event("606002-CORE-B")
    plan = [Assignment(1, a.id, "ann", dt(5, "10:45")), Assignment(2, b.id, "ann", dt(5, "11:15"))]
    problems = validate_plan(club.facts(), plan, mode=Mode.AUTO)
    assert {(x.id, v.code) for x, v in problems} >= {(1, Code.CORE_SAME_DAY), (2, Code.CORE_SAME_DAY)}
    assert validate_plan(club.facts(), plan[:1], mode=Mode.AUTO) == []


def test_ignored_assignments_do_not_count() -> None:
    club = _club()
    held = club.works(club.event(EventType.CORE), "ann", dt(5, "10:45"))
    assert club.check(club.event("606002-CORE-B"), "ann", dt(5, "11:15"), ignore={held.id}) == []
