"""A plan (chosen candidate and start per event), its named penalties and its structural checks.

``evaluate`` recomputes every named penalty of the CP-SAT objective in plain Python, so a plan from
any engine (greedy, CP-SAT, a manager's edits) is scored the same way; ``structural_problems``
checks the model's own constraints, which makes the greedy a usable hint and a test oracle.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from core.model import EventType
from core.scheduling.problem import Problem, sunday_of
from core.scheduling.weights import PENALTY_NAMES, SCALE


@dataclass(frozen=True)
class Placement:
    candidate: int
    start: int
    """Minutes after midnight."""


Plan = dict[int, Placement]
"""Event index -> where it goes. Events missing from the plan stay unscheduled."""


def stays(problem: Problem, event: int, placement: Placement | None) -> bool:
    """True when a movable event keeps its current employee and day."""
    cur = problem.events[event].current
    if cur is None or placement is None:
        return False
    c = problem.candidates[placement.candidate]
    return (c.employee, c.day) == (cur.employee, cur.day)


def core_days_with_candidates(problem: Problem) -> set[date]:
    return {c.day for c in problem.candidates if problem.events[c.event].type is EventType.CORE}


def shift_loads(problem: Problem, plan: Plan) -> dict[int, int]:
    """Core shifts per fairness-pool employee: pinned plus planned."""
    loads = {p: e.pinned_shifts for p, e in enumerate(problem.employees) if e.shift_pool}
    for ev, pl in plan.items():
        c = problem.candidates[pl.candidate]
        if problem.events[ev].type is EventType.CORE and c.employee in loads:
            loads[c.employee] += 1
    return loads


def evaluate(problem: Problem, plan: Plan) -> dict[str, int]:
    """Every named penalty of ``plan`` in model units (the CP-SAT objective, term by term)."""
    w = problem.weights
    out = dict.fromkeys(PENALTY_NAMES, 0)
    for i, ev in enumerate(problem.events):
        pl = plan.get(i)
        if pl is None:
            out["unscheduled"] += ev.unscheduled_cost
        else:
            for name, value in problem.candidates[pl.candidate].penalties:
                out[name] += value
        if ev.current is not None and not ev.current.released and not stays(problem, i, pl):
            out["bumps" if ev.current.bumpable else "churn"] += (w.bump if ev.current.bumpable
                                                                 else w.churn) * SCALE
        prev = problem.previous.get(i)
        if prev is not None and ev.current is None:
            c = problem.candidates[pl.candidate] if pl is not None else None
            if c is None or (c.employee, c.day) != prev:
                out["churn"] += w.churn * SCALE
    slots: dict[tuple[date, int], int] = defaultdict(int, problem.pinned_slot_counts)
    digital: dict[tuple[date, int], int] = defaultdict(int)
    for ev_index, pl in plan.items():
        c = problem.candidates[pl.candidate]
        etype = problem.events[ev_index].type
        if etype is EventType.CORE:
            slots[(c.day, pl.start)] += 1
            if pl.start in problem.core_slots:
                out["slot_imbalance"] += problem.core_slots.index(pl.start) * SCALE
        elif etype is EventType.DIGITALS:
            digital[(c.day, pl.start)] += 1
    for day in core_days_with_candidates(problem):
        counts = [slots[(day, s)] for s in problem.core_slots]
        out["slot_imbalance"] += (max(counts) - min(counts)) * w.slot_imbalance * SCALE
    out["digital_slot_shared"] = sum(max(0, n - 1) for n in digital.values()) * w.digital_slot_shared * SCALE
    out["fairness"] = fairness_units(problem, plan)
    return out


def fairness_units(problem: Problem, plan: Plan) -> int:
    """Σ |share_units · load - target| over the fairness pool (model units)."""
    loads = shift_loads(problem, plan)
    units = problem.weights.share_units
    return sum(abs(units * load - problem.employees[p].target) for p, load in loads.items())


def fairness_shifts(problem: Problem, plan: Plan) -> float:
    """L1 distance, in shifts, between each person's Core shifts and their availability-proportional
    share of all Core shifts placed (the fairness figure reported by the benchmark)."""
    loads = shift_loads(problem, plan)
    total = sum(loads.values())
    avail = {p: problem.employees[p].available_days for p in loads}
    denom = sum(avail.values())
    if not denom:
        return 0.0
    return sum(abs(load - total * avail[p] / denom) for p, load in loads.items())


def total_points(penalties: dict[str, int]) -> int:
    """The objective in points."""
    return sum(penalties.values()) // SCALE


def structural_problems(problem: Problem, plan: Plan) -> list[str]:
    """The model constraints ``plan`` breaks (empty for every plan an engine may return)."""
    out: list[str] = []
    per_day: dict[tuple[int, date], list[int]] = defaultdict(list)
    for ev, pl in plan.items():
        c = problem.candidates[pl.candidate]
        if c.event != ev or pl.start not in c.starts:
            out.append(f"event {ev}: placement does not match its candidate")
        per_day[(c.employee, c.day)].append(ev)
    core_on: set[tuple[str, date]] = set(problem.pinned_core_days)
    for ev, pl in plan.items():
        e = problem.events[ev]
        if e.type is EventType.CORE and e.pair_key:
            core_on.add((e.pair_key, problem.candidates[pl.candidate].day))
    new_days: dict[tuple[int, date], set[date]] = defaultdict(set)
    for (p, day), evs in per_day.items():
        out += _day_problems(problem, plan, p, day, evs)
        if (p, day) not in problem.pinned_days:
            new_days[(p, sunday_of(day))].add(day)
    for (p, week), worked in new_days.items():
        if len(worked) > problem.week_room.get((p, week), 0):
            out.append(f"employee {p}: {len(worked)} new days in week {week}")
    for ev, pl in plan.items():
        e = problem.events[ev]
        day = problem.candidates[pl.candidate].day
        if e.type is EventType.SUPERVISOR and (e.pair_key, day) not in core_on:
            out.append(f"event {ev}: Supervisor without its Core on {day}")
        cur = e.current
        if cur is not None and cur.bumpable and e.type is EventType.CORE and not stays(problem, ev, pl):
            takers = [o for o in per_day.get((cur.employee, cur.day), ())
                      if problem.events[o].type is EventType.JUICER
                      or (problem.events[o].type is EventType.CORE and problem.events[o].due < e.due)]
            if not takers:
                out.append(f"event {ev}: bumped without a more urgent taker")
    return out


def _day_problems(problem: Problem, plan: Plan, p: int, day: date, evs: list[int]) -> list[str]:
    out: list[str] = []
    types = [problem.events[e].type for e in evs]
    cores = types.count(EventType.CORE)
    if cores > 1 or cores + types.count(EventType.JUICER) > 1:
        out.append(f"employee {p} on {day}: more than one Core/Juicer")
    intervals: list[tuple[int, int]] = []
    sups = [e for e in evs if problem.events[e].type is EventType.SUPERVISOR]
    if sups:
        lo, hi, cap = problem.supervisor_blocks[(p, day)]
        intervals.append((lo, hi))
        if len(sups) > cap:
            out.append(f"employee {p} on {day}: {len(sups)} Supervisor events over capacity {cap}")
        taken = sorted((plan[e].start, plan[e].start + problem.events[e].duration) for e in sups)
        if any(a[1] > b[0] for a, b in pairwise(taken)):
            out.append(f"employee {p} on {day}: Supervisor starts overlap")
    for e in evs:
        if problem.events[e].type is not EventType.SUPERVISOR:
            intervals.append(problem.interval(plan[e].candidate, plan[e].start))
    intervals.sort()
    if any(a[1] > b[0] for a, b in pairwise(intervals)):
        out.append(f"employee {p} on {day}: overlapping work")
    return out


def assign_supervisor_starts(problem: Problem, chosen: dict[int, int]) -> Plan:
    """Stagger chosen Supervisor candidates (event -> candidate) per person and day: a staying
    event keeps its current start when free, the rest take the earliest free start by event id."""
    groups: dict[tuple[int, date], list[int]] = defaultdict(list)
    for ev, ci in chosen.items():
        c = problem.candidates[ci]
        groups[(c.employee, c.day)].append(ev)
    plan: Plan = {}
    for evs in groups.values():
        def order(ev: int) -> tuple[int, int]:
            return (0 if stays(problem, ev, Placement(chosen[ev], -1)) else 1, problem.events[ev].id)
        taken: list[tuple[int, int]] = []
        for ev in sorted(evs, key=order):
            c = problem.candidates[chosen[ev]]
            dur = problem.events[ev].duration
            cur = problem.events[ev].current
            options = list(c.starts)
            if cur is not None and cur.start in options and stays(problem, ev, Placement(chosen[ev], -1)):
                options.remove(cur.start)
                options.insert(0, cur.start)
            for s in options:
                if all(s + dur <= a or b <= s for a, b in taken):
                    taken.append((s, s + dur))
                    plan[ev] = Placement(chosen[ev], s)
                    break
    return plan
