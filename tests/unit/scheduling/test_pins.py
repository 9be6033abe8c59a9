"""Confirmed assignments as pins: released when facts break them, bumped only when allowed,
contradictions named by an unsat core."""

from __future__ import annotations

from core.model import RotationType
from core.scheduling.engine import Request, prepare
from tests.unit.scheduling.builders import CLUB, LEAD_T, Club, at, core_pair, day, event, person


def _held_pair() -> Club:
    club = Club(employees=[person("E1"), person("E2"), person("C1", CLUB)])
    club.events += core_pair(606001, 1, 3, 6)
    club.confirm(1, "E1", at(4, "10:45"), aid=501)
    club.confirm(2, "C1", at(4, "12:00"), aid=502)
    return club


def test_valid_pins_stay_untouched_and_unreported():
    out = _held_pair().plan()
    assert out.planned == [] and out.unplaced == [] and out.released == []


def test_a_pin_broken_by_new_time_off_is_released_reported_and_replaced_keeping_its_supervisor():
    out = _held_pair().off("E1", 4, 4).plan()
    assert [(p.event_id, p.employee_id, p.start, p.replaces) for p in out.planned] == [
        (1, "E2", at(4, "10:45"), 501)]
    assert out.kept == [502]
    broken = {r.assignment.id: r for r in out.released}
    assert [v.code.value for v in broken[501].reasons] == ["time_off"]
    assert broken[502].partner_of == 501 and broken[502].reasons == ()


def test_a_released_core_that_must_change_day_takes_its_supervisor_along():
    club = _held_pair().off("E1", 4, 4).off("E2", 4, 4)
    out = club.plan()
    got = {p.event_id: p for p in out.planned}
    assert got[1].replaces == 501 and got[2].replaces == 502
    assert got[1].start.date() == got[2].start.date() != day(4)


def test_a_pin_whose_event_window_moved_is_released():
    club = _held_pair()
    club.events[0].start_date, club.events[0].due_date = day(5), day(6)
    club.events[1].start_date, club.events[1].due_date = day(5), day(6)
    out = club.plan()
    assert {r.assignment.id for r in out.released} == {501, 502}
    assert {p.event_id: p.start.date() for p in out.planned} == {1: day(5), 2: day(5)}


def test_a_released_pin_without_replacement_becomes_a_removal_with_reasons():
    club = Club(employees=[person("E1")])
    club.events.append(event(1, "600001-CORE-A", 4, 4))
    club.confirm(1, "E1", at(4, "10:45"), aid=501)
    club.off("E1", 4, 4)
    out = club.plan()
    assert out.planned == []
    (gap,) = out.unplaced
    assert gap.replaces == 501 and [v.code.value for v in gap.released] == ["time_off"]


def test_find_replacement_plans_only_the_given_events():
    club = _held_pair().off("E1", 4, 4)
    club.events.append(event(7, "600777-CORE-Other", 3, 6))
    out = club.plan(only_event_ids=frozenset({1}))
    assert [p.event_id for p in out.planned] == [1]
    assert all(u.event_id != 7 for u in out.unplaced)


def test_a_bumped_core_moves_with_its_confirmed_supervisor():
    club = Club(employees=[person("X"), person("C1", CLUB)])
    club.events += core_pair(600010, 1, 3, 10)
    club.events.append(event(3, "600020-CORE-Urgent", 3, 4))
    club.confirm(1, "X", at(3, "10:45"), aid=501)
    club.confirm(2, "C1", at(3, "12:00"), aid=502)
    club.off("X", 4, 4)
    out = club.plan(allow_bumping=True)
    got = {p.event_id: p for p in out.planned}
    assert got[3].employee_id == "X" and got[3].start.date() == day(3)
    assert got[1].replaces == 501 and got[2].replaces == 502
    assert got[1].start.date() == got[2].start.date() > day(4)
    assert out.solution.penalties["bumps"] > 0


def test_two_cores_pinned_to_one_person_on_one_day_are_named_as_contradictory():
    club = Club(employees=[person("E1"), person("L1", LEAD_T)])
    club.events += [event(1, "600001-CORE-A", 3, 6), event(2, "600002-CORE-B", 3, 6),
                    event(3, "600003-CORE-C", 3, 6)]
    club.confirm(1, "E1", at(4, "10:45"), aid=501)
    club.confirm(2, "E1", at(4, "11:15"), aid=502)
    club.confirm(3, "L1", at(5, "10:45"), aid=503)
    prep = prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 8))))
    (conflict,) = prep.conflicts
    assert conflict.assignment_ids == (501, 502)
    assert "core_same_day" in conflict.codes
    assert "Name E1" in conflict.message and "600001-CORE-A" in conflict.message


def test_a_supervisor_pinned_without_its_core_is_named():
    club = Club(employees=[person("C1", CLUB), person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.events += core_pair(606001, 1, 3, 6)
    club.confirm(2, "C1", at(4, "12:00"), aid=502)
    prep = prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 8))))
    assert [c.assignment_ids for c in prep.conflicts] == [(502,)]
