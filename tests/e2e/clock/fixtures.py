"""Fixtures shared by the clock and packet end-to-end tests (imported by both conftests).

Real pieces: the Bolt app under uvicorn, the fake Slack Web API on loopback, the Retail Link sandbox
on loopback with the real adapter, ``PacketService`` with the real PDF renderer. The database is the
in-memory unit of work; the clock is fixed at 05:30 store time on ``DAY``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.jobs.context import JobContext, context_from
from bot.settings import Secret, Settings
from bot.slack.app import build_app
from core.services.packet import PacketService
from core.services.time_settings import load_time_settings
from devtools.fake_slack import FakeSlack
from devtools.sandbox import (
    SANDBOX_EDR_PASSWORD,
    SANDBOX_EDR_USERNAME,
    SANDBOX_MFA_CREDENTIAL_ID,
    RetailLinkSandbox,
    ServerHandle,
    sandbox_dataset,
)
from integrations.pdf import PdfPacketRenderer
from integrations.retaillink import RetailLinkAdapter
from tests.e2e.clock.world import ADMIN, DAY, SEED_USERS, ZONE, at, seed_people
from tests.e2e.slack.support import CANARIES, CANARY_BOT_TOKEN, CANARY_SIGNING_SECRET, ServerThread
from tests.fakes.clock import FixedClock
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, fake_uow_factory

ACK_DEADLINE_SECONDS = 3.0
SECRETS = (*CANARIES, SANDBOX_EDR_PASSWORD)
Post = Callable[[SignedRequest], httpx.Response]


@dataclass
class RetailLinkServer:
    """The Retail Link sandbox and where it listens."""

    sandbox: RetailLinkSandbox
    handle: ServerHandle


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API with the store's people."""
    with FakeSlack(users=SEED_USERS) as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_secret_leaks(caplog: pytest.LogCaptureFixture, fake_slack: FakeSlack) -> Iterator[None]:
    """Fail a test whose logs or Slack traffic contain a token, the signing secret or a password."""
    caplog.set_level(logging.DEBUG)
    yield
    texts = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    texts += [json.dumps(c.params, default=str) + c.raw_body.decode("utf-8", "replace")
              for c in fake_slack.calls()]
    leaked = sorted({secret for text in texts for secret in SECRETS if secret in text})
    assert not leaked, f"secrets leaked: {leaked}"


@pytest.fixture
def retaillink_server() -> Iterator[RetailLinkServer]:
    """The Retail Link sandbox (SMS code 123456) on a loopback port."""
    sandbox = RetailLinkSandbox(sandbox_dataset(DAY))
    handle = sandbox.serve()
    yield RetailLinkServer(sandbox, handle)
    handle.stop()


@pytest.fixture
def retaillink(retaillink_server: RetailLinkServer) -> Iterator[RetailLinkAdapter]:
    """The real Retail Link adapter aimed at the sandbox, not signed in."""
    url = retaillink_server.handle.base_url
    with RetailLinkAdapter(url, url, SANDBOX_EDR_USERNAME, SANDBOX_EDR_PASSWORD,
                           SANDBOX_MFA_CREDENTIAL_ID) as adapter:
        yield adapter


@pytest.fixture
def numbers(retaillink_server: RetailLinkServer) -> list[str]:
    """Two event numbers the sandbox has EDR reports for."""
    return sorted(retaillink_server.sandbox.data.edr_events)[:2]


@pytest.fixture
def clock() -> FixedClock:
    """05:30 store time on ``DAY``: the packet slot, before the 07:00 deadline."""
    return FixedClock(at(DAY, 5, 30))


@pytest.fixture
def database() -> FakeDatabase:
    """The store with its people and Slack links (no events yet)."""
    db = FakeDatabase()
    seed_people(db)
    return db


@pytest.fixture
def settings(fake_slack: FakeSlack) -> Settings:
    """Single-workspace settings aimed at the fake Slack, team channel C0TEAM."""
    return Settings(slack_bot_token=Secret(CANARY_BOT_TOKEN),
                    slack_signing_secret=Secret(CANARY_SIGNING_SECRET), slack_api_url=fake_slack.base_url,
                    schedbot_admins=(ADMIN,), team_channel="C0TEAM",
                    store_timezone=ZONE)


@pytest.fixture
def packet_service(database: FakeDatabase, clock: FixedClock, retaillink: RetailLinkAdapter) -> PacketService:
    """The real packet service and PDF renderer over the fake database and the sandboxed Retail Link."""
    return PacketService(fake_uow_factory(database), PdfPacketRenderer(), clock, retaillink=retaillink,
                         time_settings=load_time_settings)


@pytest.fixture
def container(settings: Settings, database: FakeDatabase, clock: FixedClock, packet_service: PacketService,
              retaillink: RetailLinkAdapter) -> Iterator[Container]:
    """The Slack edge's container with the services these features use."""
    box = build(settings, uow_factory=fake_uow_factory(database), clock=clock, crossmark=None,
                retaillink=retaillink, pace_seconds=0)
    yield box
    box.close()


@pytest.fixture
def ctx(container: Container) -> JobContext:
    """The job context the clock would use."""
    return context_from(container)


@pytest.fixture
def server(container: Container) -> Iterator[ServerThread]:
    """The real Bolt app under uvicorn on loopback."""
    running = ServerThread(create_asgi_app(container, build_app(container))).start()
    yield running
    running.stop()


@pytest.fixture
def slack(fake_slack: FakeSlack) -> SlackRequests:
    """Signed request builder; response_urls are served by the fake Slack."""
    return SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url)


@pytest.fixture
def post(server: ServerThread) -> Post:
    """POST a signed request to /slack/events within Slack's 3-second ack deadline."""
    def send(request: SignedRequest) -> httpx.Response:
        return httpx.post(f"{server.url}/slack/events", content=request.body, headers=request.headers,
                          timeout=ACK_DEADLINE_SECONDS)
    return send
