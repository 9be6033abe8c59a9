"""Fixtures of the team tests: the Slack edge fixtures of ``tests/e2e/slack`` over a container whose
services are the real core services on the in-memory database, a fixed clock and a fake Crossmark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.bootstrap import build
from bot.container import Container
from bot.settings import Settings
from core.model import Role, SlackLink
from core.scheduling.solve import SolveOptions
from devtools.fake_slack import FakeSlack, SlackUser
from tests.e2e.slack import conftest as edge
from tests.e2e.slack.support import CANARY_BOT_TOKEN
from tests.e2e.team.support import FileHost
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.slack_requests import SignedRequest
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
"""Wednesday 10/01/2025, 08:00 in the store (Indianapolis)."""
MANAGER_ID = "U0BOB"
FAST_SOLVE = SolveOptions(max_seconds=20.0, num_workers=1, max_deterministic_time=4.0)
TEAM_USERS = (
    SlackUser("U0NORA", "nora", "Nora New", None),
    SlackUser("U0ANN", "ann", "Ann Archer", "ann.archer@example.com"),
    SlackUser("U0TWIN1", "twin1", "Sam Twin", None),
    SlackUser("U0TWIN2", "twin2", "Sam Twin", None),
    SlackUser("U0HELPER", "helper", "Helper Bot", None, is_bot=True),
)

Post = Callable[[SignedRequest], httpx.Response]

bolt_app = edge.bolt_app
no_canary_leaks = edge.no_canary_leaks
post = edge.post
probe = edge.probe
server = edge.server
settings = edge.settings
slack = edge.slack


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API with the edge tests' users plus the team's."""
    with FakeSlack(users=(*edge.SEED_USERS, *TEAM_USERS)) as fake:
        yield fake


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def database(clock: FixedClock) -> FakeDatabase:
    """The in-memory database, with Bob as a linked manager."""
    db = FakeDatabase(clock=clock)
    with FakeUnitOfWork(db) as uow:
        uow.slack_links.add(SlackLink(MANAGER_ID, Role.MANAGER, "T0STORE"))
        uow.commit()
    return db


@pytest.fixture
def crossmark() -> FakeCrossmark:
    return FakeCrossmark()


@pytest.fixture
def container(settings: Settings, database: FakeDatabase, clock: FixedClock,
              crossmark: FakeCrossmark) -> Iterator[Container]:
    """The container of the running app: real core services over the fakes, DMs through fake Slack."""
    box = build(settings, uow_factory=lambda: FakeUnitOfWork(database), clock=clock, crossmark=crossmark,
                retaillink=None, solve_options=FAST_SOLVE, pace_seconds=0, blocking_workers=4)
    yield box
    box.close()


@pytest.fixture
def files(fake_slack: FakeSlack) -> Iterator[FileHost]:
    """Where uploaded files are downloaded from (bot token required)."""
    with FileHost(fake_slack, CANARY_BOT_TOKEN) as host:
        yield host
