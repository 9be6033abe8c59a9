"""A small store for the clock and packet end-to-end tests: people, Slack links, Core events, shifts.

Two Core events on ``DAY`` carry event numbers the Retail Link sandbox knows, so their EDR pages can
be fetched once a code is entered; a Supervisor line completes the day.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from core.model import (
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    JobTitle,
    Role,
    SlackLink,
)
from devtools.fake_slack import SlackUser
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

ZONE = "America/Indiana/Indianapolis"
TZ = ZoneInfo(ZONE)
DAY = date(2026, 11, 3)
TEAM = "T0STORE"
ANA, BOB, MIA, ADMIN, ZED = "U0ANA", "U0BOB", "U0MIA", "U0ADMIN", "U0ZED"
SEED_USERS = (
    SlackUser(ANA, "ana", "Ana Lopez", "ana@example.com"),
    SlackUser(BOB, "bob", "Bob Stone", "bob@example.com"),
    SlackUser(MIA, "mia", "Mia Park", "mia@example.com"),
    SlackUser(ADMIN, "root", "Rita Admin", "rita@example.com"),
    SlackUser(ZED, "zed", "Zed Unlinked", "zed@example.com"),
)
MANAGERS = (MIA, ADMIN)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A store-local aware instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def seed_people(db: FakeDatabase) -> None:
    """Ana (specialist), Bob (lead), Mia (club supervisor, manager) and their Slack links."""
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee("E-ANA", "Ana Lopez", email="ana@example.com", rep_id="1001"))
        uow.employees.add(Employee("E-BOB", "Bob Stone", job_title=JobTitle.LEAD, rep_id="1002"))
        uow.employees.add(Employee("E-MIA", "Mia Park", job_title=JobTitle.CLUB_SUPERVISOR, rep_id="1003"))
        uow.slack_links.add(SlackLink(ANA, Role.EMPLOYEE, TEAM, employee_id="E-ANA"))
        uow.slack_links.add(SlackLink(BOB, Role.LEAD, TEAM, employee_id="E-BOB"))
        uow.slack_links.add(SlackLink(MIA, Role.MANAGER, TEAM, employee_id="E-MIA"))
        uow.commit()


def seed_day(db: FakeDatabase, day: date, numbers: Sequence[str]) -> None:
    """Core events (one per number) for Ana and Bob on ``day``, and Mia's Supervisor line."""
    with FakeUnitOfWork(db) as uow:
        people = ("E-ANA", "E-BOB")
        starts = (time(10, 45), time(11, 15))
        for index, number in enumerate(numbers):
            event = uow.events.add(Event(0, 9000 + index, f"{number}-CORE-Sandbox Demo {index + 1}",
                                         day, day, event_type=EventType.CORE, condition=Condition.SCHEDULED))
            uow.assignments.add(Assignment(0, event.id, people[index % 2],
                                           datetime.combine(day, starts[index % 2])))
        supervisor = uow.events.add(Event(0, 9100, f"{numbers[0]}-Supervisor-Sandbox Demo", day, day,
                                          event_type=EventType.SUPERVISOR, condition=Condition.SCHEDULED))
        uow.assignments.add(Assignment(0, supervisor.id, "E-MIA", datetime.combine(day, time(12, 0))))
        uow.commit()


def pdf_text(data: bytes) -> str:
    """All text of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(data: bytes) -> int:
    """Pages of a PDF."""
    return len(PdfReader(io.BytesIO(data)).pages)
