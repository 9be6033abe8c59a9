"""Helpers of the Slack edge tests: uvicorn on loopback, a probe of listener calls, canaries."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import uvicorn

CANARY_SIGNING_SECRET = "canary-signing-5e1f0b7a93d2"
CANARY_BOT_TOKEN = "xoxb-canary-bot-token-8c4d2f61"
CANARY_CLIENT_SECRET = "canary-client-secret-3a9e7d05"
CANARIES = (CANARY_SIGNING_SECRET, CANARY_BOT_TOKEN, CANARY_CLIENT_SECRET)


class ServerThread:
    """An ASGI app served by uvicorn on 127.0.0.1 (free port) in a daemon thread."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_config=None,
            access_log=False,
            lifespan="off",
            loop="asyncio",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    def start(self) -> ServerThread:
        """Start and wait until the socket listens."""
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class Probe:
    """What test listeners saw, waitable from the test thread."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)

    def record(self, name: str, **data: Any) -> None:
        """Note one listener call."""
        with self.cond:
            self.calls.append((name, data))
            self.cond.notify_all()

    def of(self, name: str) -> list[dict[str, Any]]:
        """Data of every call named ``name``."""
        with self.cond:
            return [data for n, data in self.calls if n == name]

    def wait(self, name: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        """Block until ``count`` calls named ``name`` were recorded."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(found := [d for n, d in self.calls if n == name]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(found)} of {count} {name!r} call(s)")
                self.cond.wait(remaining)
            return found


def leaked_canaries(texts: Iterable[str]) -> list[str]:
    """Canary values found in any of ``texts``."""
    return sorted({c for text in texts for c in CANARIES if c in text})


async def nap(seconds: float) -> None:
    """Post-ack work stand-in."""
    await asyncio.sleep(seconds)
