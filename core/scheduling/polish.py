"""Fairness polish: single Core moves that lower the objective, from over- to under-served people.

Before the solve, this hill-climbs the hint with exact incremental deltas (static candidate
penalties, fairness, Core slot balance, churn), so CP-SAT starts from a fair plan even when its LP
has not finished the root yet (a big model, a loaded machine); it also polishes the fallback. It never
changes which events are scheduled, and a Core whose Supervisor is placed keeps its day.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date

from core.model import EventType
from core.scheduling.greedy import PlanState
from core.scheduling.plan import Placement, Plan, shift_loads, stays
from core.scheduling.problem import Problem
from core.scheduling.weights import SCALE


class _Polisher:
    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.pb = problem
        self.st = PlanState(problem)
        for _, pl in sorted(plan.items(), key=lambda kv: problem.events[kv[0]].type is EventType.SUPERVISOR):
            self.st.place(pl.candidate, pl.start)
        self.loads = shift_loads(problem, plan)
        self.units = problem.weights.share_units
        self.slot_w = problem.weights.slot_imbalance * SCALE

    def dev(self, p: int, load: int) -> int:
        return abs(self.units * load - self.pb.employees[p].target)

    def imbalance(self, day: date, change: Iterable[tuple[int, int]] = ()) -> int:
        slots = self.pb.core_slots
        counts = [self.st.slots[(day, s)] for s in slots]
        for s, d in change:
            if s in slots:
                counts[slots.index(s)] += d
        return (max(counts) - min(counts)) * self.slot_w

    def signed(self, p: int) -> int | None:
        """How far above (+) or below (-) its target a person's load is, in share units."""
        if p not in self.loads:
            return None
        return self.units * self.loads[p] - self.pb.employees[p].target

    def position(self, start: int) -> int:
        slots = self.pb.core_slots
        return slots.index(start) if start in slots else 0

    def churn(self, ev: int, pl: Placement | None) -> int:
        pb = self.pb
        spec = pb.events[ev]
        w = pb.weights
        if spec.current is not None and not spec.current.released:
            return 0 if stays(pb, ev, pl) else (w.bump if spec.current.bumpable else w.churn) * SCALE
        prev = pb.previous.get(ev)
        if prev is None:
            return 0
        c = pb.candidates[pl.candidate] if pl is not None else None
        return 0 if c is not None and (c.employee, c.day) == prev else w.churn * SCALE

    def delta(self, ev: int, old: Placement, ci: int, start: int) -> int:
        pb = self.pb
        a, b = pb.candidates[old.candidate], pb.candidates[ci]
        out = b.cost - a.cost + self.churn(ev, Placement(ci, start)) - self.churn(ev, old)
        out += (self.position(start) - self.position(old.start)) * SCALE
        if a.employee != b.employee:
            for p, step in ((a.employee, -1), (b.employee, 1)):
                if p in self.loads:
                    out += self.dev(p, self.loads[p] + step) - self.dev(p, self.loads[p])
        if a.day == b.day:
            if old.start != start:
                out += self.imbalance(a.day, [(old.start, -1), (start, 1)]) - self.imbalance(a.day)
        else:
            out += self.imbalance(a.day, [(old.start, -1)]) - self.imbalance(a.day)
            out += self.imbalance(b.day, [(start, 1)]) - self.imbalance(b.day)
        return out

    def pinned_day(self, ev: int, day: date) -> bool:
        key = self.pb.events[ev].pair_key
        return bool(key) and self.st.core_on[(key or "", day)] == 1 and self.st.sup_on[(key or "", day)] > 0

    def best_move(self, ev: int) -> tuple[int, int, int] | None:
        pb = self.pb
        old = self.st.plan[ev]
        day = pb.candidates[old.candidate].day
        keep_day = self.pinned_day(ev, day)
        here = self.signed(pb.candidates[old.candidate].employee)
        self.st.remove(ev)
        best: tuple[int, int, int] | None = None
        for ci in pb.by_event[ev]:
            c = pb.candidates[ci]
            if ci == old.candidate or (keep_day and c.day != day):
                continue
            there = self.signed(c.employee)
            if here is not None and there is not None and there + self.units >= here:
                continue
            for s in c.starts:
                d = self.delta(ev, old, ci, s)
                if d < 0 and (best is None or d < best[0]) and self.st.fits(ci, s):
                    best = (d, ci, s)
        self.st.place(old.candidate, old.start)
        return best

    def apply(self, ev: int, ci: int, start: int) -> None:
        pb = self.pb
        old = self.st.remove(ev)
        a, b = pb.candidates[old.candidate], pb.candidates[ci]
        if a.employee in self.loads:
            self.loads[a.employee] -= 1
        if b.employee in self.loads:
            self.loads[b.employee] += 1
        self.st.place(ci, start)


def polish(problem: Problem, plan: Plan, *, seconds: float | None = 1.0, max_rounds: int = 20) -> Plan:
    """``plan`` improved by single Core moves until none helps (or ``seconds`` are up)."""
    pol = _Polisher(problem, plan)
    deadline = time.perf_counter() + seconds if seconds is not None else float("inf")
    takers = {(e.current.employee, e.current.day) for i, e in enumerate(problem.events)
              if e.current is not None and e.current.bumpable and not stays(problem, i, plan.get(i))}
    cores = sorted((ev for ev in plan if problem.events[ev].type is EventType.CORE
                    and problem.events[ev].current is None
                    and (problem.candidates[plan[ev].candidate].employee,
                         problem.candidates[plan[ev].candidate].day) not in takers),
                   key=lambda ev: problem.events[ev].id)
    for _ in range(max_rounds):
        improved = False
        for ev in cores:
            if time.perf_counter() > deadline:
                return dict(pol.st.plan)
            move = pol.best_move(ev)
            if move is not None:
                pol.apply(ev, move[1], move[2])
                improved = True
        if not improved:
            break
    return dict(pol.st.plan)
