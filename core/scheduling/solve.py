"""The engine entry point: ``solve(problem, options) -> Solution``.

A plain function of plain, picklable data, so the bot can run it in a process or thread pool and
never stall the Slack event loop. It builds the greedy plan (repaired and polished), hints it, runs
one CP-SAT solve of the whole objective within the wall budget (an LP-guided worker for the bound,
neighbourhood search beside it; the gap is against the whole objective), and falls back to the greedy
plan when the solver returns nothing usable. Problems too large for one model are solved week by
week, each week seeing the weeks before it as fixed (no global bound then).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from core.model import EventType
from core.scheduling.core_layout import CoreLayout, core_layout
from core.scheduling.cpsat_model import ScheduleModel
from core.scheduling.greedy import greedy
from core.scheduling.plan import Plan, evaluate, structural_problems, total_points
from core.scheduling.polish import polish
from core.scheduling.problem import Candidate, FixedPin, Problem, sunday_of
from core.scheduling.repair import repair
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
    decompose_above: int = 100_000
    """Solve week by week when the model would have more candidate booleans than this."""
    light_presolve_below: int = 15_000
    """Models with fewer variables get a lighter presolve (a faster first plan)."""
    engine: str = "cpsat"
    """"greedy" skips CP-SAT and returns the repaired, polished greedy plan."""
    started: float | None = None
    """``time.perf_counter()`` when the whole run began (problem preparation included): the wall
    budget counts from there. ``None``: from the call of ``solve``."""
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
            small: bool = False) -> cp_model.CpSolver:
    """CP-SAT as tuned on 2 cores: probing off; the full-problem worker runs the strong LP
    (linearization level 2, which bounds fairness and coverage tightly), the other workers do
    large-neighbourhood search and local search around the incumbent. On ``small`` models the
    presolve skips inclusion detection and clique merging: that halves the time to the first plan,
    and only big models' LPs gain from the merged cliques."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    cpus = os.cpu_count() or 1
    workers = max(1, min(options.num_workers or cpus, cpus))
    p.max_time_in_seconds = max(0.05, seconds)
    p.num_workers = workers
    p.cp_model_probing_level = 0
    p.symmetry_level = 0
    p.random_seed = options.random_seed
    p.log_search_progress = options.log
    if workers == 1:
        p.linearization_level = 2
    else:
        p.ignore_subsolvers.append("default_lp")
        p.extra_subsolvers.append("max_lp")
    if small:
        p.presolve_inclusion_work_limit = 0
        p.merge_at_most_one_work_limit = 0
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
    """False when the plan is the hint (the solver found nothing in time)."""
    note: str | None = None


def _gap(objective: float, bound: float) -> float:
    return max(0.0, (objective - bound) / max(1.0, abs(objective)))


def run_cpsat(problem: Problem, hint: Plan, options: SolveOptions, seconds: float,
              started: float, *, force: int | None = None, layout: CoreLayout | None = None) -> _Run:
    """One solve of the whole objective, hinted with ``hint`` (a valid plan). When the solver runs
    out of time before any solution of its own, the hint is the answer (``by_solver`` False)."""
    model = ScheduleModel(problem, force=force, layout=layout)
    if options.use_hint:
        model.hint(hint)
    first = _FirstPlan(started)
    solver = _solver(options, started + seconds - time.perf_counter(), options.max_deterministic_time,
                     small=len(model.m.proto.variables) < options.light_presolve_below)
    status = solver.solve(model.m, first)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        objective, bound = solver.objective_value, solver.best_objective_bound
        return _Run(model.read(list(solver.response_proto.solution)), solver.status_name(status),
                    objective, bound, first.first, _gap(objective, bound), True)
    if status == cp_model.UNKNOWN and force is None and not structural_problems(problem, hint):
        return _Run(hint, "FEASIBLE", None, None, None)
    return _Run(None, solver.status_name(status), None, None, first.first)


def literal_count(problem: Problem, layout: CoreLayout | None = None) -> int:
    """How many candidate booleans the model would have (aggregated Cores: per Core and day, and per
    person and day with its slot booleans)."""
    layout = layout if layout is not None else core_layout(problem)
    one = (EventType.CORE, EventType.SUPERVISOR)
    own = sum(1 if problem.events[c.event].type in one else len(c.starts)
              for ci, c in enumerate(problem.candidates) if ci not in layout.aggregated)
    people = sum(len(p) for p in layout.profile.values())
    return own + len(layout.day_cost) + people * (1 + len(problem.core_slots))


def solve(problem: Problem, options: SolveOptions | None = None) -> Solution:
    """The best plan found within the budget (greedy fallback when CP-SAT finds none)."""
    options = options or SolveOptions()
    started = options.started if options.started is not None else time.perf_counter()
    base = repair(problem, greedy(problem, lookahead=True))
    limit = None if options.max_deterministic_time else 0.1 * options.max_seconds
    base = polish(problem, base, seconds=limit)
    layout = core_layout(problem)
    size = literal_count(problem, layout)
    weeks = sorted({sunday_of(d) for d in problem.days})
    if options.engine == "greedy":
        pens = evaluate(problem, base)
        solution = Solution("greedy", "GREEDY", base, _points(pens), total_points(pens), 0,
                            wall_seconds=time.perf_counter() - started, note="greedy engine requested")
    elif size > options.decompose_above and len(weeks) > 1:
        run = _week_by_week(problem, base, options, started, weeks)
        solution = _checked(problem, started, base, run)
    else:
        run = run_cpsat(problem, base, options, _solver_seconds(options, problem), started, layout=layout)
        solution = _checked(problem, started, base, run)
    return replace(solution, greedy_objective=total_points(evaluate(problem, greedy(problem))))


def _week_by_week(problem: Problem, base: Plan, options: SolveOptions, started: float,
                  weeks: list[date]) -> _Run:
    runs, week_plan = _by_week(problem, base, options, started, weeks)
    status = "OPTIMAL" if all(r.status == "OPTIMAL" for r in runs) else "FEASIBLE"
    firsts = [r.first for r in runs if r.first is not None]
    return _Run(week_plan, status, None, None, firsts[0] if firsts else None, None,
                any(r.by_solver for r in runs), f"solved week by week ({len(weeks)} weeks; no global bound)")


def _checked(problem: Problem, started: float, base: Plan, run: _Run) -> Solution:
    """The solver's plan checked and scored, or the (polished greedy) fallback when the solver gave
    none, one that breaks the model's constraints, or one that scores worse than the fallback."""
    note = run.note
    plan: Plan | None = run.plan
    if plan is not None and structural_problems(problem, plan):
        plan, note = None, "solver plan failed the structural check"
    if plan is not None and run.by_solver:
        pens = evaluate(problem, plan)
        if total_points(pens) <= total_points(evaluate(problem, base)):
            return Solution("cpsat", run.status, plan, _points(pens), total_points(pens), 0,
                            bound=run.bound / SCALE if run.bound is not None else None, gap=run.gap,
                            wall_seconds=time.perf_counter() - started, first_plan_seconds=run.first,
                            note=note)
        note = "; ".join(n for n in ("the solver's plan scored worse than the greedy plan", note) if n)
    pens = evaluate(problem, base)
    return Solution("greedy", "FALLBACK", base, _points(pens), total_points(pens), 0,
                    wall_seconds=time.perf_counter() - started, first_plan_seconds=run.first,
                    note=note or "the solver found no plan within the budget")


def _solver_seconds(options: SolveOptions, problem: Problem) -> float:
    """The wall budget minus a margin for reading, scoring and checking the solution (measured at
    about two microseconds per candidate; doubled for a loaded machine)."""
    return options.max_seconds - 0.15 - 4e-6 * len(problem.candidates)


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
        remaining = _solver_seconds(options, problem) - (time.perf_counter() - started)
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
