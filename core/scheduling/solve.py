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

from core.scheduling.cpsat_model import ScheduleModel
from core.scheduling.greedy import greedy
from core.scheduling.plan import Plan, evaluate, structural_problems, total_points
from core.model import EventType
from core.scheduling.problem import Candidate, FixedPin, Problem, sunday_of
from core.scheduling.weights import SCALE


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
    log: bool = False


@dataclass(frozen=True)
class Solution:
    engine: str
    """"cpsat" or "greedy" (the fallback)."""
    status: str
    """OPTIMAL, FEASIBLE, or FALLBACK (greedy plan used)."""
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


def _parameters(solver: cp_model.CpSolver, options: SolveOptions, seconds: float) -> None:
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, seconds)
    p.num_workers = max(1, min(options.num_workers or os.cpu_count() or 1, os.cpu_count() or 1))
    p.cp_model_probing_level = 0
    p.random_seed = options.random_seed
    p.log_search_progress = options.log
    if options.max_deterministic_time is not None:
        p.max_deterministic_time = options.max_deterministic_time


@dataclass(frozen=True)
class _Run:
    plan: Plan | None
    status: str
    objective: float | None
    bound: float | None
    first: float | None


def _run_cpsat(problem: Problem, hint: Plan, options: SolveOptions, seconds: float,
               started: float, *, force: int | None = None) -> _Run:
    model = ScheduleModel(problem, force=force)
    if options.use_hint:
        model.hint(hint)
    solver = cp_model.CpSolver()
    _parameters(solver, options, seconds - (time.perf_counter() - started))
    callback = _FirstPlan(started)
    status = solver.solve(model.m, callback)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Run(None, solver.status_name(status), None, None, callback.first)
    plan = model.read(list(solver.response_proto.solution))
    return _Run(plan, solver.status_name(status), solver.objective_value, solver.best_objective_bound,
                callback.first)


def literal_count(problem: Problem) -> int:
    """How many candidate literals the model would have."""
    return sum(len(c.starts) if problem.events[c.event].type.value not in ("Core", "Supervisor") else 1
               for c in problem.candidates)


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """The best plan found within the budget (greedy fallback when CP-SAT finds none)."""
    options = options or SolveOptions()
    started = time.perf_counter()
    base = greedy(problem)
    greedy_points = total_points(evaluate(problem, base))
    weeks = sorted({sunday_of(d) for d in problem.days})
    if literal_count(problem) > options.decompose_above and len(weeks) > 1:
        runs, plan = _by_week(problem, base, options, started, weeks)
        status = "OPTIMAL" if all(r.status == "OPTIMAL" for r in runs) else "FEASIBLE"
        firsts = [r.first for r in runs if r.first is not None]
        first = firsts[0] if firsts else None
        objs = [r.objective for r in runs if r.objective is not None]
        bounds = [r.bound for r in runs if r.bound is not None]
        run = _Run(plan, status, sum(objs), sum(bounds) if len(bounds) == len(runs) else None, first)
        note: str | None = f"solved week by week ({len(weeks)} weeks)"
    else:
        run = _run_cpsat(problem, base, options, options.max_seconds, started)
        note = None
    wall = time.perf_counter() - started
    plan = run.plan
    if plan is not None and structural_problems(problem, plan):
        plan, note = None, "solver plan failed the structural check"
    if plan is None:
        pens = evaluate(problem, base)
        return Solution("greedy", "FALLBACK", base, _points(pens), greedy_points, greedy_points,
                        wall_seconds=wall, note=note or f"solver returned {run.status}")
    pens = evaluate(problem, plan)
    points = total_points(pens)
    if points > greedy_points:
        pens, plan, note = evaluate(problem, base), base, "greedy plan was better"
        points = greedy_points
    gap = None
    if run.bound is not None and run.objective is not None:
        gap = max(0.0, (run.objective - run.bound) / max(1.0, abs(run.objective)))
    return Solution("cpsat", run.status, plan, _points(pens), points, greedy_points,
                    bound=run.bound / SCALE if run.bound is not None else None, gap=gap,
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
        run = _run_cpsat(sub.problem, hint, options, share + (time.perf_counter() - started),
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
