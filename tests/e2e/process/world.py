"""The store of the process tests: people in the fake Slack, sandboxes, a day of Core events.

The Retail Link sandbox is wrapped in an ASGI recorder, so a test can check which requests carried
which ``Authorization`` header and how they were answered. The store's rows are written in the test
process through ``bot.bootstrap.build`` on the same SQLite file the subprocesses use.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from bot.bootstrap import build
from bot.settings import Secret, Settings
from core.model import Assignment, Condition, Employee, Event, EventType, JobTitle
from core.ports import UnitOfWork
from devtools.fake_slack import SlackUser
from devtools.sandbox import (
    CrossmarkSandbox,
    RetailLinkSandbox,
    RunningSandboxes,
    sandbox_dataset,
    serve_in_thread,
)

MIA, ANA, BOB = "U0MIA", "U0ANA", "U0BOB"
TEAM_CHANNEL = "C0TEAM"
SLACK_USERS = (
    SlackUser(MIA, "mia", "Mia Park", "mia@example.com"),
    SlackUser(ANA, "ana", "Ana Lopez", "ana@example.com"),
    SlackUser(BOB, "bob", "Bob Stone", "bob@example.com"),
)
"""Mia is the manager (listed in ``SCHEDBOT_ADMINS``); Ana and Bob work the Core events."""
EDR_REPORT_PATH = "/EventManagement/api/edrReport"
BROWSE_PATH = "/EventManagement/api/browse-event/browse-data"

Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class SeenRequest:
    """One request the Retail Link sandbox answered."""

    method: str
    path: str
    query: str
    authorization: str | None
    status: int | None


@dataclass
class RequestRecorder:
    """ASGI middleware: remembers method, path, ``Authorization`` and the status of each request."""

    app: Any
    seen: list[SeenRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status: list[int] = []

        async def recording_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            with self._lock:
                self.seen.append(SeenRequest(scope["method"], scope["path"],
                                             scope.get("query_string", b"").decode("latin-1"),
                                             headers.get("authorization"), status[0] if status else None))

    def requests(self, path: str | None = None) -> list[SeenRequest]:
        """The recorded requests (to ``path``), in the order they were answered."""
        with self._lock:
            return [r for r in self.seen if path is None or r.path == path]


@dataclass
class Sandboxes:
    """Crossmark and Retail Link sandboxes serving one dataset; ``retaillink_seen`` records requests."""

    running: RunningSandboxes
    retaillink_seen: RequestRecorder

    @property
    def retaillink(self) -> RetailLinkSandbox:
        return self.running.retaillink

    def env(self) -> dict[str, str]:
        """EXTERNAL_API_*, WALMART_*, STORE_NUMBER and STORE_TIMEZONE aimed at the sandboxes."""
        return self.running.env()

    def edr_numbers(self, count: int) -> list[str]:
        """Event numbers the Retail Link sandbox has EDR reports for."""
        return sorted(self.running.dataset.edr_events)[:count]

    def bearer_reads(self, path: str) -> list[SeenRequest]:
        """Answered (200) requests to ``path`` whose bearer token the sandbox issued."""
        issued = {f"Bearer {token}" for token in self.retaillink.issued_tokens}
        return [r for r in self.retaillink_seen.requests(path)
                if r.status == 200 and r.authorization in issued]


def pdf_text(data: bytes) -> str:
    """All text of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@contextmanager
def sandboxes(today: date) -> Iterator[Sandboxes]:
    """Serve both sandboxes on loopback for the store's ``today``."""
    dataset = sandbox_dataset(today)
    crossmark, retaillink = CrossmarkSandbox(dataset), RetailLinkSandbox(dataset)
    recorder = RequestRecorder(retaillink.app)
    crossmark_server = crossmark.serve()
    try:
        retaillink_server = serve_in_thread(recorder)
    except Exception:
        crossmark_server.stop()
        raise
    running = RunningSandboxes(dataset, crossmark, retaillink, crossmark_server, retaillink_server)
    try:
        yield Sandboxes(running, recorder)
    finally:
        running.stop()


def store_today(timezone: str) -> date:
    """Today in the store's timezone."""
    return datetime.now(ZoneInfo(timezone)).date()


@contextmanager
def store_database(url: str, key: str, store_number: str,
                   timezone: str) -> Iterator[Callable[[], UnitOfWork]]:
    """Units of work on the schedbot database at ``url``, wired by ``bot.bootstrap.build``."""
    settings = Settings(database_url=url, settings_encryption_key=Secret(key), store_number=store_number,
                        store_timezone=timezone)
    container = build(settings, crossmark=None, retaillink=None)
    try:
        yield container.uow_factory
    finally:
        container.close()


def seed_day(uow_factory: Callable[[], UnitOfWork], day: date, numbers: Sequence[str]) -> None:
    """Mia (club supervisor), Ana and Bob; one Core event per EDR number on ``day`` and a Supervisor."""
    with uow_factory() as uow:
        uow.employees.add(Employee("E-MIA", "Mia Park", job_title=JobTitle.CLUB_SUPERVISOR,
                                   email="mia@example.com", rep_id="1003"))
        uow.employees.add(Employee("E-ANA", "Ana Lopez", email="ana@example.com", rep_id="1001"))
        uow.employees.add(Employee("E-BOB", "Bob Stone", job_title=JobTitle.LEAD, rep_id="1002"))
        people, starts = ("E-ANA", "E-BOB"), (time(10, 45), time(11, 15))
        for index, number in enumerate(numbers):
            event = uow.events.add(Event(0, 9000 + index, f"{number}-CORE-Sandbox Demo {index + 1}", day, day,
                                         event_type=EventType.CORE, condition=Condition.SCHEDULED))
            uow.assignments.add(Assignment(0, event.id, people[index % 2],
                                           datetime.combine(day, starts[index % 2])))
        supervisor = uow.events.add(Event(0, 9100, f"{numbers[0]}-Supervisor-Sandbox Demo", day, day,
                                          event_type=EventType.SUPERVISOR, condition=Condition.SCHEDULED))
        uow.assignments.add(Assignment(0, supervisor.id, "E-MIA", datetime.combine(day, time(12, 0))))
        uow.commit()
