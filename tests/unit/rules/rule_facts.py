"""Building rule snapshots (``Facts``) for the rule tests: a tiny club on fixed dates."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.model import (
    Assignment,
    AvailabilityOverride,
    DateAvailability,
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
from core.rules import Facts, Mode, Violation, check, detect_event_type

T = date(2025, 10, 1)
"""Today in these tests: a Wednesday."""

TYPICAL_NAMES = {
    EventType.CORE: "606001-CORE-Super Pretzel",
    EventType.JUICER: "Juicer-Production-SPCLTY 707001",
    EventType.SUPERVISOR: "606001-Supervisor-Super Pretzel",
    EventType.DIGITALS: "Digital Setup 808001",
    EventType.FREEOSK: "Freeosk Kiosk 909001",
    EventType.OTHER: "Club Reset 505001",
}


def d(offset: int) -> date:
    return T + timedelta(days=offset)


def dt(offset: int, hhmm: str) -> datetime:
    return datetime.combine(d(offset), time.fromisoformat(hhmm))


def default_start(event_type: EventType, offset: int) -> datetime:
    """An allowed start time of the type on T + offset."""
    hhmm = {
        EventType.CORE: "10:45",
        EventType.JUICER: "09:00",
        EventType.SUPERVISOR: "12:00",
        EventType.DIGITALS: "10:15",
        EventType.FREEOSK: "10:00",
        EventType.OTHER: "11:00",
    }[event_type]
    return dt(offset, hhmm)


@dataclass
class Club:
    """Mutable ingredients of a ``Facts``; ``facts()`` freezes them."""

    today: date = T
    settings: TimeSettings = field(default_factory=TimeSettings)
    employees: list[Employee] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    weekly: list[WeeklyAvailability] = field(default_factory=list)
    dates: list[DateAvailability] = field(default_factory=list)
    overrides: list[AvailabilityOverride] = field(default_factory=list)
    time_off: list[TimeOff] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    rotations: list[tuple[int, RotationType, str]] = field(default_factory=list)
    exceptions: list[tuple[date, RotationType, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._mplans = itertools.count(31785001)

    def person(self, employee_id: str, title: JobTitle = JobTitle.EVENT_SPECIALIST, **kw: Any) -> str:
        self.employees.append(
            Employee(employee_id, kw.pop("name", employee_id.title()), job_title=title, **kw)
        )
        return employee_id

    def event(
        self, name: str | EventType = EventType.CORE, start: int = 0, due: int = 10, **kw: Any
    ) -> Event:
        label = TYPICAL_NAMES[name] if isinstance(name, EventType) else name
        ev = Event(
            next(self._ids),
            next(self._mplans),
            label,
            d(start),
            d(due),
            event_type=kw.pop("event_type", detect_event_type(label)),
            **kw,
        )
        self.events.append(ev)
        return ev

    def works(self, event: Event, employee_id: str, start: datetime) -> Assignment:
        a = Assignment(1000 + len(self.assignments), event.id, employee_id, start)
        self.assignments.append(a)
        return a

    def facts(self) -> Facts:
        return Facts.build(
            today=self.today,
            settings=self.settings,
            employees=self.employees,
            events=self.events,
            assignments=self.assignments,
            weekly=self.weekly,
            date_availability=self.dates,
            overrides=self.overrides,
            time_off=self.time_off,
            holidays=self.holidays,
            rotations=self.rotations,
            rotation_exceptions=self.exceptions,
        )

    def check(
        self, event: Event, employee_id: str, start: datetime, mode: Mode = Mode.MANUAL, **kw: Any
    ) -> list[Violation]:
        return check(self.facts(), event, employee_id, start, mode=mode, **kw)


def codes(violations: list[Violation]) -> set[str]:
    return {v.code.value for v in violations}
