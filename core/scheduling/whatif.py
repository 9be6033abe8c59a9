"""What-if: force one unscheduled event into the plan and see what would have to move.

The current plan is the hint and the churn reference (with a heavier churn weight, so the answer
moves as little as possible); the cost change is measured with the run's own weights.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from core.scheduling.plan import Plan, evaluate, structural_problems, total_points
from core.scheduling.problem import Problem
from core.scheduling.solve import SolveOptions, run_cpsat

WHAT_IF_CHURN_FACTOR = 4


@dataclass(frozen=True)
class Change:
    event: int
    """Event index."""
    before: tuple[int, int] | None
    """(candidate, start) in the current plan, None when it was unscheduled."""
    after: tuple[int, int] | None


@dataclass(frozen=True)
class WhatIfResult:
    possible: bool
    status: str
    """The solver status; INFEASIBLE means impossible under the hard rules."""
    plan: Plan | None
    changes: tuple[Change, ...]
    """Every other event that moves or drops out, plus the forced event itself."""
    cost_delta: int | None
    """Points: forced plan minus current plan (negative = better)."""


def what_if(problem: Problem, current: Plan, event: int, options: SolveOptions | None = None) -> WhatIfResult:
    """The cheapest plan that schedules ``event``, staying close to ``current``."""
    options = options or SolveOptions(max_seconds=5.0)
    if event not in problem.by_event:
        return WhatIfResult(False, "INFEASIBLE", None, (), None)
    previous = dict(problem.previous)
    for ev, pl in current.items():
        if problem.events[ev].current is None:
            c = problem.candidates[pl.candidate]
            previous[ev] = (c.employee, c.day)
    weights = replace(problem.weights, churn=problem.weights.churn * WHAT_IF_CHURN_FACTOR)
    sticky = replace(problem, previous=previous, weights=weights)
    run = run_cpsat(sticky, current, options, options.max_seconds, time.perf_counter(), force=event)
    if run.plan is None or event not in run.plan or structural_problems(problem, run.plan):
        return WhatIfResult(False, run.status, None, (), None)
    new = run.plan
    changes = []
    for ev in sorted(set(current) | set(new)):
        a, b = current.get(ev), new.get(ev)
        before = (a.candidate, a.start) if a else None
        after = (b.candidate, b.start) if b else None
        if before != after:
            changes.append(Change(ev, before, after))
    delta = total_points(evaluate(problem, new)) - total_points(evaluate(problem, current))
    return WhatIfResult(True, run.status, new, tuple(changes), delta)
