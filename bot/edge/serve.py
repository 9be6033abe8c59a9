"""Running the Slack edge: HTTP under uvicorn, or Socket Mode for teams without a public URL."""

from __future__ import annotations

import asyncio
import logging
import signal
from types import FrameType

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.slack.app import SlackConfigError, build_app

log = logging.getLogger(__name__)


def http_server(container: Container, host: str, port: int) -> uvicorn.Server:
    """A configured (not yet started) uvicorn server for the ASGI app."""
    config = uvicorn.Config(create_asgi_app(container), host=host, port=port, log_config=None,
                            access_log=False, lifespan="off", timeout_graceful_shutdown=10)
    return uvicorn.Server(config)


class Stopped(SystemExit):
    """SIGTERM after a graceful shutdown: leave with status 0 once the container is closed."""


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stopped(0)


def serve_http(container: Container, host: str = "127.0.0.1", port: int = 3000) -> None:
    """Serve ``POST /slack/events`` and ``GET /health`` until interrupted.

    uvicorn finishes the requests in flight on SIGTERM and then re-raises the signal; our handler
    turns it into a normal exit, so the worker pool (post-ack work) and the engine are closed.
    """
    server = http_server(container, host, port)
    log.info("serving Slack over HTTP on %s:%d", host, port)
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        container.close()


async def run_socket_mode(container: Container) -> None:
    """Connect to Slack with ``SLACK_APP_TOKEN`` and handle requests until cancelled."""
    app_token = container.settings.slack_app_token.reveal()
    if not app_token:
        raise SlackConfigError("Socket Mode needs SLACK_APP_TOKEN (an xapp- token)")
    handler = AsyncSocketModeHandler(build_app(container, socket_mode=True), app_token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("connecting to Slack in Socket Mode")
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await stop.wait()
        log.info("Socket Mode stopping")
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await handler.close_async()  # type: ignore[no-untyped-call]


def serve_socket_mode(container: Container) -> None:
    """Blocking Socket Mode loop (Ctrl-C to stop)."""
    try:
        asyncio.run(run_socket_mode(container))
    except KeyboardInterrupt:
        log.info("Socket Mode stopped")
    finally:
        container.close()
