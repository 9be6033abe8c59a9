"""The ack path: no database or identity work before the ack is handed to the HTTP server,
acknowledgements answered as given, redelivered events skipped after the ack."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.listener_matcher.async_builtins import AsyncBuiltinListenerMatcher

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.slack.ack_delivery import current_delivery
from bot.slack.app import build_app
from bot.slack.identity import ACTOR_PENDING_KEY, ActorLookup, current_actor
from bot.slack.listener_matching import BodyMatcher
from bot.slack.schedbot_app import SchedbotApp
from core.model import Actor, Role
from devtools.fake_slack import FakeSlack
from tests.e2e.slack.conftest import ACK_DEADLINE_SECONDS, add_test_listeners
from tests.e2e.slack.support import Probe, ServerThread
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

Post = Callable[[SignedRequest], httpx.Response]


class WatchedDatabase:
    """A unit-of-work factory noting, for every transaction, whether its request was answered yet."""

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self.lock = threading.Lock()
        self.before_answer: list[bool] = []

    def __call__(self) -> FakeUnitOfWork:
        delivery = current_delivery.get()
        with self.lock:
            self.before_answer.append(delivery is not None and not delivery.is_handed_off)
        return FakeUnitOfWork(self.database)


@pytest.fixture
def watched(
    container: Container, database: FakeDatabase, probe: Probe
) -> Iterator[tuple[Post, WatchedDatabase]]:
    watch = WatchedDatabase(database)
    box = build(container.settings, uow_factory=watch)
    app = build_app(box)
    add_test_listeners(app, probe)

    @app.action("whoami_button")
    async def whoami_button(ack: AsyncAck, context: dict[str, Any]) -> None:
        await ack()
        probe.record("whoami_button", actor=await current_actor(context))

    running = ServerThread(create_asgi_app(box, app)).start()

    def send(request: SignedRequest) -> httpx.Response:
        return httpx.post(f"{running.url}/slack/events", content=request.body, headers=request.headers,
                          timeout=ACK_DEADLINE_SECONDS)

    yield send, watch
    running.stop()
    box.close()


def test_no_transaction_runs_before_the_ack_of_a_command_a_click_or_an_event(
    watched: tuple[Post, WatchedDatabase], slack: SlackRequests, probe: Probe
) -> None:
    post, watch = watched

    assert post(slack.slash_command("whoami", user_id="U0ANA")).status_code == 200
    assert post(slack.block_actions("whoami_button", user_id="U0BOB")).status_code == 200
    assert post(slack.event({"type": "app_mention", "user": "U0ANA", "text": "hi", "channel": "C0TEAM",
                             "ts": "1700000000.000200"}, event_id="Ev0WATCHED")).status_code == 200
    probe.wait("whoami")
    probe.wait("whoami_button")
    probe.wait("app_mention")

    assert watch.before_answer, "the listeners did use the database"
    assert not any(watch.before_answer)


def test_the_actor_is_resolved_once_and_only_when_asked() -> None:
    calls: list[str] = []

    async def resolve() -> Actor | None:
        calls.append("resolve")
        await asyncio.sleep(0)
        return Actor("U0ANA", Role.EMPLOYEE, "E1")

    async def scenario() -> list[Actor | None]:
        lookup = ActorLookup(resolve)
        context = {ACTOR_PENDING_KEY: lookup}
        assert not lookup.started and calls == []
        return list(await asyncio.gather(current_actor(context), current_actor(context)))

    first, second = asyncio.run(scenario())

    assert first == second == Actor("U0ANA", Role.EMPLOYEE, "E1")
    assert calls == ["resolve"]


@pytest.fixture
def extra_listeners(bolt_app: AsyncApp, probe: Probe) -> AsyncApp:
    @bolt_app.command("/hello")
    async def hello(ack: AsyncAck) -> None:
        await ack("hello there")
        probe.record("hello")

    @bolt_app.action("silent_button")
    async def silent(body: dict[str, Any]) -> None:
        probe.record("silent_button")

    return bolt_app


def test_a_command_acknowledged_with_text_answers_with_that_text(
    extra_listeners: AsyncApp, post: Post, slack: SlackRequests, probe: Probe
) -> None:
    request = slack.slash_command("", user_id="U0ANA", command="/hello")

    answer = post(request)

    assert answer.status_code == 200
    assert answer.text == "hello there"
    probe.wait("hello")


def test_a_listener_that_never_acks_leaves_the_request_unhandled_and_says_so(
    extra_listeners: AsyncApp, post: Post, slack: SlackRequests, probe: Probe,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answer = post(slack.block_actions("silent_button", user_id="U0ANA"))

    assert answer.status_code == 404
    probe.wait("silent_button")
    assert any("didn't call ack()" in r.getMessage() for r in caplog.records)


def test_a_redelivered_event_is_acked_and_skipped_quietly(
    post: Post, slack: SlackRequests, probe: Probe, caplog: pytest.LogCaptureFixture
) -> None:
    event = {"type": "app_mention", "user": "U0ANA", "text": "hello", "channel": "C0TEAM",
             "ts": "1700000000.000300"}
    caplog.set_level(logging.DEBUG, logger="bot")  # other tests may have raised the level (schedbot CLI)
    assert post(slack.event(event, event_id="Ev0TWICE")).status_code == 200
    probe.wait("app_mention")
    caplog.clear()

    assert post(slack.event(event, event_id="Ev0TWICE", retry_num=1)).status_code == 200
    assert post(slack.event({"type": "reaction_added", "user": "U0ANA", "reaction": "eyes",
                             "item": {"type": "message", "channel": "C0TEAM", "ts": "1"}})).status_code == 200
    probe.wait("barrier")

    assert len(probe.of("app_mention")) == 1
    assert any("skipping duplicate event Ev0TWICE (retry 1)" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_event_is_still_processed_when_its_dedupe_insert_fails(
    container: Container, probe: Probe, slack: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    def failing_uow() -> FakeUnitOfWork:
        raise ConnectionError("database is down")

    box = build(container.settings, uow_factory=failing_uow)
    app = build_app(box)
    add_test_listeners(app, probe)
    running = ServerThread(create_asgi_app(box, app)).start()
    try:
        request = slack.event({"type": "app_mention", "user": "U0GHOST", "text": "hi", "channel": "C0TEAM",
                               "ts": "1700000000.000400"}, event_id="Ev0NODB")
        answer = httpx.post(f"{running.url}/slack/events", content=request.body, headers=request.headers,
                            timeout=ACK_DEADLINE_SECONDS)
        assert answer.status_code == 200
        assert probe.wait("app_mention")[0]["event_id"] == "Ev0NODB"
    finally:
        running.stop()
        box.close()
    assert any("dedupe of event Ev0NODB failed (ConnectionError)" in r.getMessage() for r in caplog.records)


def test_every_body_only_matcher_is_replaced_also_for_listeners_added_later(bolt_app: AsyncApp) -> None:
    assert isinstance(bolt_app, SchedbotApp)

    @bolt_app.action("added_after_build")
    async def later(ack: AsyncAck) -> None:
        await ack()

    bolt_app.prepare()

    matchers = [m for listener in bolt_app.registered_listeners() for m in listener.matchers]
    assert len(bolt_app.registered_listeners()) > 40
    assert not [m for m in matchers if isinstance(m, AsyncBuiltinListenerMatcher)]
    assert sum(isinstance(m, BodyMatcher) for m in matchers) >= len(bolt_app.registered_listeners())


def test_concurrent_first_requests_share_one_auth_test(
    server: ServerThread, slack: SlackRequests, fake_slack: FakeSlack, probe: Probe
) -> None:
    requests = [slack.slash_command("probe", user_id="U0ANA") for _ in range(12)]

    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=ACK_DEADLINE_SECONDS) as client:
            url = f"{server.url}/slack/events"
            posts = (client.post(url, content=r.body, headers=r.headers) for r in requests)
            answers = await asyncio.gather(*posts)
        return [a.status_code for a in answers]

    assert asyncio.run(burst()) == [200] * 12
    probe.wait("probe", 12)
    assert len(fake_slack.calls("auth.test")) == 1


def test_the_fake_slack_accepts_a_burst_of_connections() -> None:
    with FakeSlack() as fake:
        assert fake.listen_backlog >= 64
