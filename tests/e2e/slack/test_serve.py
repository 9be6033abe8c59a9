"""Serving modes: the uvicorn server ``schedbot serve`` runs, and Socket Mode's requirements."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from bot.bootstrap import build
from bot.container import Container
from bot.edge.serve import http_server, run_socket_mode
from bot.settings import Secret, Settings
from bot.slack.app import SlackConfigError, build_app
from tests.fakes.uow import FakeUnitOfWork


def test_http_server_serves_health_and_slack_events(container: Container) -> None:
    server = http_server(container, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"

        assert httpx.get(f"{url}/health").json()["database"] == "ok"
        assert httpx.post(f"{url}/slack/events", content=b"{}").status_code == 401
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def test_socket_mode_needs_an_app_token(container: Container) -> None:
    with pytest.raises(SlackConfigError, match="SLACK_APP_TOKEN"):
        asyncio.run(run_socket_mode(container))


def test_socket_mode_app_does_not_need_a_signing_secret() -> None:
    settings = Settings(slack_bot_token=Secret("xoxb-socket"), slack_app_token=Secret("xapp-socket"))

    app = build_app(build(settings, uow_factory=FakeUnitOfWork), socket_mode=True)

    assert app.client.token == "xoxb-socket"


def test_http_server_parses_with_httptools_and_keeps_no_access_log(container: Container) -> None:
    config = http_server(container, "127.0.0.1", 0).config
    config.load()

    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    assert config.access_log is False
