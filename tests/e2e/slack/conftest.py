"""Fixtures: the fake Slack Web API, the real Bolt app under uvicorn, signed requests, canaries."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.settings import Secret, Settings
from bot.slack.app import build_app
from bot.slack.identity import require_linked
from bot.slack.subcommands import REGISTRY, SubcommandRequest, register_subcommand
from core.errors import InvalidInput, NotFound
from devtools.fake_slack import FakeSlack, SlackUser
from tests.e2e.slack.support import (
    CANARY_BOT_TOKEN,
    CANARY_CLIENT_SECRET,
    CANARY_SIGNING_SECRET,
    Probe,
    ServerThread,
    leaked_canaries,
    nap,
)
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

ADMIN_ID = "U0ADMIN"
TEST_SUBCOMMANDS = ("probe", "nap", "whoami", "mine", "fail-domain", "fail-bug")
ACK_DEADLINE_SECONDS = 3.0

SEED_USERS = (
    SlackUser("U0ANA", "ana", "Ana Lopez", "ana@example.com"),
    SlackUser("U0BOB", "bob", "Bob Stone", "bob@example.com"),
    SlackUser(ADMIN_ID, "root", "Rita Admin", "rita@example.com"),
    SlackUser("U0OWNER", "owner", "Olga Owner", "olga@example.com", is_owner=True),
    SlackUser("U0GHOST", "ghost", "Gus Host", "gus@example.com"),
)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A running fake Slack Web API with a few seeded users."""
    with FakeSlack(users=SEED_USERS) as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_canary_leaks(caplog: pytest.LogCaptureFixture, fake_slack: FakeSlack) -> Iterator[None]:
    """Fail the test when a secret shows up in a log record or in anything sent to Slack."""
    caplog.set_level(logging.DEBUG)
    yield
    texts = []
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.append(record.exc_text or "")
        if record.exc_info and record.exc_info[1] is not None:
            texts.append(repr(record.exc_info[1]))
    for call in fake_slack.calls():
        texts.append(json.dumps(call.params, default=str))
        texts.append(call.raw_body.decode("utf-8", "replace"))
    leaked = leaked_canaries(texts)
    assert not leaked, f"secrets leaked: {leaked}"


@pytest.fixture
def settings(fake_slack: FakeSlack) -> Settings:
    """Single-workspace settings with canary secrets, aimed at the fake Slack."""
    return Settings(
        slack_bot_token=Secret(CANARY_BOT_TOKEN),
        slack_signing_secret=Secret(CANARY_SIGNING_SECRET),
        slack_client_secret=Secret(CANARY_CLIENT_SECRET),
        slack_api_url=fake_slack.base_url,
        schedbot_admins=(ADMIN_ID,),
        team_channel="C0TEAM",
    )


@pytest.fixture
def database() -> FakeDatabase:
    """Committed state of the in-memory database."""
    return FakeDatabase()


@pytest.fixture
def container(settings: Settings, database: FakeDatabase) -> Iterator[Container]:
    """The container over the fake database."""
    box = build(settings, uow_factory=lambda: FakeUnitOfWork(database), blocking_workers=8)
    yield box
    box.close()


@pytest.fixture
def probe() -> Iterator[Probe]:
    """Test-only ``/sched`` subcommands that report to a ``Probe``."""
    seen = Probe()

    async def probe_cmd(req: SubcommandRequest) -> None:
        seen.record("probe", args=req.args, public=req.public, user=req.user_id)
        await req.reply(f"probe ok {' '.join(req.args)}")

    async def nap_cmd(req: SubcommandRequest) -> None:
        await nap(1.0)
        seen.record("nap", user=req.user_id)

    async def whoami(req: SubcommandRequest) -> None:
        actor = req.actor
        seen.record("whoami", actor=actor)
        text = "nobody" if actor is None else f"role={actor.role.value} employee={actor.employee_id}"
        await req.reply(text)

    async def mine(req: SubcommandRequest) -> None:
        actor = require_linked(req.actor)
        await req.reply(f"your schedule, {actor.employee_id}")

    async def fail_domain(req: SubcommandRequest) -> None:
        raise NotFound("No event 123456 in the next 14 days.")

    async def fail_bug(req: SubcommandRequest) -> None:
        raise RuntimeError("kaboom in a handler")

    for name, handler in (
        ("probe", probe_cmd),
        ("nap", nap_cmd),
        ("whoami", whoami),
        ("mine", mine),
        ("fail-domain", fail_domain),
        ("fail-bug", fail_bug),
    ):
        register_subcommand(name, handler, help=f"test {name}", examples=(f"/sched {name}",))
    yield seen
    for name in TEST_SUBCOMMANDS:
        REGISTRY.unregister(name)


def add_test_listeners(app: AsyncApp, seen: Probe) -> None:
    """Action, event and view listeners used by the tests."""

    @app.action("nap_button")
    async def nap_button(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await nap(1.0)
        seen.record("nap_button", user=body["user"]["id"])

    @app.event("app_mention")
    async def mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        seen.record("app_mention", event_id=body["event_id"], text=event.get("text"))
        if event.get("text") == "nap":
            await nap(1.0)

    @app.event("reaction_added")
    async def reaction(event: dict[str, Any], body: dict[str, Any]) -> None:
        seen.record("barrier", event_id=body["event_id"])

    @app.view("probe_modal")
    async def invalid_modal(ack: AsyncAck, body: dict[str, Any]) -> None:
        raise InvalidInput("Check the dates.", {"dates": "The end is before the start."})

    @app.view("probe_modal_bug")
    async def broken_modal(ack: AsyncAck, body: dict[str, Any]) -> None:
        raise RuntimeError("modal handler bug")


@pytest.fixture
def bolt_app(container: Container, probe: Probe) -> AsyncApp:
    """The real Bolt app plus the test listeners."""
    app = build_app(container)
    add_test_listeners(app, probe)
    return app


@pytest.fixture
def server(container: Container, bolt_app: AsyncApp) -> Iterator[ServerThread]:
    """The ASGI app under uvicorn on loopback."""
    running = ServerThread(create_asgi_app(container, bolt_app)).start()
    yield running
    running.stop()


@pytest.fixture
def slack(fake_slack: FakeSlack) -> SlackRequests:
    """Signed request builder with response_urls served by the fake Slack."""
    return SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url)


@pytest.fixture
def post(server: ServerThread) -> Callable[[SignedRequest], httpx.Response]:
    """POST a signed request to /slack/events; the client timeout is Slack's 3 s ack deadline."""

    def send(request: SignedRequest) -> httpx.Response:
        return httpx.post(
            f"{server.url}/slack/events",
            content=request.body,
            headers=request.headers,
            timeout=ACK_DEADLINE_SECONDS,
        )

    return send
