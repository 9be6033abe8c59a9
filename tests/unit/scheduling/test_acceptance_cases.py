"""Legacy acceptance cases 1-16 (legacy-domain.md §8.4) as they read after product.md §5."""

from __future__ import annotations

from core.model import Holiday, RotationType, WeeklyAvailability
from core.rules import Mode, validate_plan
from tests.unit.scheduling.builders import (
    BARISTA,
    CLUB,
    LEAD_T,
    Club,
    at,
    codes_of,
    core_pair,
    day,
    event,
    person,
    placements,
)


def _valid(club: Club, outcome: object) -> None:
    from core.model import Assignment
    from core.scheduling.engine import Outcome

    assert isinstance(outcome, Outcome)
    assert outcome.dropped == []
    new = [Assignment(-1 - i, p.event_id, p.employee_id, p.start) for i, p in enumerate(outcome.planned)]
    facts = club.facts()
    problems = validate_plan(facts, facts.assignments + new, mode=Mode.AUTO, new_only={a.id for a in new})
    assert [v for _, v in problems if v.hard] == []


def test_case1_core_goes_first_allowed_day_earliest_slot_supervisor_at_noon_to_club_supervisor():
    club = Club(employees=[person("L1", LEAD_T), person("C1", CLUB)])
    club.events += core_pair(606001, 1, 5, 9)
    out = club.plan()
    assert placements(out) == {1: ("L1", at(5, "10:45")), 2: ("C1", at(5, "12:00"))}
    _valid(club, out)


def test_case2_supervisor_goes_to_the_primary_lead_when_the_club_supervisor_is_off():
    club = Club(employees=[person("E1"), person("C1", CLUB), person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1").off("C1", 5, 5)
    club.events += core_pair(606001, 1, 5, 5)
    out = club.plan()
    assert placements(out) == {1: ("E1", at(5, "10:45")), 2: ("L1", at(5, "12:00"))}


def test_case2_supervisor_stays_unscheduled_with_reasons_when_club_supervisor_and_primary_lead_are_off():
    club = Club(employees=[person("E1"), person("C1", CLUB), person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1").off("C1", 5, 5).off("L1", 5, 5)
    club.events += core_pair(606001, 1, 5, 5)
    out = club.plan()
    assert placements(out) == {1: ("E1", at(5, "10:45"))}
    assert "time_off" in codes_of(out, 2)
    gap = next(u for u in out.unplaced if u.event_id == 2)
    assert "have time off" in gap.explanation.sentence


def _bump_club() -> Club:
    club = Club(employees=[person("X")])
    club.events += [event(1, "600010-CORE-Later", 3, 10), event(2, "600020-CORE-Urgent", 3, 4)]
    club.confirm(1, "X", at(3, "10:45"), aid=501)
    club.off("X", 4, 4)
    return club


def test_case3_a_more_urgent_core_does_not_bump_a_confirmed_one_without_allow_bumping():
    out = _bump_club().plan()
    assert placements(out) == {}
    assert "core_same_day" in codes_of(out, 2)
    assert out.kept == []


def test_case3_with_allow_bumping_the_urgent_core_takes_the_slot_and_the_bumped_one_moves_later():
    out = _bump_club().plan(allow_bumping=True)
    got = {p.event_id: p for p in out.planned}
    assert (got[2].employee_id, got[2].start.date()) == ("X", day(3))
    assert got[1].replaces == 501 and got[1].start.date() > day(4)


def test_case4_cores_with_the_same_due_date_never_bump_each_other():
    club = Club(employees=[person("X")])
    club.events += [event(1, "600010-CORE-A", 3, 4), event(2, "600020-CORE-B", 3, 4)]
    club.confirm(1, "X", at(3, "10:45"), aid=501)
    club.off("X", 4, 4)
    out = club.plan(allow_bumping=True)
    assert placements(out) == {}
    assert [u.replaces for u in out.unplaced] == [None]


def test_case5_events_whose_window_ended_are_not_planned_and_are_reported_when_asked_for():
    club = Club(employees=[person("X")])
    club.events += [event(1, "600010-CORE-Expired", -6, -1)]
    assert club.plan().planned == [] and club.plan().unplaced == []
    from core.scheduling.engine import Request, prepare

    prep = prepare(club.facts(), Request(days=(day(1), day(2)), only_event_ids=frozenset({1})))
    assert "outside" in prep.skipped[1]


def test_case5_the_inclusive_due_date_is_used_only_as_a_last_resort():
    free_both = Club(employees=[person("X")])
    free_both.events.append(event(1, "600010-CORE-A", 5, 6))
    assert placements(free_both.plan())[1][1].date() == day(5)
    off_first = Club(employees=[person("X")]).off("X", 5, 5)
    off_first.events.append(event(1, "600010-CORE-A", 5, 6))
    out = off_first.plan()
    assert placements(out)[1][1].date() == day(6)
    assert out.solution.penalties["due_date"] > 0


def test_case6_nobody_gets_a_second_core_or_overlapping_work_that_day():
    club = Club(employees=[person("E1"), person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.events += [event(1, "600001-CORE-Held", 5, 5), event(2, "600002-Supervisor-Held", 5, 5),
                    event(3, "600003-CORE-New", 5, 5), event(4, "600099-CORE-Lead", 5, 5)]
    club.confirm(1, "E1", at(5, "10:45"))
    club.confirm(4, "L1", at(5, "11:15"))
    out = club.plan()
    assert placements(out) == {}
    assert "core_same_day" in codes_of(out, 3)
    assert "overlap" in codes_of(out, 2)


def test_case7_weekly_unavailability_is_never_used():
    club = Club(employees=[person("E1")])
    club.weekly.append(WeeklyAvailability("E1", (False, True, True, True, True, True, True)))
    club.events.append(event(1, "600001-CORE-A", 5, 6))
    assert day(5).weekday() == 0
    assert placements(club.plan())[1][1].date() == day(6)


def test_case8_time_off_days_are_never_used_by_any_type():
    club = Club(employees=[person("E1"), person("L1", LEAD_T), person("C1", CLUB)]).off("E1", 5, 7)
    club.off("L1", 5, 7).off("C1", 5, 7)
    club.events += [event(1, "600001-CORE-A", 5, 8), event(2, "800001-FREEOSK-X", 5, 8),
                    event(3, "800002-OTHER-Y", 5, 8)]
    got = placements(club.plan())
    assert {when.date() for _, when in got.values()} == {day(8)}


def test_case9_a_holiday_blocks_every_event_type():
    club = Club(employees=[person("E1"), person("L1", LEAD_T), person("C1", CLUB)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.holidays.append(Holiday(1, "Store holiday", day(5)))
    club.events += [*core_pair(606001, 1, 5, 6), event(3, "800001-FREEOSK-X", 5, 6),
                    event(4, "800002-DIGITAL SETUP-X", 5, 6), event(5, "800003-OTHER-X", 5, 6)]
    got = placements(club.plan())
    assert len(got) == 5
    assert all(when.date() != day(5) for _, when in got.values())


def _juicer_club() -> Club:
    club = Club(employees=[person("J1", BARISTA), person("J2", BARISTA), person("E1")])
    club.rotate(RotationType.JUICER, "J1", [day(4).weekday()])
    club.rotate(RotationType.JUICER, "J2", [day(5).weekday()])
    club.events.append(event(1, "700001-JUICER-PRODUCTION-SPCLTY", 4, 8))
    return club


def test_case10_juicer_production_goes_to_that_days_rotation_juicer_at_nine():
    assert placements(_juicer_club().plan()) == {1: ("J1", at(4, "09:00"))}


def test_case10_when_the_rotation_juicer_is_off_the_next_day_uses_its_own_rotation_juicer():
    assert placements(_juicer_club().off("J1", 4, 4).plan()) == {1: ("J2", at(5, "09:00"))}


def test_case10_a_rotation_juicer_holding_a_confirmed_core_juices_another_day_without_bumping():
    club = _juicer_club()
    club.events.append(event(2, "600001-CORE-Held", 4, 4))
    club.confirm(2, "J1", at(4, "10:45"))
    assert placements(club.plan()) == {1: ("J2", at(5, "09:00"))}


def test_case11_a_rotation_exception_overrides_the_weekly_rotation_for_that_date_only():
    club = _juicer_club()
    club.exceptions.append((day(4), RotationType.JUICER, "J2"))
    assert placements(club.plan()) == {1: ("J2", at(4, "09:00"))}


def test_case12_juicer_survey_starts_at_five_and_a_non_barista_rotation_is_never_used():
    club = Club(employees=[person("J1", BARISTA), person("E1")])
    club.rotate(RotationType.JUICER, "E1")
    club.events.append(event(1, "710001-Juicer Survey", 4, 4))
    assert placements(club.plan()) == {1: ("J1", at(4, "17:00"))}


def test_case13_a_juicing_barista_takes_no_core_that_day_and_otherwise_comes_after_specialists():
    club = Club(employees=[person("J1", BARISTA), person("E1")])
    club.rotate(RotationType.JUICER, "J1")
    club.events += [event(1, "700001-JUICER-PRODUCTION", 5, 5), event(2, "600001-CORE-A", 5, 5),
                    event(3, "600002-CORE-B", 5, 5)]
    out = club.plan()
    got = placements(out)
    assert got[1] == ("J1", at(5, "09:00"))
    cores = {k: who for k, (who, _) in got.items() if k in (2, 3)}
    assert list(cores.values()) == ["E1"]
    left = ({2, 3} - set(cores)).pop()
    assert "juicer_core_conflict" in codes_of(out, left)
    second = Club(employees=[person("J1", BARISTA), person("E1")])
    second.events.append(event(1, "600001-CORE-A", 5, 5))
    assert placements(second.plan())[1][0] == "E1"


def test_case14_freeosk_respects_the_buffer_and_goes_to_the_primary_lead_at_freeosk_time():
    club = Club(employees=[person("L1", LEAD_T), person("L2", LEAD_T), person("C1", CLUB)])
    club.rotate(RotationType.PRIMARY_LEAD, "L2")
    club.events.append(event(1, "800001-FREEOSK-Sampling", 1, 6))
    assert placements(club.plan()) == {1: ("L2", at(3, "10:00"))}


def test_buffer_days_hold_a_core_back_unless_it_is_due_inside_them():
    club = Club(employees=[person("E1"), person("E2")])
    club.events += [event(1, "600001-CORE-Later", 1, 6), event(2, "600002-CORE-Urgent", 1, 2)]
    got = placements(club.plan())
    assert got[1][1].date() == day(3)
    assert got[2][1].date() == day(1)
    _valid(club, club.plan())


def test_an_urgent_core_inside_the_buffer_days_takes_its_supervisor_along():
    club = Club(employees=[person("E1"), person("C1", CLUB)])
    club.events += [event(1, "600002-CORE-Urgent", 1, 2), event(2, "600002-Supervisor-Urgent", 1, 2)]
    got = placements(club.plan())
    assert got[1][1].date() == day(1)
    assert got[2] == ("C1", at(1, "12:00"))
    _valid(club, club.plan())


def test_case15_digital_setups_of_one_day_get_different_slots_and_teardown_goes_to_a_secondary_lead():
    club = Club(employees=[person("L1", LEAD_T), person("L2", LEAD_T), person("C1", CLUB)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.events += [event(1, "800001-DIGITAL SETUP-A", 3, 3), event(2, "800002-DIGITAL SETUP-B", 3, 3),
                    event(3, "800003-DIGITAL TEARDOWN-C", 3, 3)]
    got = placements(club.plan())
    assert got[1][1] != got[2][1]
    assert {got[1][1].strftime("%H:%M"), got[2][1].strftime("%H:%M")} <= {"10:15", "10:30", "10:45", "11:00"}
    assert got[3][0] == "L2" and got[3][1].strftime("%H:%M") in {"18:00", "18:15", "18:30", "18:45"}


def test_case16_other_goes_to_the_club_supervisor_at_the_configured_other_time():
    club = Club(employees=[person("L1", LEAD_T), person("C1", CLUB)])
    club.events.append(event(1, "800001-OTHER-Task", 3, 5))
    assert placements(club.plan()) == {1: ("C1", at(3, "11:00"))}
