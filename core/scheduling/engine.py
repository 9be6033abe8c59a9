"""From facts to a checked plan: choose what to plan, sort the pins, build the problem, and turn a
solution back into assignments judged again by the independent validator.

``prepare`` and ``finish`` run next to the data; ``solve`` in between is the plain-data step that
may run in a worker process.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from core.model import Assignment, Condition, Event, EventType
from core.rules import Facts, Mode, PlanIndex, Violation, pair_key, validate_plan
from core.scheduling.candidates import Movable, at, build_problem
from core.scheduling.explain import Explanation, explain_event
from core.scheduling.pins import PinConflict, PinSort, Released, pin_conflicts, sort_pins
from core.scheduling.problem import Problem
from core.scheduling.solve import Solution
from core.scheduling.weights import DEFAULT_WEIGHTS, Weights


@dataclass(frozen=True)
class Request:
    days: tuple[date, ...]
    """The plannable days (each after today), in order."""
    allow_bumping: bool = False
    only_event_ids: frozenset[int] | None = None
    """Plan only these events ("find replacement")."""
    scheduled_event_ids: frozenset[int] = frozenset()
    """Events holding an assignment anywhere (the facts only hold the horizon's weeks)."""
    previous: dict[int, tuple[str, date]] = field(default_factory=dict)
    """event id -> (employee, day) of the previous plan, kept unless something better appears."""


@dataclass
class Prepared:
    facts: Facts
    request: Request
    problem: Problem
    pins: PinSort
    conflicts: list[PinConflict]
    skipped: dict[int, str]
    """Requested events that are not planned, with the reason."""
    extra_released: list[Released] = field(default_factory=list)
    """Released assignments of an event that already has one movable assignment: removals only."""


def _plannable(ev: Event, req: Request, assigned: Collection[int]) -> str | None:
    first, last = req.days[0], req.days[-1]
    if ev.id in assigned:
        return "already scheduled"
    if ev.condition is not Condition.UNSTAFFED:
        return f"is {ev.condition.value} in Crossmark"
    if not ev.allow_auto_schedule:
        return "is excluded from auto-scheduling"
    if ev.start_date > last or ev.due_date < first:
        return f"its window {ev.start_date:%m/%d}–{ev.due_date:%m/%d} is outside {first:%m/%d}–{last:%m/%d}"
    return None


def prepare(facts: Facts, request: Request, *, weights: Weights = DEFAULT_WEIGHTS) -> Prepared:
    """Everything the solver needs, and what the run must report about pins."""
    only = request.only_event_ids
    assigned = {a.event_id for a in facts.assignments} | set(request.scheduled_event_ids)
    skipped: dict[int, str] = {}
    new: list[Event] = []
    for ev in sorted(facts.events.values(), key=lambda e: e.id):
        if only is not None and ev.id not in only:
            continue
        why = _plannable(ev, request, assigned)
        if why is None:
            new.append(ev)
        elif only is not None:
            skipped[ev.id] = why
    for eid in only or ():
        if eid not in facts.events:
            skipped[eid] = "is not a known event of this store"
    urgent = [e.due_date for e in new if e.event_type in (EventType.CORE, EventType.JUICER)]
    pins = sort_pins(facts, set(request.days), allow_bumping=request.allow_bumping,
                     bump_after=min(urgent) if urgent else None, scope=only)
    movable: dict[int, Movable] = {}
    extra: list[Released] = []
    held = {a.event_id for a in pins.fixed}
    for r in pins.released:
        eid = r.assignment.event_id
        if eid in held or eid in movable:
            extra.append(r)
        else:
            movable[eid] = Movable(r.assignment, released=bool(r.reasons))
    for a in pins.bumpable:
        movable[a.event_id] = Movable(a, bumpable=True)
    for a in pins.followers:
        movable[a.event_id] = Movable(a)
    for eid in movable:
        skipped.pop(eid, None)
    events = new + [facts.events[eid] for eid in sorted(movable) if eid not in {e.id for e in new}]
    problem = build_problem(facts, request.days, events, fixed=pins.fixed, movable=movable,
                            previous=request.previous, weights=weights)
    conflicts = pin_conflicts(facts, pins.fixed + pins.followers + pins.bumpable)
    return Prepared(facts, request, problem, pins, conflicts, skipped, extra)


@dataclass(frozen=True)
class Planned:
    event_id: int
    employee_id: str
    start: datetime
    pair_key: str | None
    replaces: int | None = None
    """The confirmed assignment this placement replaces (moved, bumped or released)."""


@dataclass(frozen=True)
class Unplaced:
    event_id: int
    explanation: Explanation
    pair_key: str | None
    replaces: int | None = None
    """A confirmed assignment that goes away on approval (released or bumped, not re-placed)."""
    released: tuple[Violation, ...] = ()


@dataclass
class Outcome:
    solution: Solution
    planned: list[Planned]
    unplaced: list[Unplaced]
    kept: list[int]
    """Movable confirmed assignments that stay as they are."""
    dropped: list[tuple[int, str]]
    """Placements the independent validator refused (event id, reason); empty when the engine is right."""
    released: list[Released]
    conflicts: list[PinConflict]


def finish(prep: Prepared, solution: Solution) -> Outcome:
    """The solution as assignments, re-checked by ``validate_plan``, with a "Why?" per gap."""
    facts, pb = prep.facts, prep.problem
    old = {a.id: a for a in facts.assignments}
    kept: list[int] = []
    new: dict[int, Assignment] = {}
    for i, ev in enumerate(pb.events):
        pl = solution.plan.get(i)
        if pl is None:
            continue
        c = pb.candidates[pl.candidate]
        start = at(c.day, pl.start)
        emp = pb.employees[c.employee].id
        cur = ev.current
        if cur is not None and not cur.released:
            was = old[cur.assignment_id]
            if (was.employee_id, was.start) == (emp, start):
                kept.append(was.id)
                continue
        new[i] = Assignment(-1 - i, ev.id, emp, start, store_id=facts.events[ev.id].store_id)
    context = list(prep.pins.fixed) + [old[k] for k in kept]
    dropped: list[tuple[int, str]] = []
    for _ in range(5):
        bad = validate_plan(facts, context + list(new.values()), mode=Mode.AUTO,
                            new_only={a.id for a in new.values()})
        bad = [(a, v) for a, v in bad if v.hard]
        if not bad:
            break
        for a, v in bad:
            for i, b in list(new.items()):
                if b.id == a.id or _partner_of(facts, a, b):
                    dropped.append((b.event_id, v.message))
                    new.pop(i)
    index = PlanIndex(facts, context + list(new.values()))
    released = {r.assignment.event_id: r for r in prep.pins.released}
    planned = [Planned(a.event_id, a.employee_id, a.start, pair_key(facts.events[a.event_id]),
                       _replaced(pb, i))
               for i, a in sorted(new.items(), key=lambda kv: (kv[1].start, kv[1].event_id))]
    unplaced = []
    for i, ev in enumerate(pb.events):
        if i in new or (ev.current is not None and ev.current.assignment_id in kept):
            continue
        event = facts.events[ev.id]
        why = explain_event(facts, event, index, prep.request.days)
        rel = released.get(ev.id)
        unplaced.append(Unplaced(ev.id, why, pair_key(event),
                                 ev.current.assignment_id if ev.current else None,
                                 rel.reasons if rel else ()))
    for r in prep.extra_released:
        a = r.assignment
        event = facts.events[a.event_id]
        codes = tuple((v.code.value, 1) for v in r.reasons)
        detail = (": " + "; ".join(v.message for v in r.reasons)) if r.reasons else ""
        text = (f"{event.name} has another confirmed assignment; this one "
                f"({a.start:%a %m/%d %-I:%M %p}) is released{detail}")
        explanation = Explanation(a.event_id, event.name, codes, 0, 0, text)
        unplaced.append(Unplaced(a.event_id, explanation, pair_key(event), a.id, r.reasons))
    return Outcome(solution, planned, unplaced, kept, dropped, prep.pins.released, prep.conflicts)


def _replaced(pb: Problem, event: int) -> int | None:
    cur = pb.events[event].current
    return cur.assignment_id if cur is not None else None


def _partner_of(facts: Facts, core: Assignment, other: Assignment) -> bool:
    """``other`` is a Supervisor riding on the refused Core ``core`` that day."""
    a, b = facts.events.get(core.event_id), facts.events.get(other.event_id)
    return (a is not None and b is not None and a.event_type is EventType.CORE
            and b.event_type is EventType.SUPERVISOR and pair_key(a) == pair_key(b)
            and core.start.date() == other.start.date())
