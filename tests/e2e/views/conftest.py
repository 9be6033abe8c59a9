"""Fixtures: the real Bolt app over real core services, an in-memory store, the fake Slack Web API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import httpx
import pytest
from slack_bolt.async_app import AsyncApp

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.settings import Secret, Settings
from bot.slack.app import build_app
from devtools.fake_slack import FakeSlack
from tests.e2e.slack.conftest import ACK_DEADLINE_SECONDS
from tests.e2e.slack.support import (
    CANARY_BOT_TOKEN,
    CANARY_CLIENT_SECRET,
    CANARY_SIGNING_SECRET,
    ServerThread,
    leaked_canaries,
)
from tests.e2e.views.support import ADMIN, NOW, SLACK_USERS, Driver, Seeded, SlowFactory, Store, seed
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, fake_uow_factory


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API with the store's people as workspace members."""
    with FakeSlack(users=SLACK_USERS) as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_canary_leaks(caplog: pytest.LogCaptureFixture, fake_slack: FakeSlack) -> Iterator[None]:
    """No secret in any log record or anything sent to Slack."""
    caplog.set_level(logging.DEBUG)
    yield
    texts = [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    texts += [call.raw_body.decode("utf-8", "replace") for call in fake_slack.calls()]
    assert not leaked_canaries(texts)


@pytest.fixture
def settings(fake_slack: FakeSlack) -> Settings:
    """Single-workspace settings aimed at the fake Slack."""
    return Settings(slack_bot_token=Secret(CANARY_BOT_TOKEN),
                    slack_signing_secret=Secret(CANARY_SIGNING_SECRET),
                    slack_client_secret=Secret(CANARY_CLIENT_SECRET), slack_api_url=fake_slack.base_url,
                    schedbot_admins=(ADMIN,), team_channel="C0TEAM")


@pytest.fixture
def clock() -> FixedClock:
    """Wednesday 2025-10-01, 08:00 in the store."""
    return FixedClock(NOW)


@pytest.fixture
def crossmark() -> FakeCrossmark:
    """Crossmark in memory."""
    return FakeCrossmark()


@pytest.fixture
def database(clock: FixedClock) -> SlowFactory:
    """The in-memory database (its ``delay`` simulates a slow one)."""
    return SlowFactory(fake_uow_factory(FakeDatabase(clock=clock)))


@pytest.fixture
def store(database: SlowFactory, crossmark: FakeCrossmark) -> Store:
    """An empty store over the in-memory database."""
    return Store(database.inner, crossmark)


@pytest.fixture
def seeded(store: Store) -> Seeded:
    """The seeded team and events."""
    return seed(store)


@pytest.fixture
def container(settings: Settings, database: SlowFactory, clock: FixedClock, crossmark: FakeCrossmark
              ) -> Iterator[Container]:
    """The container with real core services; schedule changes DM people through the fake Slack."""
    box = build(settings, uow_factory=database, clock=clock, crossmark=crossmark, retaillink=None,
                pace_seconds=0)
    yield box
    box.close()


@pytest.fixture
def bolt_app(container: Container) -> AsyncApp:
    """The real Bolt app."""
    return build_app(container)


@pytest.fixture
def server(container: Container, bolt_app: AsyncApp) -> Iterator[ServerThread]:
    """The ASGI app under uvicorn on loopback."""
    running = ServerThread(create_asgi_app(container, bolt_app)).start()
    yield running
    running.stop()


@pytest.fixture
def slack(fake_slack: FakeSlack) -> SlackRequests:
    """Signed request builder."""
    return SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url)


@pytest.fixture
def post(server: ServerThread) -> Callable[[SignedRequest], httpx.Response]:
    """POST a signed request to /slack/events (the client gives up after Slack's 3 s)."""
    def send(request: SignedRequest) -> httpx.Response:
        return httpx.post(f"{server.url}/slack/events", content=request.body, headers=request.headers,
                          timeout=ACK_DEADLINE_SECONDS)
    return send


@pytest.fixture
def driver(post: Callable[[SignedRequest], httpx.Response], slack: SlackRequests, fake_slack: FakeSlack,
           seeded: Seeded) -> Driver:
    """Talks to the app over HTTP like Slack; the store is seeded first."""
    return Driver(post, slack, fake_slack)
