"""Read models of the schedule views (plain frozen dataclasses, ready to render)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from core.model import (
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    SyncRun,
    TimeOff,
    TimeOffRequest,
    WeeklyAvailability,
)

NORMAL_MAX_EVENTS = 12
HIGH_MAX_EVENTS = 18


@dataclass(frozen=True)
class ScheduledRow:
    """One assignment with the names and times a schedule view shows."""

    assignment_id: int
    event_id: int
    event_name: str
    event_type: EventType
    condition: Condition
    employee_id: str
    employee_name: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class TimeSlot:
    """Everything starting at one time of a day."""

    start: time
    rows: tuple[ScheduledRow, ...]


@dataclass(frozen=True)
class DaySchedule:
    """A day grouped by start time, with open events that could still be worked that day."""

    day: date
    slots: tuple[TimeSlot, ...]
    unstaffed: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()
    off: tuple[str, ...] = ()
    """Names of people with approved time off that day."""
    holiday: str | None = None

    @property
    def rows(self) -> tuple[ScheduledRow, ...]:
        """Every assignment of the day, by time."""
        return tuple(r for s in self.slots for r in s.rows)


@dataclass(frozen=True)
class WeekSchedule:
    """Sunday to Saturday."""

    start: date
    days: tuple[DaySchedule, ...]


@dataclass(frozen=True)
class EmployeeSchedule:
    """One person's assignments over a period, with their time off and open requests."""

    employee: Employee
    start: date
    end: date
    rows: tuple[ScheduledRow, ...]
    time_off: tuple[TimeOff, ...] = ()
    pending_requests: tuple[TimeOffRequest, ...] = ()


@dataclass(frozen=True)
class EventRow:
    """An event of a list, with its assignment if it has one."""

    event: Event
    assignment: Assignment | None = None
    employee_name: str | None = None
    days_left: int | None = None
    """Days until the due date (0 = due today)."""
    days_overdue: int | None = None
    """For unreported work: days since it was scheduled."""


@dataclass(frozen=True)
class WeekLoad:
    """One person's load in one Sunday-to-Saturday week (R-LIM-4, R-LIM-5)."""

    week_start: date
    events: int
    work_days: int

    @property
    def band(self) -> str:
        """'normal' (≤ 12 events), 'high' (13 to 18) or 'overloaded' (≥ 19)."""
        if self.events <= NORMAL_MAX_EVENTS:
            return "normal"
        return "high" if self.events <= HIGH_MAX_EVENTS else "overloaded"


@dataclass(frozen=True)
class WorkloadRow:
    """One person's weeks in a period."""

    employee: Employee
    weeks: tuple[WeekLoad, ...]

    @property
    def total_events(self) -> int:
        """Events over the whole period."""
        return sum(w.events for w in self.weeks)


@dataclass(frozen=True)
class RosterRow:
    """A team member with their Slack link and weekly availability."""

    employee: Employee
    slack_user_id: str | None
    weekly: WeeklyAvailability


@dataclass(frozen=True)
class StatusView:
    """What the manager's home and ``/sched status`` show."""

    last_syncs: dict[str, SyncRun] = field(default_factory=dict)
    pending_proposals: int = 0
    pending_time_off: int = 0
    needs_review: tuple[Employee, ...] = ()
    jobs: dict[str, tuple[str, str, datetime | None]] = field(default_factory=dict)
    """Job name → (period, status, finished at) of its latest run."""
