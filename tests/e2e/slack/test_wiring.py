"""How the edge is put together: listener discovery, app modes, middleware pieces, log context."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.bootstrap import build
from bot.container import Container
from bot.listeners import register_all
from bot.settings import Secret, Settings
from bot.slack.app import SlackConfigError, build_app
from bot.slack.middleware import SlackContextFilter, StickyAck, describe_request, slack_log_context
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeUnitOfWork


def test_register_all_registers_every_feature_module_of_every_listener_package(container: Container) -> None:
    app = AsyncApp(token="xoxb-wiring", signing_secret="wiring", client=container.web_client())

    registered = register_all(app, container)

    assert "bot.listeners.commands.sched" in registered
    assert "bot.listeners.events.lifecycle" in registered
    assert registered == sorted(
        registered,
        key=lambda name: (
            ["commands", "actions", "views", "events", "messages"].index(name.split(".")[2]),
            name,
        ),
    )


def test_app_needs_a_signing_secret() -> None:
    settings = Settings(slack_bot_token=Secret("xoxb-x"))

    with pytest.raises(SlackConfigError):
        build_app(build(settings, uow_factory=FakeUnitOfWork))


def test_app_needs_a_bot_token_or_a_client_id() -> None:
    settings = Settings(slack_signing_secret=Secret("s"))

    with pytest.raises(SlackConfigError):
        build_app(build(settings, uow_factory=FakeUnitOfWork))


def test_oauth_mode_needs_the_database_stores() -> None:
    settings = Settings(
        slack_signing_secret=Secret("s"), slack_client_id="1.2", slack_client_secret=Secret("c")
    )

    with pytest.raises(SlackConfigError):
        build_app(build(settings, uow_factory=FakeUnitOfWork))


def test_container_runs_blocking_calls_in_its_pool_keeping_the_log_context(container: Container) -> None:
    import asyncio
    import threading

    async def scenario() -> tuple[str, str]:
        slack_log_context.set("team=T1 user=U1 command=/sched")
        return await container.run_blocking(
            lambda: (slack_log_context.get(), threading.current_thread().name)
        )

    context, thread = asyncio.run(scenario())

    assert context == "team=T1 user=U1 command=/sched"
    assert thread.startswith("schedbot-blocking")


def test_web_client_targets_slack_api_url_and_retries_rate_limits(container: Container) -> None:
    client = container.web_client()

    assert client.base_url == container.settings.slack_api_url
    assert {type(h).__name__ for h in client.retry_handlers} == {
        "AsyncConnectionErrorRetryHandler",
        "AsyncRateLimitErrorRetryHandler",
    }


def test_sticky_ack_keeps_the_first_acknowledgement() -> None:
    ack = StickyAck()
    sent = BoltResponse(status=200, body="")

    ack.response = sent
    ack.response = None

    assert ack.response is sent


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"command": "/sched", "text": "private words"}, ("command", "/sched")),
        (
            {"type": "block_actions", "actions": [{"action_id": "run_approve", "value": "42"}]},
            ("block_actions", "run_approve"),
        ),
        ({"type": "view_submission", "view": {"callback_id": "timeoff"}}, ("view_submission", "timeoff")),
        (
            {"type": "event_callback", "event": {"type": "message", "text": "off friday"}},
            ("event", "message"),
        ),
        ({"type": "url_verification", "challenge": "x"}, ("url_verification", "-")),
    ],
)
def test_describe_request_names_ids_never_content(body: dict[str, object], expected: tuple[str, str]) -> None:
    assert describe_request(body) == expected


def test_every_log_line_of_a_request_carries_its_slack_ids(
    post: Callable[[SignedRequest], httpx.Response], slack: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    handler = logging.Handler()
    handler.addFilter(SlackContextFilter())
    seen: list[str] = []
    handler.emit = lambda record: seen.append(getattr(record, "slack", ""))  # type: ignore[method-assign]
    logging.getLogger("bot").addHandler(handler)
    caplog.set_level(logging.INFO, logger="bot")
    try:
        post(slack.slash_command("help", user_id="U0BOB"))
    finally:
        logging.getLogger("bot").removeHandler(handler)

    assert "team=T0STORE user=U0BOB command=/sched" in seen
