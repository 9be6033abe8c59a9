"""The aggregated Core model: which Cores share one profile per day, and that aggregating them
changes nothing about the optimum or the validity of the plan."""

from __future__ import annotations

from ortools.sat.python import cp_model

from core.model import EventType, RotationType
from core.scheduling.core_layout import CoreLayout, core_layout
from core.scheduling.cpsat_model import ScheduleModel
from core.scheduling.engine import Request, prepare
from core.scheduling.plan import evaluate, structural_problems
from core.scheduling.problem import Problem
from tests.unit.scheduling.builders import (
    BARISTA,
    CLUB,
    LEAD_T,
    Club,
    at,
    basic_team,
    core_pair,
    day,
    event,
    person,
)

NOTHING_AGGREGATED = CoreLayout(frozenset(), frozenset(), {}, {}, frozenset())


def _problem(club: Club, **kw: object) -> Problem:
    return prepare(club.facts(), Request(days=tuple(day(k) for k in range(1, 11)), **kw)).problem  # type: ignore[arg-type]


def _club() -> Club:
    club = Club(employees=[*basic_team(), person("J3", BARISTA)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1").rotate(RotationType.JUICER, "J1")
    for k in range(7):
        club.events += core_pair(606000 + k, 10 * k + 1, 2 + k % 3, 4 + k % 4)
    club.events += [event(100, "700001-JUICER-PRODUCTION", 3, 5), event(102, "800001-FREEOSK-A", 3, 6)]
    club.confirm(1, "E1", at(4, "10:45"), aid=501)
    club.off("E2", 3, 5).off("C2", 4, 6)
    return club


def _optimum(pb: Problem, layout: CoreLayout | None) -> tuple[int, ScheduleModel, cp_model.CpSolver]:
    model = ScheduleModel(pb, layout=layout)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 20.0
    assert solver.solve(model.m) == cp_model.OPTIMAL
    return round(solver.objective_value), model, solver


def test_cores_with_the_same_people_slots_and_penalties_each_day_are_aggregated():
    pb = _problem(_club())
    lay = core_layout(pb)
    cores = {i for i, e in enumerate(pb.events) if e.type is EventType.CORE}
    assert lay.regular == cores
    assert lay.aggregated == {ci for i in cores for ci in pb.by_event[i]}
    barista = [people[pb.employee_index["J3"]] for people in lay.profile.values()
               if pb.employee_index["J3"] in people]
    assert barista and all(dict(penalties).get("role_preference") for _, penalties in barista)


def test_person_days_of_the_previous_plan_keep_their_own_booleans_for_churn():
    pb = _problem(_club(), previous={11: ("E3", day(4))})
    lay = core_layout(pb)
    where = (pb.employee_index["E3"], day(4))
    assert where in lay.explicit_days
    assert where[0] not in lay.profile[where[1]]
    kept = [ci for ci, c in enumerate(pb.candidates) if (c.employee, c.day) == where]
    assert kept and not set(kept) & lay.aggregated
    assert lay.regular


def test_a_core_whose_allowed_slots_differ_for_someone_is_not_aggregated():
    club = Club(employees=[person("E1"), person("E2"), person("L1", LEAD_T), person("C1", CLUB)])
    club.events += [event(1, "600001-CORE-A", 3, 4), event(2, "600002-CORE-B", 3, 4),
                    event(3, "600003-CORE-Long", 3, 4, estimated_minutes=480),
                    event(4, "800001-OTHER-Evening", 3, 3)]
    club.confirm(4, "L1", at(3, "18:30"), aid=501)
    pb = _problem(club)
    lay = core_layout(pb)
    long_core = pb.event_index[3]
    assert long_core not in lay.regular
    assert {pb.event_index[1], pb.event_index[2]} <= lay.regular
    assert not set(pb.by_event[long_core]) & lay.aggregated


def test_aggregating_cores_keeps_the_optimum_and_the_plan_valid():
    pb = _problem(_club(), previous={11: ("E3", day(4)), 21: ("E4", day(5))})
    aggregated, model, solver = _optimum(pb, None)
    assert model.x and model.r
    plain, _, _ = _optimum(pb, NOTHING_AGGREGATED)
    assert aggregated == plain
    plan = model.read(list(solver.response_proto.solution))
    assert structural_problems(pb, plan) == []
    assert sum(evaluate(pb, plan).values()) == aggregated
