"""Small clubs for auto-scheduler tests: people, events, rotations and a fake store around them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from core.model import (
    Actor,
    Assignment,
    Employee,
    Event,
    Holiday,
    JobTitle,
    Role,
    RotationAssignment,
    RotationException,
    RotationType,
    TimeOff,
    TimeSettings,
    WeeklyAvailability,
)
from core.ports import UnitOfWork
from core.rules import Facts, detect_event_type
from core.scheduling.engine import Outcome, Request, finish, prepare
from core.scheduling.solve import SolveOptions, solve
from core.services.autoschedule import AutoScheduleService
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.notifier import FakeNotifier
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

TODAY = date(2025, 10, 1)
"""A Wednesday. T+n below means TODAY + n days."""
NOW = datetime(2025, 10, 1, 15, 0, tzinfo=UTC)
FAST = SolveOptions(max_seconds=20.0, num_workers=1, max_deterministic_time=4.0)
MANAGER = Actor("U_MANAGER", Role.MANAGER)
OTHER_MANAGER = Actor("U_OTHER", Role.MANAGER)
LEAD = Actor("U_LEAD", Role.LEAD, employee_id="L1")
EMPLOYEE = Actor("U_EMP", Role.EMPLOYEE, employee_id="E1")

ES, LEAD_T, CLUB, BARISTA = (JobTitle.EVENT_SPECIALIST, JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR,
                             JobTitle.JUICER_BARISTA)
_ids = itertools.count(1)


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def at(n: int, hhmm: str) -> datetime:
    return datetime.combine(day(n), time.fromisoformat(hhmm))


def person(eid: str, title: JobTitle = ES, *, rep: bool = True, **kw: object) -> Employee:
    rep_id = "15" + "".join(str(ord(ch) % 10) for ch in eid) if rep else None
    return Employee(eid, f"Name {eid}", job_title=title, rep_id=rep_id, **kw)  # type: ignore[arg-type]


def event(eid: int, name: str, start: int, due: int, **kw: object) -> Event:
    fields: dict[str, object] = {"location_mvid": "157384", **kw}
    return Event(eid, 31000000 + eid, name, day(start), day(due), event_type=detect_event_type(name),
                 **fields)  # type: ignore[arg-type]


def core_pair(number: int, eid: int, start: int, due: int) -> list[Event]:
    """A Core and its Supervisor event (ids ``eid`` and ``eid + 1``)."""
    return [event(eid, f"{number}-CORE-Product", start, due),
            event(eid + 1, f"{number}-Supervisor-Product", start, due)]


@dataclass
class Club:
    employees: list[Employee] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    weekly: list[WeeklyAvailability] = field(default_factory=list)
    time_off: list[TimeOff] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    rotations: list[tuple[int, RotationType, str]] = field(default_factory=list)
    exceptions: list[tuple[date, RotationType, str]] = field(default_factory=list)
    settings: TimeSettings = field(default_factory=TimeSettings)

    def off(self, eid: str, first: int, last: int) -> Club:
        self.time_off.append(TimeOff(next(_ids), eid, day(first), day(last), "test"))
        return self

    def rotate(self, kind: RotationType, eid: str, weekdays: Iterable[int] = range(7)) -> Club:
        self.rotations = [r for r in self.rotations if not (r[1] is kind and r[0] in set(weekdays))]
        self.rotations += [(wd, kind, eid) for wd in weekdays]
        return self

    def confirm(self, event_id: int, eid: str, start: datetime, aid: int | None = None) -> Assignment:
        a = Assignment(aid or 9000 + len(self.assignments), event_id, eid, start, external_id=f"X{event_id}")
        self.assignments.append(a)
        return a

    def facts(self) -> Facts:
        return Facts.build(today=TODAY, settings=self.settings, employees=self.employees, events=self.events,
                           assignments=self.assignments, weekly=self.weekly, time_off=self.time_off,
                           holidays=self.holidays, rotations=self.rotations,
                           rotation_exceptions=self.exceptions)

    def plan(self, days: int = 14, **request: object) -> Outcome:
        """Run the engine (prepare, solve, finish) without persistence."""
        req = Request(days=tuple(day(k) for k in range(1, days + 1)), **request)  # type: ignore[arg-type]
        prep = prepare(self.facts(), req)
        return finish(prep, solve(prep.problem, FAST))

    def seed(self, make: Callable[[], UnitOfWork]) -> None:
        """Store everything through units of work from ``make``."""
        with make() as uow:
            for e in self.employees:
                uow.employees.add(e)
            for ev in self.events:
                uow.events.add(ev)
            for a in self.assignments:
                uow.assignments.add(a)
            for w in self.weekly:
                uow.weekly_availability.add(w)
            for t in self.time_off:
                uow.time_off.add(t)
            for h in self.holidays:
                uow.holidays.add(h)
            for wd, kind, eid in self.rotations:
                uow.rotations.add(RotationAssignment(wd, kind, eid))
            for d, kind, eid in self.exceptions:
                uow.rotation_exceptions.add(RotationException(0, d, kind, eid))
            uow.commit()


@dataclass
class Store:
    db: FakeDatabase
    crossmark: FakeCrossmark
    notifier: FakeNotifier
    clock: FixedClock
    service: AutoScheduleService

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)

    def assignments(self) -> list[Assignment]:
        with self.uow() as uow:
            return uow.assignments.list()


def store(club: Club, options: SolveOptions = FAST) -> Store:
    clock = FixedClock(NOW)
    db = FakeDatabase(clock=clock)
    club.seed(fake_uow_factory(db))
    crossmark, notifier = FakeCrossmark(), FakeNotifier()
    service = AutoScheduleService(fake_uow_factory(db), crossmark, clock, notifier, solve_options=options)
    return Store(db, crossmark, notifier, clock, service)


def basic_team() -> list[Employee]:
    """Two Club Supervisors, three Leads, two Juicer Baristas, five Event Specialists."""
    return ([person("C1", CLUB), person("C2", CLUB), person("L1", LEAD_T), person("L2", LEAD_T),
             person("L3", LEAD_T), person("J1", BARISTA), person("J2", BARISTA)]
            + [person(f"E{i}") for i in range(1, 6)])


def placements(outcome: Outcome) -> dict[int, tuple[str, datetime]]:
    return {p.event_id: (p.employee_id, p.start) for p in outcome.planned}


def codes_of(outcome: Outcome, event_id: int) -> Sequence[str]:
    return next(u.explanation.reason_codes for u in outcome.unplaced if u.event_id == event_id)
