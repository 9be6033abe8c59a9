"""A small store to exercise the services: people, events, fakes for Crossmark, Slack DMs and time.

Works over any unit-of-work factory (the in-memory fake or the SQL one), so the same scenarios run in
unit and integration tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.model import (
    Actor,
    Assignment,
    AuditEntry,
    Condition,
    Employee,
    Event,
    EventType,
    JobTitle,
    Role,
    RotationAssignment,
    RotationType,
)
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.rules import detect_event_type
from core.services.scheduling import SchedulingService
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark, RemoteSchedule
from tests.fakes.notifier import FakeNotifier
from tests.fakes.uow import FakeDatabase, fake_uow_factory

TODAY = date(2025, 10, 1)
"""A Wednesday; the clock says 08:00 in Indianapolis (EDT, UTC-4)."""
NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)

MANAGER = Actor("UMANAGER", Role.MANAGER)
ADMIN = Actor("UADMIN", Role.ADMIN)
LEAD = Actor("ULEAD", Role.LEAD, "E-LEAD")
EMPLOYEE = Actor("UANN", Role.EMPLOYEE, "E-ANN")
UNLINKED = Actor("UNOBODY", Role.EMPLOYEE, None)
ACTORS = {"employee": EMPLOYEE, "lead": LEAD, "manager": MANAGER, "admin": ADMIN, "unlinked": UNLINKED}


def day(offset: int) -> date:
    """TODAY + ``offset`` days."""
    return TODAY + timedelta(days=offset)


def at(offset: int, hhmm: str) -> datetime:
    """Store-local wall time on TODAY + ``offset``."""
    return datetime.combine(day(offset), time.fromisoformat(hhmm))


class World:
    """The store, its people and events, and the fakes the services talk to."""

    def __init__(self, uow_factory: UnitOfWorkFactory | None = None) -> None:
        self.clock = FixedClock(NOW)
        self.db = FakeDatabase(clock=self.clock)
        """Only used when no ``uow_factory`` is given."""
        self.uow_factory: UnitOfWorkFactory = uow_factory or fake_uow_factory(self.db)
        self.crossmark = FakeCrossmark()
        self.notifier = FakeNotifier()
        self._mplans = itertools.count(31785001)
        self._reps = itertools.count(150001)

    # ---- services --------------------------------------------------------------------------

    @property
    def scheduling(self) -> SchedulingService:
        return SchedulingService(self.uow_factory, self.crossmark, self.notifier, self.clock)

    # ---- building --------------------------------------------------------------------------

    def write(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        with self.uow_factory() as uow:
            result = fn(uow)
            uow.commit()
        return result

    def read(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        with self.uow_factory() as uow:
            return fn(uow)

    def employee(
        self,
        employee_id: str,
        name: str,
        title: JobTitle = JobTitle.EVENT_SPECIALIST,
        *,
        rep_id: str | None = "auto",
        **fields: Any,
    ) -> Employee:
        rid = str(next(self._reps)) if rep_id == "auto" else rep_id
        emp = Employee(employee_id, name, job_title=title, rep_id=rid, **fields)
        return self.write(lambda uow: uow.employees.add(emp))  # type: ignore[no-any-return]

    def event(
        self,
        name: str,
        start: date,
        due: date,
        *,
        condition: Condition = Condition.UNSTAFFED,
        location: str | None = "157384",
        event_type: EventType | None = None,
        **fields: Any,
    ) -> Event:
        ev = Event(
            0,
            next(self._mplans),
            name,
            start,
            due,
            event_type=event_type or detect_event_type(name),
            condition=condition,
            location_mvid=location,
            **fields,
        )
        return self.write(lambda uow: uow.events.add(ev))  # type: ignore[no-any-return]

    def assignment(
        self, event: Event, employee_id: str, start: datetime, *, external_id: str | None = "auto"
    ) -> Assignment:
        """A confirmed assignment that Crossmark also holds."""
        sid = external_id
        if external_id == "auto":
            sid = str(self.crossmark.next_id)
            self.crossmark.next_id += 1
            self.crossmark.schedules[sid] = RemoteSchedule(
                sid, event.mplan_id, self.rep_of(employee_id), start, start + timedelta(minutes=390)
            )

        def add(uow: UnitOfWork) -> Assignment:
            row = uow.assignments.add(Assignment(0, event.id, employee_id, start, external_id=sid))
            ev = uow.events.get(event.id)
            assert ev is not None
            ev.condition = Condition.SCHEDULED
            uow.events.update(ev)
            return row

        return self.write(add)  # type: ignore[no-any-return]

    def rotation(self, weekday: int, rotation_type: RotationType, employee_id: str) -> None:
        self.write(lambda uow: uow.rotations.add(RotationAssignment(weekday, rotation_type, employee_id)))

    # ---- reading ---------------------------------------------------------------------------

    def assignments(self) -> list[Assignment]:
        return self.read(lambda uow: uow.assignments.list(store_id=1))  # type: ignore[no-any-return]

    def assignments_of(self, event_id: int) -> list[Assignment]:
        return self.read(lambda uow: uow.assignments.for_event(event_id))  # type: ignore[no-any-return]

    def get_employee(self, employee_id: str) -> Employee:
        found = self.read(lambda uow: uow.employees.get(employee_id))
        assert found is not None, employee_id
        return found  # type: ignore[no-any-return]

    def rep_of(self, employee_id: str) -> str:
        rep = self.get_employee(employee_id).rep_id
        assert rep is not None
        return rep

    def get_event(self, event_id: int) -> Event:
        return self.read(lambda uow: uow.events.get(event_id))  # type: ignore[no-any-return]

    def audit(self) -> list[AuditEntry]:
        return self.read(lambda uow: uow.audit.list())  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        """Everything a service may write, to prove that nothing changed."""

        def grab(uow: UnitOfWork) -> dict[str, Any]:
            return {
                "employees": uow.employees.list(),
                "events": uow.events.list(),
                "assignments": uow.assignments.list(),
                "weekly": uow.weekly_availability.list(),
                "dates": uow.date_availability.list(),
                "overrides": uow.overrides.list(),
                "time_off": uow.time_off.list(),
                "requests": uow.time_off_requests.list(),
                "rotations": uow.rotations.list(),
                "exceptions": uow.rotation_exceptions.list(),
                "holidays": uow.holidays.list(),
                "links": uow.slack_links.list(),
                "audit": uow.audit.list(),
                "sync_runs": uow.sync_runs.list(),
                "settings": uow.settings.all(1),
            }

        return self.read(grab)  # type: ignore[no-any-return]


def team(world: World) -> None:
    """Ann and Ben (Event Specialists), Lena (Lead, Primary Lead every day), Cara (Club Supervisor),
    Jules (Juicer Barista)."""
    from core.model import JobTitle as J

    world.employee("E-ANN", "Ann Archer", J.EVENT_SPECIALIST)
    world.employee("E-BEN", "Ben Baker", J.EVENT_SPECIALIST)
    world.employee("E-LEAD", "Lena Lopez", J.LEAD)
    world.employee("E-CARA", "Cara Cole", J.CLUB_SUPERVISOR)
    world.employee("E-JULES", "Jules Jones", J.JUICER_BARISTA)
    for weekday in range(7):
        world.rotation(weekday, RotationType.PRIMARY_LEAD, "E-LEAD")
        world.rotation(weekday, RotationType.JUICER, "E-JULES")


def core_pair(world: World, number: str = "606001", start: int = 2, due: int = 8) -> tuple[Event, Event]:
    """A Core event and its paired Supervisor event with the same window."""
    core = world.event(f"{number}-CORE-Super Pretzel", day(start), day(due))
    sup = world.event(f"{number}-Supervisor-Super Pretzel", day(start), day(due))
    return core, sup


class FakeRetailLink:
    """Just enough Retail Link for the EDR sync: ``browse`` returns the given reports."""

    def __init__(self, reports: list[Any] | None = None, *, needs_code: bool = False) -> None:
        self.reports = list(reports or [])
        self.needs_code = needs_code
        self.browsed: list[tuple[date, date, str]] = []

    def has_session(self) -> bool:
        return not self.needs_code

    def request_code(self) -> None:
        return None

    def submit_code(self, code: str) -> None:
        return None

    def edr_report(self, event_number: str) -> Any:
        raise NotImplementedError("not used by the services under test")

    def browse(self, start: date, end: date, store_number: str) -> list[Any]:
        from core.errors import NeedsMfaCode

        if self.needs_code:
            raise NeedsMfaCode("Retail Link needs a code")
        self.browsed.append((start, end, store_number))
        return list(self.reports)
