"""Confirmed assignments as pins: which stay fixed, which new facts broke, which may be bumped, and
which contradict each other.

A pin broken by new facts (time off, availability, holiday, role change, termination, a moved event
window) is *released*: the run plans its event again and reports why — never keeps it silently.
A Supervisor follows its Core: when the Core is released or bumpable, its Supervisor that day is
movable too (it stays if its Core stays). Contradictions among pins themselves are found with
assumption literals (``sufficient_assumptions_for_infeasibility``) and named.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from core.model import Assignment, EventType
from core.rules import Code, Facts, Mode, PlanIndex, Violation, check, end_of, pair_key, week_start

FACT_CODES = frozenset({
    Code.UNKNOWN_EMPLOYEE, Code.INACTIVE, Code.TERMINATED, Code.ROLE, Code.TIME_OFF, Code.WEEKDAY,
    Code.DATE_UNAVAILABLE, Code.OVERRIDE, Code.HOLIDAY, Code.OUTSIDE_WINDOW,
})
"""Violations that mean the facts under a confirmed assignment changed."""

CONFLICT_CODES = frozenset({Code.CORE_SAME_DAY, Code.JUICER_CORE, Code.OVERLAP, Code.WEEK_CAP,
                            Code.SUPERVISOR_DAY, Code.SUPERVISOR_IMPOSSIBLE})


@dataclass(frozen=True)
class Released:
    assignment: Assignment
    reasons: tuple[Violation, ...]
    """Why it broke; empty for a Supervisor released with its Core."""
    partner_of: int | None = None
    """The broken Core assignment this Supervisor follows."""


@dataclass(frozen=True)
class PinSort:
    fixed: list[Assignment]
    released: list[Released]
    bumpable: list[Assignment]
    followers: list[Assignment]
    """Supervisors of released or bumpable Cores, movable with them."""


def sort_pins(facts: Facts, days: Collection[date], *, allow_bumping: bool = False,
              bump_after: date | None = None, scope: Collection[int] | None = None) -> PinSort:
    """Split the confirmed assignments of ``facts``.

    Only assignments on plannable ``days`` may be released or bumped; ``scope`` limits releases to
    those event ids; Cores due strictly after ``bump_after`` are bumpable when ``allow_bumping``.
    """
    index = PlanIndex(facts, facts.assignments)
    per_event = Counter(a.event_id for a in facts.assignments)
    released: dict[int, Released] = {}
    bumpable: dict[int, Assignment] = {}
    for a in facts.assignments:
        ev = facts.events.get(a.event_id)
        if ev is None or a.start.date() not in days:
            continue
        if scope is None or a.event_id in scope:
            broken = [v for v in check(facts, ev, a.employee_id, a.start, mode=Mode.MANUAL, index=index,
                                       ignore=(a.id,)) if v.hard and v.code in FACT_CODES]
            if broken:
                released[a.id] = Released(a, tuple(broken))
                continue
        if (allow_bumping and ev.event_type is EventType.CORE and bump_after is not None
                and ev.due_date > bump_after and per_event[ev.id] == 1):
            bumpable[a.id] = a
    followers: dict[int, Assignment] = {}
    leaders = {(pair_key(facts.events[a.event_id]), a.start.date()): a.id
               for a in [r.assignment for r in released.values()] + list(bumpable.values())
               if facts.events[a.event_id].event_type is EventType.CORE}
    for a in facts.assignments:
        ev = facts.events.get(a.event_id)
        if (ev is None or ev.event_type is not EventType.SUPERVISOR or a.id in released
                or per_event[ev.id] > 1):
            continue
        lead = leaders.get((pair_key(ev), a.start.date()))
        if lead is not None:
            followers[a.id] = a
            if lead in released:
                released[a.id] = Released(a, (), partner_of=lead)
    moving = set(released) | set(bumpable) | set(followers)
    return PinSort(
        fixed=[a for a in facts.assignments if a.id not in moving],
        released=list(released.values()),
        bumpable=list(bumpable.values()),
        followers=[a for a in followers.values() if a.id not in released],
    )


@dataclass(frozen=True)
class PinConflict:
    """Confirmed assignments that cannot all stand together under the rules."""

    assignment_ids: tuple[int, ...]
    codes: tuple[str, ...]
    message: str


def pin_conflicts(facts: Facts, pins: Sequence[Assignment], *, max_groups: int = 10) -> list[PinConflict]:
    """Groups of pins that contradict each other, found as unsat cores over assumption literals."""
    known = [a for a in pins if a.event_id in facts.events and a.employee_id in facts.employees]
    if not known:
        return []
    m = cp_model.CpModel()
    lit = {a.id: m.new_bool_var(f"pin{a.id}") for a in known}
    _pin_constraints(m, facts, known, lit)
    out: list[PinConflict] = []
    assumed = dict(lit)
    by_index = {v.index: aid for aid, v in lit.items()}
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5.0
    for _ in range(max_groups):
        m.clear_assumptions()
        m.add_assumptions(list(assumed.values()))
        if solver.solve(m) != cp_model.INFEASIBLE:
            break
        core = sorted(by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                      if i in by_index)
        if not core:
            break
        out.append(_describe(facts, [a for a in known if a.id in core]))
        for aid in core:
            assumed.pop(aid, None)
    return out


def _pin_constraints(m: cp_model.CpModel, facts: Facts, pins: Sequence[Assignment],
                     lit: dict[int, cp_model.IntVar]) -> None:
    by_day: dict[tuple[str, date], list[Assignment]] = defaultdict(list)
    core_days: dict[tuple[str | None, date], list[cp_model.IntVar]] = defaultdict(list)
    for a in pins:
        by_day[(a.employee_id, a.start.date())].append(a)
        ev = facts.events[a.event_id]
        if ev.event_type is EventType.CORE:
            core_days[(pair_key(ev), a.start.date())].append(lit[a.id])
    weeks: dict[tuple[str, date], list[cp_model.IntVar]] = defaultdict(list)
    for (emp, day), group in by_day.items():
        types = {a.id: facts.events[a.event_id].event_type for a in group}
        shifts = [lit[a.id] for a in group if types[a.id] in (EventType.CORE, EventType.JUICER)]
        if len(shifts) > 1:
            m.add_at_most_one(shifts)
        spans = [(a, a.start, end_of(facts.settings, facts.events[a.event_id], a.start)) for a in group]
        for i, (a, s1, e1) in enumerate(spans):
            for b, s2, e2 in spans[i + 1:]:
                if s1 < e2 and s2 < e1:
                    m.add_bool_or([lit[a.id].Not(), lit[b.id].Not()])
        works = m.new_bool_var(f"works_{emp}_{day}")
        for a in group:
            m.add_implication(lit[a.id], works)
        weeks[(emp, week_start(day))].append(works)
    for days in weeks.values():
        if len(days) > facts.settings.max_work_days_per_week:
            m.add(sum(days) <= facts.settings.max_work_days_per_week)
    for a in pins:
        ev = facts.events[a.event_id]
        if ev.event_type is EventType.SUPERVISOR:
            m.add_bool_or([lit[a.id].Not(), *core_days.get((pair_key(ev), a.start.date()), [])])


def _describe(facts: Facts, group: Iterable[Assignment]) -> PinConflict:
    pins = sorted(group, key=lambda a: (a.start, a.id))
    index = PlanIndex(facts, pins)
    codes: set[str] = set()
    for a in pins:
        ev = facts.events[a.event_id]
        for v in check(facts, ev, a.employee_id, a.start, mode=Mode.AUTO, index=index, ignore=(a.id,)):
            if v.code in CONFLICT_CODES:
                codes.add(v.code.value)
    parts = [f"{facts.employees[a.employee_id].name}: {facts.events[a.event_id].name} "
             f"{a.start:%a %m/%d %-I:%M %p}" for a in pins]
    why = ", ".join(sorted(codes)) or "rules"
    return PinConflict(tuple(a.id for a in pins), tuple(sorted(codes)),
                       "Confirmed assignments contradict each other (" + why + "): " + "; ".join(parts))
