"""A read-only snapshot of everything the rules look at, indexed for fast checks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.model import (
    Assignment,
    AvailabilityOverride,
    DateAvailability,
    Employee,
    Event,
    Holiday,
    RotationType,
    TimeOff,
    TimeSettings,
    WeeklyAvailability,
)
from core.ports import UnitOfWork


@dataclass
class Facts:
    """Everything needed to judge assignments of one store over a period."""

    today: date
    settings: TimeSettings
    employees: dict[str, Employee]
    events: dict[int, Event]
    assignments: list[Assignment] = field(default_factory=list)
    weekly: dict[str, WeeklyAvailability] = field(default_factory=dict)
    date_availability: dict[tuple[str, date], DateAvailability] = field(default_factory=dict)
    overrides: dict[str, list[AvailabilityOverride]] = field(default_factory=dict)
    time_off: dict[str, list[TimeOff]] = field(default_factory=dict)
    holidays: list[Holiday] = field(default_factory=list)
    rotations: dict[tuple[int, RotationType], str] = field(default_factory=dict)
    rotation_exceptions: dict[tuple[date, RotationType], str] = field(default_factory=dict)

    @classmethod
    def build(cls, *, today: date, settings: TimeSettings, employees: Iterable[Employee],
              events: Iterable[Event], assignments: Iterable[Assignment] = (),
              weekly: Iterable[WeeklyAvailability] = (),
              date_availability: Iterable[DateAvailability] = (),
              overrides: Iterable[AvailabilityOverride] = (), time_off: Iterable[TimeOff] = (),
              holidays: Iterable[Holiday] = (),
              rotations: Iterable[tuple[int, RotationType, str]] = (),
              rotation_exceptions: Iterable[tuple[date, RotationType, str]] = ()) -> Facts:
        ovr: dict[str, list[AvailabilityOverride]] = defaultdict(list)
        for o in overrides:
            ovr[o.employee_id].append(o)
        off: dict[str, list[TimeOff]] = defaultdict(list)
        for t in time_off:
            off[t.employee_id].append(t)
        return cls(
            today=today, settings=settings,
            employees={e.id: e for e in employees}, events={e.id: e for e in events},
            assignments=list(assignments), weekly={w.employee_id: w for w in weekly},
            date_availability={(d.employee_id, d.day): d for d in date_availability},
            overrides=dict(ovr), time_off=dict(off), holidays=list(holidays),
            rotations={(wd, rt): emp for wd, rt, emp in rotations},
            rotation_exceptions={(d, rt): emp for d, rt, emp in rotation_exceptions},
        )

    @classmethod
    def load(cls, uow: UnitOfWork, store_id: int, start: date, end: date, *, today: date,
             settings: TimeSettings) -> Facts:
        """Load a snapshot for assignments on days in [start, end] (whole weeks around them)."""
        week_start = start - timedelta(days=(start.weekday() + 1) % 7)
        week_end = end + timedelta(days=6 - (end.weekday() + 1) % 7)
        employees = uow.employees.list(store_id=store_id)
        ids = {e.id for e in employees}
        assignments = uow.assignments.between(store_id, week_start, week_end)
        events = {e.id: e for e in uow.events.overlapping(store_id, week_start, week_end)}
        for a in assignments:
            if a.event_id not in events:
                ev = uow.events.get(a.event_id)
                if ev is not None:
                    events[ev.id] = ev
        return cls.build(
            today=today, settings=settings, employees=employees, events=events.values(),
            assignments=assignments,
            weekly=[w for w in uow.weekly_availability.list() if w.employee_id in ids],
            date_availability=[d for d in uow.date_availability.list() if d.employee_id in ids
                               and week_start <= d.day <= week_end],
            overrides=[o for o in uow.overrides.list() if o.employee_id in ids
                       and o.end_date >= week_start and o.start_date <= week_end],
            time_off=[t for t in uow.time_off.list(store_id=store_id)
                      if t.end_date >= week_start and t.start_date <= week_end],
            holidays=uow.holidays.list(store_id=store_id),
            rotations=[(r.weekday, r.rotation_type, r.employee_id)
                       for r in uow.rotations.list(store_id=store_id)],
            rotation_exceptions=[(x.day, x.rotation_type, x.employee_id)
                                 for x in uow.rotation_exceptions.list(store_id=store_id)
                                 if week_start <= x.day <= week_end],
        )
