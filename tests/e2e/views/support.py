"""A small store for the schedule-view tests, and a driver that talks to the app like Slack does."""

from __future__ import annotations

import itertools
import json
import time as clock_time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from core.model import (
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    JobTitle,
    Role,
    RotationAssignment,
    RotationType,
    SlackLink,
)
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.rules import detect_event_type
from devtools.fake_slack import FakeSlack, Message, SlackUser
from tests.fakes.crossmark import FakeCrossmark, RemoteSchedule
from tests.fakes.slack_requests import SignedRequest, SlackRequests

TODAY = date(2025, 10, 1)
"""A Wednesday; the clock says 08:00 in Indianapolis."""
NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
WAIT_SECONDS = 15.0

EMPLOYEE, OTHER_EMPLOYEE, LEAD, MANAGER, ADMIN, UNLINKED = (
    "U0ANN", "U0BEN", "U0LENA", "U0MGR", "U0ADMIN", "U0NOBODY")
ACTORS = {"employee": EMPLOYEE, "lead": LEAD, "manager": MANAGER, "admin": ADMIN, "unlinked": UNLINKED}
SLACK_USERS = tuple(SlackUser(uid, uid.lower()[2:], f"User {uid}", None) for uid in (
    EMPLOYEE, OTHER_EMPLOYEE, LEAD, MANAGER, ADMIN, UNLINKED, "U0CARA", "U0JULES", "U0JO"))


def day(offset: int) -> date:
    """TODAY + ``offset`` days."""
    return TODAY + timedelta(days=offset)


def at(offset: int, hhmm: str) -> datetime:
    """Store-local wall time on TODAY + ``offset``."""
    return datetime.combine(day(offset), time.fromisoformat(hhmm))


class SlowFactory:
    """A unit-of-work factory that can be told to take ``delay`` seconds per unit (a stalled database)."""

    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self.inner = inner
        self.delay = 0.0

    def __call__(self) -> UnitOfWork:
        if self.delay:
            clock_time.sleep(self.delay)
        return self.inner()


class Store:
    """People, links, rotations and events of one store, written through a unit of work."""

    def __init__(self, uow_factory: UnitOfWorkFactory, crossmark: FakeCrossmark) -> None:
        self.uow_factory = uow_factory
        self.crossmark = crossmark
        self._mplans = itertools.count(31785001)
        self._reps = itertools.count(150001)

    def write(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        with self.uow_factory() as uow:
            result = fn(uow)
            uow.commit()
        return result

    def read(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        with self.uow_factory() as uow:
            return fn(uow)

    def person(self, employee_id: str, name: str, title: JobTitle, slack: str | None = None,
               role: Role | None = None) -> Employee:
        emp = Employee(employee_id, name, job_title=title, rep_id=str(next(self._reps)))

        def add(uow: UnitOfWork) -> Employee:
            row = uow.employees.add(emp)
            if slack is not None:
                uow.slack_links.add(SlackLink(slack, role or Role.EMPLOYEE, employee_id=employee_id))
            return row
        return self.write(add)  # type: ignore[no-any-return]

    def event(self, name: str, first: int, last: int, *, event_type: EventType | None = None,
              condition: Condition = Condition.UNSTAFFED) -> Event:
        ev = Event(0, next(self._mplans), name, day(first), day(last), location_mvid="157384",
                   event_type=event_type or detect_event_type(name), condition=condition)
        return self.write(lambda uow: uow.events.add(ev))  # type: ignore[no-any-return]

    def assign(self, event: Event, employee_id: str, start: datetime) -> Assignment:
        sid = str(self.crossmark.next_id)
        self.crossmark.next_id += 1
        rep = self.read(lambda uow: uow.employees.get(employee_id)).rep_id
        self.crossmark.schedules[sid] = RemoteSchedule(sid, event.mplan_id, rep, start,
                                                       start + timedelta(minutes=390))

        def add(uow: UnitOfWork) -> Assignment:
            row = uow.assignments.add(Assignment(0, event.id, employee_id, start, external_id=sid))
            current = uow.events.get(event.id)
            assert current is not None
            current.condition = Condition.SCHEDULED
            uow.events.update(current)
            return row
        return self.write(add)  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        """Everything a command may write, to prove that nothing changed."""
        def grab(uow: UnitOfWork) -> dict[str, Any]:
            return {"employees": uow.employees.list(), "events": uow.events.list(),
                    "assignments": uow.assignments.list(), "weekly": uow.weekly_availability.list(),
                    "dates": uow.date_availability.list(), "overrides": uow.overrides.list(),
                    "rotations": uow.rotations.list(), "exceptions": uow.rotation_exceptions.list(),
                    "holidays": uow.holidays.list(), "links": uow.slack_links.list(),
                    "audit": uow.audit.list()}
        return self.read(grab)  # type: ignore[no-any-return]


@dataclass
class Seeded:
    """Ids of the seeded events."""

    open_core: Event
    open_sup: Event
    booked_core: Event
    booked_sup: Event
    urgent_core: Event
    other_core: Event
    juicer: Event
    booked_assignment: Assignment
    other_assignment: Assignment


def seed(store: Store) -> Seeded:
    """Ann and Ben (Event Specialists), Lena (Lead, Primary Lead every day), Cara (Club Supervisor),
    Jules (Juicer Barista); a manager and an unlinked user; open, booked and urgent Core events."""
    store.person("E-ANN", "Ann Archer", JobTitle.EVENT_SPECIALIST, EMPLOYEE)
    store.person("E-BEN", "Ben Baker", JobTitle.EVENT_SPECIALIST, OTHER_EMPLOYEE)
    store.person("E-LEAD", "Lena Lopez", JobTitle.LEAD, LEAD, Role.LEAD)
    store.person("E-CARA", "Cara Cole", JobTitle.CLUB_SUPERVISOR, "U0CARA", Role.LEAD)
    store.person("E-JULES", "Jules Jones", JobTitle.JUICER_BARISTA, "U0JULES")
    store.person("E-JO", "Jo Jensen", JobTitle.JUICER_BARISTA, "U0JO")
    store.write(lambda uow: uow.slack_links.add(SlackLink(MANAGER, Role.MANAGER)))

    def rotations(uow: UnitOfWork) -> None:
        for weekday in range(7):
            uow.rotations.add(RotationAssignment(weekday, RotationType.PRIMARY_LEAD, "E-LEAD"))
            uow.rotations.add(RotationAssignment(weekday, RotationType.JUICER, "E-JULES"))
    store.write(rotations)
    open_core = store.event("606001-CORE-Super Pretzel", 2, 8)
    open_sup = store.event("606001-Supervisor-Super Pretzel", 2, 8)
    booked_core = store.event("606002-CORE-Cheese Board", 0, 6)
    booked_sup = store.event("606002-Supervisor-Cheese Board", 0, 6)
    urgent_core = store.event("606003-CORE-Apple Slices", 0, 1)
    other_core = store.event("606004-CORE-Coffee Tasting", 0, 6)
    juicer = store.event("Juicer Production Fresh", 0, 6)
    booked = store.assign(booked_core, "E-ANN", at(0, "10:45"))
    store.assign(booked_sup, "E-LEAD", at(0, "12:00"))
    other = store.assign(other_core, "E-BEN", at(1, "11:15"))
    return Seeded(open_core, open_sup, booked_core, booked_sup, urgent_core, other_core, juicer, booked,
                  other)


def rendered(message: Message) -> str:
    """A message's text and blocks as one string, for ``in`` checks."""
    return message.text + "\n" + json.dumps(message.blocks, ensure_ascii=False)


def view_param(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``view`` argument of a ``views.*`` call, decoded."""
    view = params.get("view")
    return json.loads(view) if isinstance(view, str) else dict(view or {})


def select(value: str) -> dict[str, Any]:
    """State of a static select with ``value`` chosen."""
    return {"value": {"type": "static_select", "selected_option": {"value": value}}}


def picked_date(value: str) -> dict[str, Any]:
    """State of a date picker."""
    return {"value": {"type": "datepicker", "selected_date": value}}


def typed(value: str) -> dict[str, Any]:
    """State of a text input."""
    return {"value": {"type": "plain_text_input", "value": value}}


def boxes(*values: str) -> dict[str, Any]:
    """State of checkboxes with ``values`` ticked."""
    return {"value": {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}}


class Driver:
    """Sends signed requests to the app and waits for what it sends back to the fake Slack."""

    def __init__(self, post: Callable[[SignedRequest], httpx.Response], slack: SlackRequests,
                 fake: FakeSlack) -> None:
        self.post = post
        self.slack = slack
        self.fake = fake
        self._keys = itertools.count(1)

    def _key(self) -> str:
        return f"K{next(self._keys):05d}"

    def responses(self, key: str, count: int = 1) -> list[Message]:
        """Messages posted to the response URL ``key`` (waits for ``count`` of them)."""
        deadline = clock_time.monotonic() + WAIT_SECONDS
        while True:
            found = self.fake.messages(f"response:{key}")
            if len(found) >= count:
                return found
            if clock_time.monotonic() > deadline:
                raise TimeoutError(f"{len(found)} of {count} response(s) to {key}")
            clock_time.sleep(0.02)

    def command(self, text: str, user: str = MANAGER, *, command: str = "/sched") -> Message:
        """Run a slash command; its first reply."""
        key = self._key()
        response = self.post(self.slack.slash_command(text, user_id=user, command=command,
                                                      response_url=self.fake.response_url(key)))
        assert response.status_code == 200, response.text
        return self.responses(key)[0]

    def click(self, action_id: str, value: str, user: str = MANAGER, *,
              view: Mapping[str, Any] | None = None) -> tuple[httpx.Response, str]:
        """Click a button; the HTTP answer and the response-URL key of the click."""
        key = self._key()
        response = self.post(self.slack.block_actions(action_id, value=value, user_id=user, view=view,
                                                      response_url=self.fake.response_url(key)))
        return response, key

    def submit(self, callback_id: str, values: Mapping[str, Any], user: str = MANAGER, *,
               metadata: str = "", view_id: str = "V0MODAL") -> httpx.Response:
        """Submit a modal; the acknowledgement (JSON body when it has one)."""
        return self.post(self.slack.view_submission(callback_id, values, user_id=user,
                                                    private_metadata=metadata, view_id=view_id))

    def opened_view(self, count: int = 1) -> dict[str, Any]:
        """The view of the ``count``-th ``views.open`` call."""
        return view_param(self.fake.wait_for("views.open", count)[count - 1].params)

    def home(self, user: str) -> dict[str, Any]:
        """Open the Home tab; the published view."""
        before = len(self.fake.calls("views.publish"))
        response = self.post(self.slack.app_home_opened(user))
        assert response.status_code == 200
        call = self.fake.wait_for("views.publish", before + 1)[before]
        assert call.params["user_id"] == user
        return view_param(call.params)
