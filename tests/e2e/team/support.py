"""Helpers of the team tests: files a user uploaded (``files.info`` + a private download server that
wants the bot token), the request/answer plumbing, and reading what the bot sent to the fake Slack."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from devtools.fake_slack import FakeSlack, UploadedFile
from devtools.fake_slack.methods import METHODS, SlackFailure, method
from devtools.fake_slack.state import WorkspaceState
from tests.fakes.slack_requests import SignedRequest

Post = Callable[[SignedRequest], httpx.Response]

_DOWNLOAD_ROOTS: dict[int, str] = {}
"""``id(workspace state)`` → root URL of the download server serving that workspace's files."""


def _files_info(state: WorkspaceState, params: dict[str, Any], base_url: str) -> dict[str, Any]:
    record = state.files.get(str(params.get("file") or ""))
    if record is None or record.deleted:
        raise SlackFailure("file_not_found")
    root = _DOWNLOAD_ROOTS.get(id(state), "")
    kind = record.filename.rsplit(".", 1)[-1].lower() if "." in record.filename else "binary"
    mimetype = "text/csv" if kind == "csv" else "application/octet-stream"
    return {"file": {"id": record.id, "name": record.filename, "title": record.title or record.filename,
                     "filetype": kind, "mimetype": mimetype,
                     "size": len(record.content),
                     "url_private": f"{root}/files-pri/{record.id}/{record.filename}",
                     "url_private_download": f"{root}/files-pri/{record.id}/download/{record.filename}"}}


if "files.info" not in METHODS:
    method("files.info")(_files_info)


class FileHost:
    """Serves uploaded files of a fake workspace like ``files.slack.com``: only with the bot token."""

    def __init__(self, fake: FakeSlack, token: str) -> None:
        self.fake = fake
        self.token = token
        self.downloads: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                host.answer(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def root(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        """200 with the bytes for the bot token; Slack's HTML login page otherwise."""
        file_id = request.path.split("/")[2] if request.path.count("/") >= 3 else ""
        record = self.fake.state.files.get(file_id)
        authorised = request.headers.get("authorization") == f"Bearer {self.token}"
        self.downloads.append(file_id if authorised else "unauthorised")
        if record is None or not authorised:
            body, kind = b"<html>Sign in to Slack</html>", "text/html"
        else:
            body, kind = record.content, "text/csv"
        request.send_response(200)
        request.send_header("content-type", kind)
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def __enter__(self) -> FileHost:
        self._thread.start()
        _DOWNLOAD_ROOTS[id(self.fake.state)] = self.root
        return self

    def __exit__(self, *exc: object) -> None:
        _DOWNLOAD_ROOTS.pop(id(self.fake.state), None)
        self._server.shutdown()
        self._server.server_close()

    def upload(self, name: str, content: bytes) -> str:
        """A file a user dropped into the DM; its id."""
        with self.fake.state.lock:
            record = UploadedFile(self.fake.state.next_id("F"), name, len(content), content, completed=True)
            self.fake.state.files[record.id] = record
        return record.id


def file_dm_event(user_id: str, files: list[tuple[str, str]], *, text: str = "",
                  bot_id: str | None = None) -> dict[str, Any]:
    """A ``message`` event of a DM carrying files (``(id, name)``), as Slack sends ``file_share``."""
    ts = f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message", "subtype": "file_share", "channel_type": "im", "channel": "D" + user_id[1:],
        "user": user_id, "text": text, "ts": ts, "event_ts": ts,
        "files": [{"id": fid, "name": name, "mode": "hosted"} for fid, name in files]}
    if bot_id is not None:
        event["bot_id"] = bot_id
    return event


def view_state(values: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{block_id: element state}`` → Slack's ``{block_id: {"value": element state}}``."""
    return {block: {"value": element} for block, element in values.items()}


def wait_until(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll ``check`` until it returns something truthy (work after the ack is asynchronous)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError("the expected state was not reached")
        time.sleep(0.02)


def replies(fake: FakeSlack) -> Iterator[dict[str, Any]]:
    """Params of every ``response_url`` post, oldest first."""
    for call in fake.calls("response_url"):
        yield call.params


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every text of a block list, as one string (to assert on what a person would read)."""
    return json.dumps(blocks, ensure_ascii=False)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every button element of a block list, in order."""
    found: list[dict[str, Any]] = []
    for block in blocks:
        elements = list(block.get("elements") or [])
        if block.get("accessory"):
            elements.append(block["accessory"])
        found.extend(e for e in elements if e.get("type") == "button")
    return found
