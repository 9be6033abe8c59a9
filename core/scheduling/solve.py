"""The engine entry point: ``solve(problem, options) -> Solution``.

A plain function of plain, picklable data, so the bot can run it in a process or thread pool and
never stall the Slack event loop. It builds the greedy plan, hints it, runs CP-SAT within the wall
budget, and falls back to the greedy plan when the solver returns nothing usable. Problems too large
for one model are solved week by week, each week seeing the weeks before it as fixed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from core.model import EventType
from core.scheduling.cpsat_model import ScheduleModel
from core.scheduling.greedy import greedy
from core.scheduling.plan import Plan, evaluate, structural_problems, total_points
from core.scheduling.polish import polish
from core.scheduling.problem import Candidate, FixedPin, Problem, sunday_of
from core.scheduling.repair import repair
from core.scheduling.weights import PENALTY_NAMES, SCALE


@dataclass(frozen=True)
class SolveOptions:
    """How to run the solver. Tests use ``num_workers=1`` and a deterministic time limit."""

    max_seconds: float = 10.0
    num_workers: int | None = None
    """``None``: ``os.cpu_count()`` (never more)."""
    max_deterministic_time: float | None = None
    random_seed: int = 0
    use_hint: bool = True
    decompose_above: int = 120_000
    """Solve week by week when the model would have more candidate literals than this."""
    engine: str = "cpsat"
    """"greedy" skips CP-SAT and returns the repaired greedy plan."""
    log: bool = False


@dataclass(frozen=True)
class Solution:
    engine: str
    """"cpsat" or "greedy" (the fallback)."""
    status: str
    """OPTIMAL, FEASIBLE, FALLBACK (the solver gave no usable plan) or GREEDY (asked for)."""
    plan: Plan
    penalties: dict[str, int]
    """Named penalties of ``plan`` in points."""
    objective: int
    """Points."""
    greedy_objective: int
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    first_plan_seconds: float | None = None
    note: str | None = None


class _FirstPlan(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


def _solver(options: SolveOptions, seconds: float, deterministic: float | None, *,
            workers: int | None, lp_level: int | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    cpus = os.cpu_count() or 1
    p.max_time_in_seconds = max(0.05, seconds)
    p.num_workers = max(1, min(workers or cpus, cpus))
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.random_seed = options.random_seed
    p.log_search_progress = options.log
    if lp_level is not None:
        p.linearization_level = lp_level
    if deterministic is not None:
        p.max_deterministic_time = deterministic
    return solver


@dataclass(frozen=True)
class _Run:
    plan: Plan | None
    status: str
    objective: float | None
    bound: float | None
    first: float | None
    gap: float | None = None
    by_solver: bool = False
    """False when the plan is the polished hint (the solver found nothing in time)."""


def _gap(solver: cp_model.CpSolver) -> float:
    obj, bound = solver.objective_value, solver.best_objective_bound
    return max(0.0, (obj - bound) / max(1.0, abs(obj)))


def run_cpsat(problem: Problem, hint: Plan, options: SolveOptions, seconds: float,
              started: float, *, force: int | None = None) -> _Run:
    """Two phases: coverage and every term but fairness (one LP-guided worker), then fairness
    with the set of scheduled events fixed (all workers). When the first phase runs out of time
    before any solution, the (valid) hint goes on to the fairness phase instead."""
    model = ScheduleModel(problem, force=force)
    deadline = started + seconds
    det = options.max_deterministic_time
    model.set_objective([n for n in PENALTY_NAMES if n != "fairness"])
    if options.use_hint:
        model.hint(hint)
    first = _FirstPlan(started)
    s1 = _solver(options, (deadline - time.perf_counter()) * 0.5, det / 2 if det else None,
                 workers=1, lp_level=2)
    costs = [problem.events[i].unscheduled_cost for i in problem.by_event]
    if costs:
        s1.parameters.absolute_gap_limit = min(costs) / 2
    st1 = s1.solve(model.m, first)
    solved = st1 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if solved:
        plan1, gap1, bound1 = model.read(list(s1.response_proto.solution)), _gap(s1), s1.best_objective_bound
    elif st1 == cp_model.UNKNOWN and force is None and not structural_problems(problem, hint):
        plan1, gap1, bound1 = hint, None, None
    else:
        return _Run(None, s1.status_name(st1), None, None, first.first)
    plan1 = polish(problem, plan1, seconds=None if det else max(0.05, (deadline - time.perf_counter()) * 0.3))
    if det is None and deadline - time.perf_counter() < 0.3:
        return _Run(plan1, "FEASIBLE", None, bound1, first.first, gap1, solved)
    model.fix_coverage(plan1)
    model.set_objective()
    model.hint(plan1)
    s2 = _solver(options, deadline - time.perf_counter(), det / 2 if det else None,
                 workers=options.num_workers)
    st2 = s2.solve(model.m)
    if st2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Run(plan1, "FEASIBLE", None, bound1, first.first, gap1, solved)
    optimal = st1 == cp_model.OPTIMAL and st2 == cp_model.OPTIMAL
    return _Run(model.read(list(s2.response_proto.solution)), "OPTIMAL" if optimal else "FEASIBLE",
                s2.objective_value, bound1, first.first, gap1, True)


def literal_count(problem: Problem) -> int:
    """How many candidate literals the model would have."""
    return sum(len(c.starts) if problem.events[c.event].type.value not in ("Core", "Supervisor") else 1
               for c in problem.candidates)


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """The best plan found within the budget (greedy fallback when CP-SAT finds none)."""
    options = options or SolveOptions()
    started = time.perf_counter()
    base = repair(problem, greedy(problem, lookahead=True))
    weeks = sorted({sunday_of(d) for d in problem.days})
    solution = _solve(problem, options, started, base, weeks)
    return replace(solution, greedy_objective=total_points(evaluate(problem, greedy(problem))))


def _solve(problem: Problem, options: SolveOptions, started: float, base: Plan,
           weeks: list[date]) -> Solution:
    greedy_points = 0
    if options.engine == "greedy":
        pens = evaluate(problem, base)
        return Solution("greedy", "GREEDY", base, _points(pens), total_points(pens), greedy_points,
                        wall_seconds=time.perf_counter() - started, note="greedy engine requested")
    if literal_count(problem) > options.decompose_above and len(weeks) > 1:
        runs, week_plan = _by_week(problem, base, options, started, weeks)
        status = "OPTIMAL" if all(r.status == "OPTIMAL" for r in runs) else "FEASIBLE"
        firsts = [r.first for r in runs if r.first is not None]
        first = firsts[0] if firsts else None
        objs = [r.objective for r in runs if r.objective is not None]
        bounds = [r.bound for r in runs if r.bound is not None]
        gaps = [r.gap for r in runs if r.gap is not None]
        run = _Run(week_plan, status, sum(objs), sum(bounds) if len(bounds) == len(runs) else None, first,
                   max(gaps) if gaps else None, any(r.by_solver for r in runs))
        note: str | None = f"solved week by week ({len(weeks)} weeks)"
    else:
        run = run_cpsat(problem, base, options, options.max_seconds, started)
        note = None
    wall = time.perf_counter() - started
    plan: Plan | None = run.plan
    if plan is not None and structural_problems(problem, plan):
        plan, note = None, "solver plan failed the structural check"
    if plan is None or not run.by_solver:
        fallback = plan if plan is not None else base
        pens = evaluate(problem, fallback)
        return Solution("greedy", "FALLBACK", fallback, _points(pens), total_points(pens), greedy_points,
                        wall_seconds=wall, note=note or "the solver found no plan within the budget")
    pens = evaluate(problem, plan)
    points = total_points(pens)
    base_pens = evaluate(problem, base)
    if points > total_points(base_pens):
        pens, plan, note = base_pens, base, "greedy plan was better"
        points = total_points(base_pens)
    return Solution("cpsat", run.status, plan, _points(pens), points, greedy_points,
                    bound=run.bound / SCALE if run.bound is not None else None, gap=run.gap,
                    wall_seconds=wall, first_plan_seconds=run.first, note=note)


def _points(penalties: dict[str, int]) -> dict[str, int]:
    return {k: v // SCALE for k, v in penalties.items()}


def _by_week(problem: Problem, base: Plan, options: SolveOptions, started: float,
             weeks: list[date]) -> tuple[list[_Run], Plan]:
    plan: Plan = {}
    runs: list[_Run] = []
    sizes = [sum(1 for c in problem.candidates if sunday_of(c.day) == w) for w in weeks]
    for k, week in enumerate(weeks):
        sub = week_problem(problem, plan, week)
        hint = {ev: pl for ev, pl in base.items()
                if sunday_of(problem.candidates[pl.candidate].day) == week and ev not in plan}
        hint = {ev: pl for ev, pl in hint.items() if pl.candidate in sub.remap}
        hint = {ev: replace(pl, candidate=sub.remap[pl.candidate]) for ev, pl in hint.items()}
        if structural_problems(sub.problem, hint):
            hint = greedy(sub.problem)
        remaining = options.max_seconds - (time.perf_counter() - started)
        share = remaining * sizes[k] / max(1, sum(sizes[k:]))
        run = run_cpsat(sub.problem, hint, options, share + (time.perf_counter() - started),
                         started)
        runs.append(run)
        got = run.plan if run.plan is not None else greedy(sub.problem)
        back = {v: k2 for k2, v in sub.remap.items()}
        plan.update({ev: replace(pl, candidate=back[pl.candidate]) for ev, pl in got.items()})
    return runs, plan


@dataclass(frozen=True)
class WeekProblem:
    problem: Problem
    remap: dict[int, int]
    """Candidate index in the full problem -> index in the week's problem."""


def week_problem(problem: Problem, placed: Plan, week: date) -> WeekProblem:
    """The candidates of one week for events not yet placed, with earlier shifts counted."""
    def allowed(c: Candidate) -> bool:
        cur = problem.events[c.event].current
        return cur is None or not cur.bumpable or sunday_of(cur.day) <= week

    keep = [i for i, c in enumerate(problem.candidates)
            if sunday_of(c.day) == week and c.event not in placed and allowed(c)]
    extra_shifts: dict[int, int] = {}
    pins = list(problem.pins)
    for ev, pl in placed.items():
        c = problem.candidates[pl.candidate]
        spec = problem.events[ev]
        if spec.type is EventType.CORE:
            extra_shifts[c.employee] = extra_shifts.get(c.employee, 0) + 1
        pins.append(FixedPin(-1 - ev, spec.id, problem.employees[c.employee].id, c.day, pl.start,
                             pl.start + spec.duration, spec.type, spec.pair_key))
    core_days = {(p.pair_key, p.day) for p in pins if p.pair_key and p.type.value == "Core"}
    for i in keep:
        spec = problem.events[problem.candidates[i].event]
        if spec.type.value == "Core" and spec.pair_key:
            core_days.add((spec.pair_key, problem.candidates[i].day))
    keep = [i for i in keep if problem.events[problem.candidates[i].event].type.value != "Supervisor"
            or (problem.events[problem.candidates[i].event].pair_key, problem.candidates[i].day) in core_days]
    frac = sum(1 for d in problem.days if sunday_of(d) <= week) / max(1, len(problem.days))
    emps = tuple(replace(e, pinned_shifts=e.pinned_shifts + extra_shifts.get(p, 0),
                         target=round(e.target * frac))
                 for p, e in enumerate(problem.employees))
    sub = Problem(
        today=problem.today, days=tuple(d for d in problem.days if sunday_of(d) == week),
        events=problem.events, employees=emps, candidates=tuple(problem.candidates[i] for i in keep),
        core_slots=problem.core_slots, pins=tuple(pins), week_room=problem.week_room,
        pinned_days=problem.pinned_days, core_len=problem.core_len, previous=problem.previous,
        weights=problem.weights)
    return WeekProblem(sub, {old: new for new, old in enumerate(keep)})
