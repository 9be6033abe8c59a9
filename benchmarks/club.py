"""Seeded synthetic clubs for the auto-scheduler benchmark.

``make_club(size, seed, capacity)`` builds a whole store — team, weekly availability, time off, a
holiday, Juicer / Primary Lead rotations with an exception, events of every type with Core ↔
Supervisor pairs, and a few confirmed assignments — as ``core.rules.Facts``. "tight" clubs have
narrower windows, more time off and more unavailable weekdays than "loose" ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.model import (
    Assignment,
    Employee,
    Event,
    EventType,
    Holiday,
    JobTitle,
    RotationType,
    TimeOff,
    TimeSettings,
    WeeklyAvailability,
)
from core.rules import Facts, Mode, PlanIndex, allowed_start_times, check

SIZES = {"S": (40, 300, 14), "M": (80, 600, 28), "L": (160, 1200, 28)}
"""size -> (employees, events, horizon days)."""

TODAY = date(2025, 10, 1)


@dataclass(frozen=True)
class Club:
    size: str
    seed: int
    capacity: str
    facts: Facts
    days: tuple[date, ...]


def _team(rng: random.Random, n: int, tight: bool) -> tuple[list[Employee], list[WeeklyAvailability]]:
    clubs = max(2, n // 20)
    leads = max(3, round(n * 0.15))
    baristas = max(2, round(n * 0.075))
    titles = ([JobTitle.CLUB_SUPERVISOR] * clubs + [JobTitle.LEAD] * leads
              + [JobTitle.JUICER_BARISTA] * baristas)
    titles += [JobTitle.EVENT_SPECIALIST] * (n - len(titles))
    emps, weekly = [], []
    for i, title in enumerate(titles):
        eid = f"US{100000 + i}"
        emps.append(Employee(eid, f"Person {i:03d}", job_title=title, rep_id=str(150000 + i),
                             email=f"p{i}@example.test"))
        days = [True] * 7
        off = 2 if tight and rng.random() < 0.6 else (1 if rng.random() < 0.5 else 0)
        for wd in rng.sample(range(7), off):
            days[wd] = False
        weekly.append(WeeklyAvailability(eid, tuple(days)))  # type: ignore[arg-type]
    return emps, weekly


def _events(rng: random.Random, n: int, horizon: int, tight: bool) -> list[Event]:
    out: list[Event] = []
    mplan = 31_000_000

    def add(name: str, etype: EventType, start: date, due: date) -> None:
        nonlocal mplan
        mplan += 1
        out.append(Event(len(out) + 1, mplan, name, start, due, event_type=etype,
                         location_mvid="157384"))

    first = TODAY + timedelta(days=1)
    for d in range(horizon):
        day = first + timedelta(days=d)
        add(f"{700000 + d}-JUICER-PRODUCTION-SPCLTY", EventType.JUICER, day,
            day + timedelta(days=1 if tight else 3))
        if d % 3 == 0:
            add(f"{710000 + d}-Juicer Survey", EventType.JUICER, day, day + timedelta(days=2))
    others = round(n * 0.17)
    cores = (n - len(out) - others) * 10 // 18
    sups = n - len(out) - others - cores
    span = horizon * (0.7 if tight else 1.0)
    for k in range(cores):
        start = first + timedelta(days=int(rng.uniform(-3, span - 2)))
        length = rng.randint(1, 4) if tight else rng.randint(4, 9)
        due = max(first + timedelta(days=1), start + timedelta(days=length))
        number = 600000 + k
        add(f"{number}-CORE-Product {k}", EventType.CORE, start, due)
        if k < sups:
            add(f"{number}-Supervisor-Product {k}", EventType.SUPERVISOR, start, due)
    kinds = ["FREEOSK", "DIGITAL SETUP", "DIGITAL REFRESH", "DIGITAL TEARDOWN", "OTHER"]
    for k in range(others):
        kind = rng.choices(kinds, weights=[35, 20, 10, 15, 20])[0]
        start = first + timedelta(days=rng.randrange(0, horizon))
        due = start + timedelta(days=rng.randint(1, 3) if tight else rng.randint(2, 6))
        etype = {"FREEOSK": EventType.FREEOSK, "OTHER": EventType.OTHER}.get(kind, EventType.DIGITALS)
        add(f"{800000 + k}-{kind}-Item {k}", etype, start, due)
    return out


def make_club(size: str = "S", seed: int = 1, capacity: str = "tight") -> Club:
    """A reproducible club of the given size ("S", "M", "L") and capacity ("loose", "tight")."""
    n_emp, n_events, horizon = SIZES[size]
    tight = capacity == "tight"
    rng = random.Random(f"{size}-{seed}-{capacity}")
    emps, weekly = _team(rng, n_emp, tight)
    events = _events(rng, n_events, horizon, tight)
    days = tuple(TODAY + timedelta(days=d) for d in range(1, horizon + 1))
    time_off = []
    for i, e in enumerate(emps):
        if rng.random() < (0.35 if tight else 0.1):
            start = days[0] + timedelta(days=rng.randrange(horizon))
            length = rng.randint(3, 7) if tight else rng.randint(2, 4)
            time_off.append(TimeOff(i + 1, e.id, start, start + timedelta(days=length - 1), "vacation"))
    holidays = [Holiday(1, "Store event day", days[horizon // 2])] if size != "S" else []
    baristas = [e.id for e in emps if e.job_title is JobTitle.JUICER_BARISTA]
    leads = [e.id for e in emps if e.job_title is JobTitle.LEAD]
    rotations = [(wd, RotationType.JUICER, baristas[wd % len(baristas)]) for wd in range(7)]
    rotations += [(wd, RotationType.PRIMARY_LEAD, leads[wd % len(leads)]) for wd in range(7)]
    exceptions = [(days[2], RotationType.JUICER, baristas[-1])]
    facts = Facts.build(today=TODAY, settings=TimeSettings(), employees=emps, events=events,
                        weekly=weekly, time_off=time_off, holidays=holidays, rotations=rotations,
                        rotation_exceptions=exceptions)
    facts.assignments.extend(_confirmed(rng, facts, days))
    return Club(size, seed, capacity, facts, days)


def _confirmed(rng: random.Random, facts: Facts, days: tuple[date, ...]) -> list[Assignment]:
    """About one Core in twelve already confirmed by a manager, on a valid day and slot."""
    out: list[Assignment] = []
    index = PlanIndex(facts, [])
    cores = [e for e in facts.events.values() if e.event_type is EventType.CORE]
    people = sorted(facts.employees)
    for ev in rng.sample(cores, len(cores) // 12):
        for day in days:
            if not ev.start_date <= day <= ev.due_date:
                continue
            placed = False
            for emp in rng.sample(people, len(people)):
                start = datetime.combine(day, allowed_start_times(facts.settings, ev)[0])
                if not any(v.hard for v in check(facts, ev, emp, start, mode=Mode.AUTO, index=index)):
                    a = Assignment(len(out) + 1, ev.id, emp, start, external_id=str(43000000 + len(out)))
                    out.append(a)
                    index.add(a)
                    placed = True
                    break
            if placed:
                break
    return out

