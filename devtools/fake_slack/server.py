"""``FakeSlack``: a local Slack Web API on 127.0.0.1 (port 0) in a background thread.

Point ``SLACK_API_URL`` at ``fake.base_url``. Every request is recorded (method, merged query/form/
JSON params, uploaded bytes; a hash instead of the bearer token). Failures can be injected per
method: ``fake.fail("chat.postMessage", "channel_not_found")``, ``fake.rate_limit("users.info",
retry_after=1)``. ``fake.response_url()`` gives a ``response_url`` whose posts are recorded too.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from devtools.fake_slack.methods import METHODS, SlackFailure
from devtools.fake_slack.state import (
    TEAM_ID,
    Call,
    Channel,
    Fault,
    Message,
    SlackUser,
    WorkspaceState,
    token_hint,
)

LABELS = {"upload": "upload", "response": "response_url"}
NO_AUTH_METHODS = frozenset({"api.test", "oauth.v2.access", "oauth.v2.exchange"})


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Params and file parts of a form, JSON or multipart body."""
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return {}, {}
    if kind == "application/json":
        data = json.loads(body.decode("utf-8"))
        return (data if isinstance(data, dict) else {"_json": data}), {}
    if kind == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition") or "file"
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                params[str(name)] = payload.decode("utf-8", "replace")
        return params, files
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}
    return {}, {"body": body}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        params: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
        content_type = self.headers.get("content-type", "")
        body_params: dict[str, Any]
        if parts.path.startswith("/upload/") and not content_type.lower().startswith("multipart/"):
            body_params, files = {}, {"body": raw}
        else:
            body_params, files = parse_body(content_type, raw)
        params.update(body_params)
        token = self._token(params)
        status, payload, headers = self.server.fake.handle(parts.path, params, raw, files, token)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8"
                         if not isinstance(payload, bytes) else "text/plain")
        self.send_header("content-length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _token(self, params: dict[str, Any]) -> str | None:
        auth = self.headers.get("authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip() or None
        if auth.lower().startswith("basic "):
            decoded = base64.b64decode(auth[6:]).decode("utf-8", "replace")
            params.setdefault("client_id", decoded.split(":", 1)[0])
            return None
        value = params.pop("token", None)
        return str(value) if value else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """Listen backlog: the default of 5 drops connections when the bot makes many calls at once
    (a burst of acks each answering on its ``response_url``), and a dropped connection is only
    retried by TCP after a second."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class FakeSlack:
    """A fake Slack workspace and Web API; use as a context manager or ``start()`` / ``stop()``."""

    def __init__(self, *, team_id: str = TEAM_ID, users: Iterable[SlackUser] = ()) -> None:
        self.state = WorkspaceState(team_id=team_id)
        self._changed = threading.Condition(self.state.lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for user in users:
            self.add_user(user)

    def start(self) -> FakeSlack:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="fake-slack", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def listen_backlog(self) -> int:
        """How many connections may wait to be accepted."""
        return _Server.request_queue_size

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self._server is None:
            raise RuntimeError("the fake Slack server is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """The value for ``SLACK_API_URL``."""
        return f"{self.root_url}/api/"

    def response_url(self, key: str | None = None) -> str:
        """A ``response_url`` served (and recorded) by the fake."""
        with self.state.lock:
            return f"{self.root_url}/response/{key or self.state.next_id('R')}"

    def add_user(self, user: SlackUser) -> SlackUser:
        """Seed a workspace member (for ``users.info`` & co.)."""
        with self.state.lock:
            self.state.users[user.id] = user
        return user

    def add_channel(self, channel: Channel) -> Channel:
        """Seed a channel."""
        with self.state.lock:
            self.state.channels[channel.id] = channel
        return channel

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer ``ok: false`` with ``error``."""
        self._add_fault(method, Fault(error=error, times=times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer 429 with ``Retry-After``."""
        self._add_fault(method, Fault(error="ratelimited", status=429, retry_after=retry_after, times=times))

    def fail_http(self, method: str, status: int = 500, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer an HTTP error status."""
        self._add_fault(method, Fault(error="fatal_error", status=status, times=times))

    def _add_fault(self, method: str, fault: Fault) -> None:
        with self.state.lock:
            self.state.faults.setdefault(method, []).append(fault)

    def handle(self, path: str, params: dict[str, Any], raw: bytes, files: dict[str, bytes],
               token: str | None) -> tuple[int, dict[str, Any] | bytes, dict[str, str]]:
        """Answer one HTTP request (called from the server threads)."""
        with self._changed:
            kind, _, name = path.strip("/").partition("/")
            label = name if kind == "api" else LABELS.get(kind, path)
            call = Call(label, params, raw, files, token_hint(token) if token else None)
            self.state.calls.append(call)
            self._changed.notify_all()
            if kind == "upload":
                return self._upload(name, raw, files)
            if kind == "response":
                return self._respond(name, params)
            if kind != "api":
                return 404, {"ok": False, "error": "not_found"}, {}
            return self._api(name, params, token)

    def _api(self, name: str, params: dict[str, Any], token: str | None,
             ) -> tuple[int, dict[str, Any], dict[str, str]]:
        fault = self.state.take_fault(name)
        if fault is not None:
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return fault.status, {"ok": False, "error": fault.error}, headers
        if name not in NO_AUTH_METHODS:
            if token is None:
                return 200, {"ok": False, "error": "not_authed"}, {}
            if self.state.valid_tokens is not None and token not in self.state.valid_tokens:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
        implementation = METHODS.get(name)
        if implementation is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        try:
            answer = implementation(self.state, params, self.base_url)
        except SlackFailure as failure:
            return 200, {"ok": False, "error": failure.error}, {}
        return 200, {"ok": True, **answer}, {}

    def _upload(self, file_id: str, raw: bytes, files: dict[str, bytes],
                ) -> tuple[int, bytes, dict[str, str]]:
        record = self.state.files.get(file_id)
        if record is None:
            return 404, b"file not found", {}
        record.content = next(iter(files.values())) if files else raw
        return 200, f"OK - {len(record.content)}".encode(), {}

    def _respond(self, key: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        blocks = params.get("blocks") or []
        response_type = str(params.get("response_type") or "ephemeral")
        self.state.messages.append(Message(f"response:{key}", self.state.next_ts(),
                                           str(params.get("text") or ""), list(blocks),
                                           response_type=response_type))
        return 200, {"ok": True}, {}

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls, oldest first (optionally of one method)."""
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until ``count`` calls of ``method`` arrived; ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.state.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(found)} of {count} {method} call(s) arrived")
                self._changed.wait(remaining)

    def messages(self, channel: str | None = None) -> list[Message]:
        """Messages kept by the fake (``response:<key>`` channels hold response_url replies)."""
        with self.state.lock:
            return [m for m in self.state.messages if channel is None or m.channel == channel]

    def clear_calls(self) -> None:
        """Forget recorded calls (state such as messages stays)."""
        with self.state.lock:
            self.state.calls.clear()
