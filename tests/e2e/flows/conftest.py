"""Fixtures of the flow tests: the fake Slack, the store, the real Bolt app under uvicorn."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from devtools.fake_slack import FakeSlack
from tests.e2e.flows.harness import Flow
from tests.e2e.flows.store import USERS, flow_container, flow_settings, flow_world
from tests.e2e.slack.support import CANARY_SIGNING_SECRET, ServerThread, leaked_canaries
from tests.fakes.slack_requests import SlackRequests
from tests.unit.services.service_world import World


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API with the team's users."""
    with FakeSlack(users=USERS) as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_canary_leaks(caplog: pytest.LogCaptureFixture, fake_slack: FakeSlack) -> Iterator[None]:
    """Fail when a secret reaches a log record or anything sent to Slack."""
    caplog.set_level(logging.INFO)
    yield
    texts = [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    for call in fake_slack.calls():
        texts.append(json.dumps(call.params, default=str))
    assert not leaked_canaries(texts)


@pytest.fixture
def settings(fake_slack: FakeSlack) -> Settings:
    """Single-workspace settings aimed at the fake Slack."""
    return flow_settings(fake_slack)


@pytest.fixture
def world() -> World:
    """The store's people, links, events and fakes."""
    return flow_world()


@pytest.fixture
def container(settings: Settings, world: World) -> Iterator[Container]:
    """The container the app is built from (the composition root over the world's fakes)."""
    box = flow_container(settings, world)
    yield box
    box.close()


@pytest.fixture
def flow(container: Container, fake_slack: FakeSlack) -> Iterator[Flow]:
    """The app under uvicorn and a driver of signed requests."""
    server = ServerThread(create_asgi_app(container, build_app(container))).start()
    try:
        yield Flow(fake_slack, SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url),
                   server.url)
    finally:
        server.stop()
