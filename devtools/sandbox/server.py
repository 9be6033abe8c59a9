"""Serve an ASGI app on a loopback socket from a background thread (tests, ``schedbot demo``)."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

import uvicorn

STARTUP_TIMEOUT = 10.0


@dataclass
class ServerHandle:
    """A running server: ``base_url`` like ``http://127.0.0.1:54321``; ``stop()`` shuts it down."""

    base_url: str
    port: int
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to exit and wait for its thread (idempotent)."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_in_thread(app: Any, *, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Start uvicorn with ``app`` on ``host:port`` (port 0 = any free port) in a daemon thread.

    Returns once the server accepts connections; raises RuntimeError if it does not start.
    """
    # asyncio only sets TCP_NODELAY on sockets whose proto is IPPROTO_TCP; without it every reply
    # waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    bound_port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=1, timeout_keep_alive=5)
    server = uvicorn.Server(config)
    started = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(_serve(server, sock, started))
        finally:
            loop.close()
            sock.close()

    thread = threading.Thread(target=run, name=f"sandbox-{bound_port}", daemon=True)
    thread.start()
    if not started.wait(STARTUP_TIMEOUT) or not server.started:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
        raise RuntimeError(f"sandbox server on {host}:{bound_port} did not start")
    return ServerHandle(base_url=f"http://{host}:{bound_port}", port=bound_port, _server=server,
                        _thread=thread)


async def _serve(server: uvicorn.Server, sock: socket.socket, started: threading.Event) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    started.set()
    await task
