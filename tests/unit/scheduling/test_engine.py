"""The engine's parts: the model mirrors the Python scoring, the greedy follows the legacy order,
repair and the week-by-week solve keep plans valid, and the problem travels as plain data."""

from __future__ import annotations

import pickle
from dataclasses import replace

from ortools.sat.python import cp_model

from core.model import RotationType
from core.scheduling.cpsat_model import ScheduleModel
from core.scheduling.engine import Request, prepare
from core.scheduling.greedy import greedy
from core.scheduling.plan import evaluate, structural_problems
from core.scheduling.repair import repair
from core.scheduling.solve import solve
from tests.unit.scheduling.builders import (
    CLUB,
    FAST,
    LEAD_T,
    Club,
    at,
    basic_team,
    core_pair,
    day,
    event,
    person,
    placements,
)


def _busy_club() -> Club:
    club = Club(employees=basic_team())
    club.rotate(RotationType.PRIMARY_LEAD, "L1").rotate(RotationType.JUICER, "J1", range(0, 7, 2))
    club.rotate(RotationType.JUICER, "J2", range(1, 7, 2))
    for k in range(8):
        club.events += core_pair(606000 + k, 10 * k + 1, 2 + k % 4, 5 + k % 5)
    club.events += [event(100, "700001-JUICER-PRODUCTION", 3, 6), event(101, "710001-Juicer Survey", 4, 5),
                    event(102, "800001-FREEOSK-A", 3, 6), event(103, "800002-DIGITAL SETUP-B", 3, 5),
                    event(104, "800003-DIGITAL TEARDOWN-C", 4, 6), event(105, "800004-OTHER-D", 3, 7)]
    club.confirm(1, "E1", at(4, "10:45"), aid=501)
    club.off("E2", 3, 5).off("C2", 4, 6)
    return club


def _problem(club: Club, **kw: object):  # type: ignore[no-untyped-def]
    return prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 11)), **kw)).problem  # type: ignore[arg-type]


def test_the_model_objective_equals_the_python_scoring_of_its_plan():
    pb = _problem(_busy_club(), previous={11: ("E3", day(4)), 21: ("E4", day(5))})
    model = ScheduleModel(pb)
    model.hint(greedy(pb))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 2.0
    assert solver.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    plan = model.read(list(solver.response_proto.solution))
    assert structural_problems(pb, plan) == []
    assert round(solver.objective_value) == sum(evaluate(pb, plan).values())


def test_the_greedy_hint_scores_the_same_in_the_model_and_in_python():
    pb = _problem(_busy_club())
    plan = greedy(pb)
    model = ScheduleModel(pb)
    model.hint(plan)
    for _ in model.fix_coverage(plan), :
        pass
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 0.5
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == sum(evaluate(pb, plan).values())


def test_the_greedy_gives_cores_to_leads_first_like_the_legacy_waves():
    club = Club(employees=[person("E1"), person("L1", LEAD_T)])
    club.events.append(event(1, "600001-CORE-A", 5, 5))
    pb = _problem(club)
    (pl,) = greedy(pb).values()
    assert pb.employees[pb.candidates[pl.candidate].employee].id == "L1"


def test_repair_frees_the_primary_lead_for_a_supervisor_the_greedy_left_out():
    club = Club(employees=[person("E1"), person("L1", LEAD_T), person("C1", CLUB)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1").off("C1", 5, 5)
    club.events += core_pair(606001, 1, 5, 5)
    club.events.append(event(3, "606002-CORE-Extra", 6, 6))
    pb = _problem(club)
    base = greedy(pb)
    fixed = repair(pb, base)
    assert len(fixed) > len(base)
    assert structural_problems(pb, fixed) == []


def test_two_supervisor_events_of_one_person_and_day_are_staggered():
    club = Club(employees=[person("E1"), person("E2"), person("C1", CLUB)])
    club.events += core_pair(606001, 1, 5, 5) + core_pair(606002, 3, 5, 5)
    got = placements(club.plan())
    assert sorted(got[i][1] for i in (2, 4)) == [at(5, "12:00"), at(5, "12:05")]
    assert got[2][0] == got[4][0] == "C1"


def test_solving_week_by_week_keeps_the_plan_valid():
    pb = _problem(_busy_club())
    whole = solve(pb, FAST)
    weekly = solve(pb, replace(FAST, decompose_above=0))
    assert weekly.note and "week by week" in weekly.note
    assert structural_problems(pb, weekly.plan) == []
    assert len(weekly.plan) >= len(whole.plan) - 2


def test_the_greedy_engine_can_be_asked_for_directly():
    pb = _problem(_busy_club())
    sol = solve(pb, replace(FAST, engine="greedy"))
    assert (sol.engine, sol.status) == ("greedy", "GREEDY")
    assert structural_problems(pb, sol.plan) == []


def test_the_problem_and_solution_are_plain_picklable_data_and_solving_is_deterministic():
    pb = _problem(_busy_club())
    copy = pickle.loads(pickle.dumps(pb))
    first, second = solve(pb, FAST), solve(copy, FAST)
    assert pickle.loads(pickle.dumps(first)).plan == first.plan == second.plan
    assert first.status in ("OPTIMAL", "FEASIBLE") and first.objective <= first.greedy_objective


def test_a_solver_plan_scoring_worse_than_the_greedy_plan_gives_way_to_it():
    from core.scheduling.solve import _checked, _Run

    pb = _problem(_busy_club())
    base = repair(pb, greedy(pb, lookahead=True))
    sol = _checked(pb, 0.0, base, _Run({}, "FEASIBLE", 0.0, 0.0, 0.1, 0.0, by_solver=True))
    assert (sol.engine, sol.status, sol.plan) == ("greedy", "FALLBACK", base)
    assert sol.note and "worse than the greedy plan" in sol.note
    kept = _checked(pb, 0.0, base, _Run(base, "OPTIMAL", 0.0, 0.0, 0.1, 0.0, by_solver=True))
    assert (kept.engine, kept.status) == ("cpsat", "OPTIMAL")


def test_the_budget_counts_from_the_start_of_the_whole_run_and_an_exhausted_one_still_gives_a_plan():
    import time

    from core.scheduling.solve import SolveOptions

    pb = _problem(_busy_club())
    spent = SolveOptions(max_seconds=2.0, num_workers=1, started=time.perf_counter() - 30.0)

    sol = solve(pb, spent)

    assert sol.wall_seconds >= 30.0  # measured from ``started``, preparation included
    assert structural_problems(pb, sol.plan) == []
    assert sol.plan  # the repaired, polished greedy plan when no solver time is left
