"""Fixtures of the clock tests: a job context over a real database and a job that counts its runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest

from bot.bootstrap import build
from bot.jobs.context import JobContext, context_from
from bot.settings import Settings
from core.ports import UnitOfWork
from tests.fakes.clock import FixedClock
from tests.fakes.notifier import FakeNotifier

ZONE = "America/Indiana/Indianapolis"


@dataclass
class Counter:
    """A job body that records the store-local day of every run."""

    days: list[date] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)

    def __call__(self, ctx: JobContext, day: date) -> str:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(30)
        with self.lock:
            self.days.append(day)
        return f"ran for {day}"

    @property
    def runs(self) -> int:
        with self.lock:
            return len(self.days)


UNREACHABLE_SLACK = "http://127.0.0.1:9/api/"
"""These jobs do not talk to Slack: a call would fail at once (nothing listens on the discard port)."""


def job_context(uow_factory: Callable[[], UnitOfWork], clock: FixedClock, *,
                team_channel: str = "C0TEAM") -> JobContext:
    """A context over ``uow_factory`` with the store in Indianapolis."""
    settings = Settings(store_timezone=ZONE, team_channel=team_channel, slack_api_url=UNREACHABLE_SLACK)
    container = build(settings, uow_factory=uow_factory, clock=clock, notifier=FakeNotifier(),
                      crossmark=None, retaillink=None)
    return context_from(container)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def counter() -> Counter:
    return Counter()
