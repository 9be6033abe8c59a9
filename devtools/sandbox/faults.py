"""Fault injection and request recording for the sandbox servers (ASGI middleware).

Per path, queue faults (``inject``) or fail a share of requests at random with a seeded generator
(``fail_randomly``). A fault can act before the real handler (nothing happens upstream) or after it
(``after_handler=True``: the change is made, the reply is lost or spoilt). ``LATE`` is the third way:
the change is made only after the client may have given up. The same controls are reachable over
HTTP: ``POST /_sandbox/faults`` (JSON of :class:`Fault` plus ``path``), ``DELETE /_sandbox/faults``,
``GET /_sandbox/requests``.

Faults are chosen per path, so a schedule push, an unschedule and a planning search can each be
given their own (``inject(SCHEDULE_PATH, …)``, ``inject(PLANNING_PATH, …)``).
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from starlette.requests import cookie_parser

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL_PREFIX = "/_sandbox/"
SESSION_ENDED_PAGE = (b"<!DOCTYPE html><html><head><title>MVRetail</title></head><body>"
                      b"<h2>Your session has ended</h2><p>Your session has ended, please log in again.</p>"
                      b"<p><a href=\"/login\">Return to the login page</a></p></body></html>")
UNREADABLE_BODY = b'{"ok":1,"success":true,"MVScheduledEvent":{"ClassName":"MVScheduledmPlan","ID":'
"""A JSON answer cut short but sent whole (correct Content-Length): the reply arrives, unreadable."""


class FaultKind(StrEnum):
    STATUS = "status"
    """Answer ``status`` (with ``Retry-After`` when set)."""
    LOGIN_REDIRECT = "login_redirect"
    """302 to the login page, as an expired PHP session does."""
    SLOW = "slow"
    """Wait ``delay`` seconds before answering."""
    DROP = "drop"
    """Start a reply and close the connection half-way."""
    LATE = "late"
    """Run the handler only after ``delay`` seconds, even if the client hung up meanwhile (MVRetail
    finishing a request after the caller timed out); the answer goes to whoever still listens.
    ``after_handler`` does not apply."""
    SESSION_ENDED = "session_ended"
    """Answer 200 with an HTML "your session has ended" page (no login form, no JSON) and end the
    request's session server-side, so only a fresh login gets through."""
    UNREADABLE = "unreadable"
    """Answer ``status`` if it is a 2xx (else 200) with a complete but non-JSON body."""


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 503
    retry_after: str | None = None
    delay: float = 0.0
    times: int | None = 1
    """How many requests it hits; None = every request until cleared."""
    after_handler: bool = False


@dataclass
class RecordedRequest:
    """One request, recorded on arrival; ``status`` is filled in once the reply starts."""

    method: str
    path: str
    status: int | None
    fault: str | None = None


@dataclass
class _RandomFailures:
    rate: float
    faults: Sequence[Fault]
    rng: random.Random


@dataclass
class _Queued:
    fault: Fault
    left: int | None


@dataclass
class _Plan:
    queued: list[_Queued] = field(default_factory=list)
    random: _RandomFailures | None = None


class FaultInjector:
    """Wraps an ASGI app; ``requests`` lists every request with its final status and fault.

    ``end_session`` is called with the value of the ``session_cookie`` cookie (None without one)
    when a ``SESSION_ENDED`` fault hits, so the app forgets that session.
    """

    def __init__(self, app: ASGIApp, *, login_path: str = "/login", session_cookie: str = "PHPSESSID",
                 end_session: Callable[[str | None], None] | None = None) -> None:
        self.app = app
        self.login_path = login_path
        self.session_cookie = session_cookie
        self.end_session = end_session
        self.requests: list[RecordedRequest] = []
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def inject(self, path: str, fault: Fault) -> None:
        """Queue ``fault`` for the next ``fault.times`` requests to ``path``."""
        with self._lock:
            self._plans.setdefault(path, _Plan()).queued.append(_Queued(fault, fault.times))

    def fail_randomly(self, path: str, rate: float, faults: Sequence[Fault], seed: int = 0) -> None:
        """Fail each request to ``path`` with probability ``rate``, picking one of ``faults``."""
        with self._lock:
            self._plans.setdefault(path, _Plan()).random = _RandomFailures(
                rate, tuple(faults), random.Random(seed))

    def clear(self) -> None:
        """Remove every fault (the request log is kept)."""
        with self._lock:
            self._plans.clear()

    def count(self, path: str, *, status: int | None = None, faulted: bool | None = None) -> int:
        """How many requests reached ``path`` (optionally with that final status / faulted or not)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path
                       and (status is None or r.status == status)
                       and (faulted is None or (r.fault is not None) == faulted))

    def _take(self, path: str) -> Fault | None:
        with self._lock:
            plan = self._plans.get(path)
            if plan is None:
                return None
            while plan.queued:
                head = plan.queued[0]
                if head.left is None:
                    return head.fault
                if head.left > 0:
                    head.left -= 1
                    if head.left == 0:
                        plan.queued.pop(0)
                    return head.fault
                plan.queued.pop(0)
            chance = plan.random
            if chance is not None and chance.rng.random() < chance.rate:
                return chance.faults[chance.rng.randrange(len(chance.faults))]
            return None

    def _record(self, scope: Scope, fault: Fault | None) -> RecordedRequest:
        entry = RecordedRequest(str(scope.get("method", "")), str(scope["path"]), None,
                                fault.kind.value if fault else None)
        with self._lock:
            self.requests.append(entry)
        return entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if str(scope["path"]).startswith(CONTROL_PREFIX):
            await self._control(scope, receive, send)
            return
        fault = self._take(str(scope["path"]))
        entry = self._record(scope, fault)

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = int(message["status"])
            await send(message)

        if fault is None:
            await self.app(scope, receive, recording)
            return
        body = await _read_body(receive)
        replay = _replaying(body, receive)
        if fault.kind is FaultKind.LATE:
            await asyncio.sleep(fault.delay)
            await self.app(scope, replay, recording)
            return
        buffered: list[Message] = []
        if fault.after_handler:
            async def buffer(message: Message) -> None:
                buffered.append(message)
            await self.app(scope, replay, buffer)
        await self._misbehave(fault, scope, receive, body, recording, buffered)

    async def _misbehave(self, fault: Fault, scope: Scope, receive: Receive, body: bytes, send: Send,
                         buffered: list[Message]) -> None:
        """Answer as ``fault`` says. ``receive`` is the connection's own (its body already read into
        ``body``): a disconnect is watched for there, and a handler run late gets the body replayed."""
        if fault.kind is FaultKind.STATUS:
            headers = [(b"retry-after", fault.retry_after.encode())] if fault.retry_after else []
            await _reply(send, fault.status, {"success": False, "message": "injected failure"}, headers)
        elif fault.kind is FaultKind.LOGIN_REDIRECT:
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", self.login_path.encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
        elif fault.kind is FaultKind.SESSION_ENDED:
            if self.end_session is not None:
                self.end_session(_cookie(scope, self.session_cookie))
            await _reply_bytes(send, 200, SESSION_ENDED_PAGE, b"text/html; charset=UTF-8")
        elif fault.kind is FaultKind.UNREADABLE:
            status = fault.status if 200 <= fault.status < 300 else 200
            await _reply_bytes(send, status, UNREADABLE_BODY, b"text/html; charset=UTF-8")
        elif fault.kind is FaultKind.SLOW:
            if await _disconnected_within(fault.delay, receive):
                return
            if fault.after_handler:
                for message in buffered:
                    await send(message)
            else:
                await self.app(scope, _replaying(body, receive), send)
        else:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"success": tr', "more_body": True})

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = str(scope["path"]), str(scope.get("method"))
        if path == "/_sandbox/requests" and method == "GET":
            await _reply(send, 200, [asdict(r) for r in self.requests])
        elif path == "/_sandbox/faults" and method == "DELETE":
            self.clear()
            await _reply(send, 200, {"ok": 1})
        elif path == "/_sandbox/faults" and method == "POST":
            body = await _read_body(receive)
            try:
                spec = json.loads(body)
                target = str(spec.pop("path"))
                spec["kind"] = FaultKind(spec["kind"])
                self.inject(target, Fault(**spec))
            except (ValueError, KeyError, TypeError) as exc:
                await _reply(send, 400, {"ok": 0, "message": f"bad fault: {exc}"})
                return
            await _reply(send, 200, {"ok": 1})
        else:
            await _reply(send, 404, {"ok": 0, "message": "unknown sandbox control"})


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out the already-read body once, then defers to the real one."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


async def _disconnected_within(delay: float, receive: Receive) -> bool:
    """Wait ``delay`` seconds; True as soon as the client hangs up instead."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + delay
    while (remaining := deadline - loop.time()) > 0:
        try:
            message = await asyncio.wait_for(receive(), remaining)
        except TimeoutError:
            return False
        if message.get("type") == "http.disconnect":
            return True
        await asyncio.sleep(0.01)
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _reply(send: Send, status: int, payload: Any,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await _reply_bytes(send, status, json.dumps(payload).encode(), b"text/html; charset=UTF-8", headers)


async def _reply_bytes(send: Send, status: int, body: bytes, content_type: bytes,
                       headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _cookie(scope: Scope, name: str) -> str | None:
    """The value of cookie ``name`` in the request's ``Cookie`` header(s), if any."""
    for key, value in scope.get("headers", []):
        if bytes(key).lower() == b"cookie":
            found = cookie_parser(bytes(value).decode("latin-1")).get(name)
            if found is not None:
                return found
    return None
