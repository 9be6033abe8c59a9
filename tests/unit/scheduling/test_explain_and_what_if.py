""""Why?" reason codes aggregated over candidates, and the what-if of forcing one event."""

from __future__ import annotations

from datetime import timedelta

from core.model import RotationType, WeeklyAvailability
from core.rules import PlanIndex
from core.scheduling.engine import Request, prepare
from core.scheduling.explain import explain_event
from core.scheduling.solve import solve
from core.scheduling.whatif import what_if
from tests.unit.scheduling.builders import (
    CLUB,
    FAST,
    LEAD_T,
    TODAY,
    Club,
    at,
    codes_of,
    core_pair,
    day,
    event,
    person,
)


def test_reason_codes_count_each_blocked_person_day_once_per_rule():
    club = Club(employees=[person("E1"), person("E2"), person("C1", CLUB)])
    club.off("E1", 5, 6)
    club.weekly.append(WeeklyAvailability("E2", (False,) * 7))
    club.events.append(event(1, "600001-CORE-A", 5, 6))
    facts = club.facts()
    why = explain_event(facts, facts.events[1], PlanIndex(facts, []), [day(5), day(6)])
    assert dict(why.codes) == {"time_off": 2, "unavailable_weekday": 2, "club_supervisor_core": 2}
    assert why.reason_codes[0] == "time_off" and why.checked == 6 and why.open == 0
    assert "of 2 eligible people × 2 day(s)" in why.sentence


def test_a_rule_that_blocks_every_eligible_person_day_is_named_as_the_reason():
    club = Club(employees=[person("L1", LEAD_T)])
    club.events.append(event(1, "800001-FREEOSK-X", 1, 2))
    out = club.plan()
    assert codes_of(out, 1)[0] == "buffer"
    assert "all are inside the buffer days" in out.unplaced[0].explanation.sentence


def test_the_week_cap_is_a_reason():
    club = Club(employees=[person("E1")])
    sunday = TODAY + timedelta(days=(6 - TODAY.weekday()) % 7)
    for k in range(6):
        club.events.append(event(10 + k, f"60001{k}-CORE-Held", 0, 30))
        club.confirm(10 + k, "E1", at((sunday - TODAY).days + k, "10:45"))
    club.events.append(event(1, "600001-CORE-New", (sunday - TODAY).days + 6, (sunday - TODAY).days + 6))
    out = club.plan(days=(sunday - TODAY).days + 7)
    assert "week_cap" in codes_of(out, 1)


def _two_cores() -> Club:
    club = Club(employees=[person("E1")]).off("E1", 6, 9)
    club.events += [event(1, "600001-CORE-Soon", 5, 6), event(2, "600002-CORE-Later", 5, 9)]
    return club


def test_what_if_forces_the_event_and_reports_what_moves_and_the_cost():
    club = _two_cores()
    prep = prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 15))))
    current = solve(prep.problem, FAST).plan
    i_soon, i_later = prep.problem.event_index[1], prep.problem.event_index[2]
    assert set(current) == {i_soon}
    result = what_if(prep.problem, current, i_later, FAST)
    assert result.possible and set(result.plan or {}) == {i_later}
    assert [(c.event, c.after) for c in result.changes if c.event == i_soon] == [(i_soon, None)]
    assert result.cost_delta is not None and result.cost_delta > 0


def test_what_if_says_impossible_when_no_rule_allows_the_event():
    club = _two_cores().off("E1", 5, 5)
    prep = prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 15))))
    result = what_if(prep.problem, {}, prep.problem.event_index[2], FAST)
    assert not result.possible and result.status == "INFEASIBLE"


def test_what_if_proves_impossibility_when_a_core_and_its_supervisor_would_need_the_same_person():
    club = Club(employees=[person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.events += core_pair(606001, 1, 5, 5)
    prep = prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 15))))
    sup = prep.problem.event_index[2]
    assert sup in prep.problem.by_event
    current = solve(prep.problem, FAST).plan
    result = what_if(prep.problem, current, sup, FAST)
    assert not result.possible and result.status == "INFEASIBLE"
