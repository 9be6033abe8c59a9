"""``FakeSocketMode``: Slack's Socket Mode WebSocket on loopback, next to a ``FakeSlack`` Web API.

    with FakeSlack() as slack, FakeSocketMode(slack) as socket_mode:
        # SLACK_API_URL=slack.base_url, SLACK_APP_TOKEN=xapp-…, then start the app
        socket_mode.wait_connected()
        envelope_id = socket_mode.send_envelope("slash_commands", {"command": "/sched", ...})
        ack = socket_mode.wait_for_ack(envelope_id)

The client asks ``apps.connections.open`` of the fake Web API (with its app token) for a URL and
gets this server's ``ws://127.0.0.1:<port>/link/…``. On connect the server sends ``hello``, as
Slack does; everything the client sends back (acks, with or without a response payload) is
recorded. It runs aiohttp in a daemon thread with its own event loop.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from devtools.fake_slack.server import FakeSlack
from devtools.fake_slack.state import APP_ID

STARTUP_TIMEOUT = 10.0
LINK_PATH = "/link/"


class FakeSocketMode:
    """A Socket Mode server; ``received`` holds the JSON messages clients sent, oldest first."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        """WebSocket connections accepted so far (reconnects count)."""
        self.port = 0
        self._changed = threading.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        """Serve on a free loopback port and point the fake's ``apps.connections.open`` at it."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve())
            except BaseException as exc:  # reported by start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=run, name="fake-socket-mode", daemon=True)
        self._thread.start()
        if not ready.wait(STARTUP_TIMEOUT) or failure:
            raise RuntimeError(f"the fake Socket Mode server did not start: {failure}")
        with self.fake.state.lock:
            self.fake.state.socket_mode_url = self.ws_url
        return self

    def stop(self) -> None:
        """Close every connection and stop serving."""
        if self._thread is None or self._loop is None:
            return
        with self.fake.state.lock:
            self.fake.state.socket_mode_url = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STARTUP_TIMEOUT)
        self._thread = None

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def ws_url(self) -> str:
        """The URL ``apps.connections.open`` hands out."""
        return f"ws://127.0.0.1:{self.port}{LINK_PATH}?ticket=fake-ticket&app_id={APP_ID}"

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get(LINK_PATH, self._link)
        app.router.add_get(LINK_PATH.rstrip("/"), self._link)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _shutdown(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _link(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        with self._changed:
            self._sockets.append(ws)
            self.connections += 1
            count = self.connections
            self._changed.notify_all()
        await ws.send_json({"type": "hello", "num_connections": len(self._sockets),
                            "debug_info": {"host": "fake-socket-mode", "connection_number": count},
                            "connection_info": {"app_id": APP_ID}})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(message.data)
                except ValueError:
                    data = {"_raw": message.data}
                with self._changed:
                    self.received.append(data if isinstance(data, dict) else {"_json": data})
                    self._changed.notify_all()
        finally:
            with self._changed:
                if ws in self._sockets:
                    self._sockets.remove(ws)
                self._changed.notify_all()
        return ws

    # ---- driving a client ----------------------------------------------------------------------

    def wait_connected(self, timeout: float = 10.0) -> None:
        """Block until a client holds an open connection; ``TimeoutError`` otherwise."""
        self._wait(lambda: bool(self._sockets), timeout, "no Socket Mode client connected")

    def send(self, message: dict[str, Any], timeout: float = 5.0) -> None:
        """Send one JSON message on the newest open connection."""
        with self._changed:
            if not self._sockets:
                raise RuntimeError("no Socket Mode client is connected")
            ws = self._sockets[-1]
        if self._loop is None:
            raise RuntimeError("the fake Socket Mode server is not running")
        asyncio.run_coroutine_threadsafe(ws.send_json(message), self._loop).result(timeout)

    def send_envelope(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = True,
                      envelope_id: str | None = None) -> str:
        """Deliver a request (``slash_commands``, ``interactive``, ``events_api``); its envelope id."""
        chosen = envelope_id or str(uuid.uuid4())
        self.send({"envelope_id": chosen, "type": kind, "payload": payload,
                   "accepts_response_payload": accepts_response_payload, "retry_attempt": 0,
                   "retry_reason": ""})
        return chosen

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        """What clients sent back for ``envelope_id``."""
        with self._changed:
            return [m for m in self.received if m.get("envelope_id") == envelope_id]

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The first message a client sent back for ``envelope_id``; ``TimeoutError`` otherwise."""
        self._wait(lambda: any(m.get("envelope_id") == envelope_id for m in self.received), timeout,
                   f"no ack of envelope {envelope_id}")
        return self.acks(envelope_id)[0]

    def _wait(self, ready: Callable[[], bool], timeout: float, problem: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(problem)
                self._changed.wait(remaining)
