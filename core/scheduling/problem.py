"""The auto-scheduler's input as plain, picklable data.

A ``Problem`` lists the events to place, the people, and every *allowed* (event, employee, day,
start times) combination — already filtered by the rules (``core.rules``) against the fixed,
confirmed assignments. Solvers (``greedy``, ``solve``) see only this; they never touch ``Facts``.
Employees and events are referred to by their index in ``Problem.employees`` / ``Problem.events``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from core.model import EventType, JobTitle
from core.scheduling.weights import DEFAULT_WEIGHTS, Weights

SHIFT_TYPES = frozenset({EventType.CORE, EventType.JUICER})
"""Event types that fill a person's working day: at most one per person and day."""


@lru_cache(maxsize=4096)
def sunday_of(day: date) -> date:
    """The Sunday that starts ``day``'s Sunday-Saturday week."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


@dataclass(frozen=True)
class EmployeeSpec:
    id: str
    name: str
    title: JobTitle
    shift_pool: bool
    """Works Core shifts: counted for fairness."""
    available_days: int
    """Horizon days this person could take a Core (not blocked, not on Juicer rotation)."""
    target: int
    """Availability-proportional share of the Core shifts, in ``Weights.share_units`` per shift."""
    pinned_shifts: int = 0
    """Confirmed Core shifts already on horizon days."""


@dataclass(frozen=True)
class Current:
    """Where a *movable* confirmed assignment is now (released or bumpable)."""

    assignment_id: int
    employee: int
    """Index, or -1 when the employee is not in the problem (e.g. now inactive)."""
    day: date
    start: int
    bumpable: bool = False
    """A confirmed Core that a strictly more urgent newcomer may displace ("allow bumping")."""
    released: bool = False
    """Broken by new facts: it cannot stay where it is."""


@dataclass(frozen=True)
class EventSpec:
    id: int
    name: str
    type: EventType
    due: date
    earliest: date
    duration: int
    pair_key: str | None
    unscheduled_cost: int
    """Model units charged when the event stays unscheduled."""
    current: Current | None = None


@dataclass(frozen=True)
class Candidate:
    """An allowed way to place one event: one person, one day, and the start times left open.

    Core candidates list the Core slot starts allowed for that person and day (the model picks
    one); Supervisor candidates list the free staggered starts (assigned after solving); every other
    type has exactly one start.
    """

    event: int
    employee: int
    day: date
    starts: tuple[int, ...]
    penalties: tuple[tuple[str, int], ...] = ()
    """Named static penalties in model units, charged when this candidate is chosen."""

    @property
    def cost(self) -> int:
        return sum(v for _, v in self.penalties)


@dataclass(frozen=True)
class FixedPin:
    """A confirmed assignment that stays where it is; context for counting."""

    assignment_id: int
    event_id: int
    employee_id: str
    day: date
    start: int
    end: int
    type: EventType
    pair_key: str | None


@dataclass
class Problem:
    today: date
    days: tuple[date, ...]
    events: tuple[EventSpec, ...]
    employees: tuple[EmployeeSpec, ...]
    candidates: tuple[Candidate, ...]
    core_slots: tuple[int, ...]
    """Core slot starts, minutes after midnight."""
    pins: tuple[FixedPin, ...] = ()
    week_room: dict[tuple[int, date], int] = field(default_factory=dict)
    """(employee, Sunday) -> how many more distinct work days the week allows."""
    pinned_days: frozenset[tuple[int, date]] = frozenset()
    """(employee, day) already worked by a fixed pin: no extra week-cap day."""
    core_len: dict[tuple[int, date], int] = field(default_factory=dict)
    """(employee, day) -> the longest Core duration among its Core candidates."""
    previous: dict[int, tuple[int, date]] = field(default_factory=dict)
    """event -> (employee, day) in the previous plan; moving it costs churn."""
    weights: Weights = DEFAULT_WEIGHTS

    @cached_property
    def by_event(self) -> dict[int, list[int]]:
        """Candidate indices of each event."""
        out: dict[int, list[int]] = defaultdict(list)
        for i, c in enumerate(self.candidates):
            out[c.event].append(i)
        return dict(out)

    @cached_property
    def by_employee_day(self) -> dict[tuple[int, date], list[int]]:
        """Candidate indices of each (employee, day)."""
        out: dict[tuple[int, date], list[int]] = defaultdict(list)
        for i, c in enumerate(self.candidates):
            out[(c.employee, c.day)].append(i)
        return dict(out)

    @cached_property
    def cores_by_key(self) -> dict[str, list[int]]:
        """Core event indices per pairing key."""
        out: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(self.events):
            if e.type is EventType.CORE and e.pair_key:
                out[e.pair_key].append(i)
        return dict(out)

    @cached_property
    def pinned_core_days(self) -> frozenset[tuple[str, date]]:
        """(pairing key, day) of fixed Core pins."""
        return frozenset((p.pair_key, p.day) for p in self.pins
                         if p.type is EventType.CORE and p.pair_key)

    @cached_property
    def pinned_slot_counts(self) -> dict[tuple[date, int], int]:
        """(day, Core slot start) -> fixed Core pins there."""
        out: dict[tuple[date, int], int] = defaultdict(int)
        for p in self.pins:
            if p.type is EventType.CORE and p.start in self.core_slots:
                out[(p.day, p.start)] += 1
        return dict(out)

    @cached_property
    def employee_index(self) -> dict[str, int]:
        return {e.id: i for i, e in enumerate(self.employees)}

    @cached_property
    def event_index(self) -> dict[int, int]:
        return {e.id: i for i, e in enumerate(self.events)}

    def event_of(self, candidate: int) -> EventSpec:
        return self.events[self.candidates[candidate].event]

    def interval(self, candidate: int, start: int) -> tuple[int, int]:
        """The minutes a candidate occupies when started at ``start`` (Core: the longest Core)."""
        c = self.candidates[candidate]
        ev = self.events[c.event]
        if ev.type is EventType.CORE:
            return start, start + self.core_len.get((c.employee, c.day), ev.duration)
        return start, start + ev.duration

    @cached_property
    def supervisor_blocks(self) -> dict[tuple[int, date], tuple[int, int, int]]:
        """(employee, day) -> (first start, end of the last start, capacity) of staggered Supervisor
        starts. New non-Supervisor work must keep clear of the whole block."""
        starts: dict[tuple[int, date], set[int]] = defaultdict(set)
        capacity: dict[tuple[int, date], int] = defaultdict(int)
        duration: dict[tuple[int, date], int] = defaultdict(int)
        for c in self.candidates:
            ev = self.events[c.event]
            if ev.type is EventType.SUPERVISOR:
                key = (c.employee, c.day)
                starts[key].update(c.starts)
                capacity[key] = max(capacity[key], len(c.starts))
                duration[key] = max(duration[key], ev.duration)
        return {k: (min(v), max(v) + duration[k], capacity[k]) for k, v in starts.items()}
