"""``schedbot serve`` as a process: the Retail Link code flow over HTTP, from command to posted packet.

The store is migrated with ``schedbot db upgrade`` and seeded through ``bot.bootstrap.build``; the
server is a subprocess configured only by its environment (the Retail Link and Crossmark sandboxes,
the fake Slack Web API). Every request is a signed Slack request POSTed to ``/slack/events``; what
the bot does is read back from the fake Slack and from the sandbox's request records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from core.model import DEFAULT_STORE_ID
from devtools.fake_slack import Call, FakeSlack
from devtools.sandbox import SANDBOX_MFA_CODE
from tests.e2e.process.support import (
    Schedbot,
    SchedbotProcess,
    assert_no_leaks,
    eventually,
    free_port,
    schedbot_env,
    slack_env,
)
from tests.e2e.process.world import (
    BROWSE_PATH,
    EDR_REPORT_PATH,
    MIA,
    TEAM_CHANNEL,
    Sandboxes,
    pdf_text,
    seed_day,
    store_database,
)
from tests.e2e.slack.support import CANARY_SIGNING_SECRET
from tests.fakes.slack_requests import SignedRequest, SlackRequests

ACK_DEADLINE_SECONDS = 3.0
VALIDATE_PATH = "/api/mfa/validateCode"


@dataclass
class Served:
    """A running ``schedbot serve`` and how to reach it."""

    process: SchedbotProcess
    url: str
    slack: SlackRequests
    env: dict[str, str]

    def post(self, request: SignedRequest) -> httpx.Response:
        """POST a signed request to ``/slack/events``; Slack gives up after 3 seconds."""
        answer = httpx.post(f"{self.url}/slack/events", content=request.body, headers=request.headers,
                            timeout=ACK_DEADLINE_SECONDS)
        assert answer.status_code == 200, f"{answer.status_code} {answer.text}\n{self.process.describe()}"
        return answer


def blocks_of(call: Call) -> list[dict[str, Any]]:
    """The blocks of a chat.postMessage / response_url call (JSON or a JSON string)."""
    blocks = call.params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def enter_code_button(fake_slack: FakeSlack, methods: tuple[str, ...]) -> tuple[Call, str, dict[str, Any]]:
    """The first message (of ``methods``) with an "Enter code" button: the call, block id, button."""
    for call in fake_slack.calls():
        if call.method not in methods:
            continue
        for block in blocks_of(call):
            for element in block.get("elements") or []:
                if element.get("type") == "button" and element["text"].get("text") == "Enter code":
                    return call, str(block.get("block_id") or ""), element
    raise LookupError("no Enter code button yet")


def opened_modal(fake_slack: FakeSlack) -> tuple[str, dict[str, Any]]:
    """The id and definition of the last modal the bot opened."""
    with fake_slack.state.lock:
        record = list(fake_slack.state.views.values())[-1]
        return record.id, dict(record.view)


def code_input(view: dict[str, Any]) -> tuple[str, str]:
    """(block_id, action_id) of the plain-text input of a modal."""
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        if block.get("type") == "input" and element.get("type") == "plain_text_input":
            return str(block["block_id"]), str(element["action_id"])
    raise AssertionError(f"the modal has no text input: {view}")


def completed_pdfs(fake_slack: FakeSlack, channel: str) -> list[bytes]:
    """Bytes of the files whose upload was completed into ``channel``, oldest first."""
    with fake_slack.state.lock:
        return [f.content for f in fake_slack.state.files.values() if f.completed and channel in f.channels]


def dm_texts(fake_slack: FakeSlack, user: str) -> list[str]:
    """Texts the bot posted in its DM with ``user``."""
    return [m.text for m in fake_slack.messages("D" + user.lstrip("U"))]


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack, stores: Sandboxes, schedbot: Schedbot, sqlite_url: str,
           encryption_key: str, today: date) -> Served:
    """``db upgrade``, the seeded store, then ``schedbot serve`` on a free port, healthy."""
    env = schedbot_env(tmp_path / "home", {
        "DATABASE_URL": sqlite_url, "SETTINGS_ENCRYPTION_KEY": encryption_key,
        **slack_env(fake_slack, team_channel=TEAM_CHANNEL, admins=[MIA]), **stores.env()})
    assert "database at revision" in schedbot.run("db-upgrade", ["db", "upgrade"], env)
    with store_database(sqlite_url, encryption_key, env["STORE_NUMBER"], env["STORE_TIMEZONE"]) as uow:
        seed_day(uow, today, stores.edr_numbers(2))
    port = free_port()
    process = schedbot.start("serve", ["serve", "--host", "127.0.0.1", "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}"
    health = process.wait_for_health(f"{url}/health")
    assert health["status"] == "ok" and health["database"] == "ok"
    return Served(process, url, SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url),
                  env)


def enter_the_code(served: Served, fake_slack: FakeSlack, stores: Sandboxes) -> tuple[Call, dict[str, Any]]:
    """Find the Enter code button, press it, type the SMS code into the modal; (message call, answer)."""
    def failure() -> str:
        said = [f"{c.method}: {c.params.get('text')}" for c in fake_slack.calls()
                if c.method in ("response_url", "chat.postMessage", "views.update")]
        return "the bot said:\n" + "\n".join(said) + "\n" + served.process.describe()

    message, block_id, button = eventually(
        lambda: _try(lambda: enter_code_button(fake_slack, ("response_url", "chat.postMessage"))),
        "a message with an Enter code button", on_timeout=failure)
    channel = str(message.params.get("channel") or TEAM_CHANNEL)
    served.post(served.slack.block_actions(button["action_id"], value=button.get("value"), user_id=MIA,
                                           channel_id=channel, block_id=block_id))
    eventually(lambda: fake_slack.calls("views.open"), "the code modal was opened", on_timeout=failure)
    view_id, view = opened_modal(fake_slack)
    eventually(lambda: stores.retaillink.codes_sent == 1, "Retail Link texted a code", on_timeout=failure)
    block, action = code_input(view)
    answer = served.post(served.slack.view_submission(
        str(view["callback_id"]), {block: {action: {"type": "plain_text_input", "value": SANDBOX_MFA_CODE}}},
        user_id=MIA, private_metadata=str(view.get("private_metadata") or ""),
        view_id=view_id))
    return message, json.loads(answer.text) if answer.text else {}


def _try(find: Callable[[], Any]) -> Any:
    try:
        return find()
    except LookupError:
        return None


def assert_signed_in_before_bearer_reads(stores: Sandboxes, path: str) -> list[str]:
    """Reads of ``path`` came after the code was validated and carried an issued bearer token."""
    seen = stores.retaillink_seen.requests()
    validated = [i for i, r in enumerate(seen) if r.path == VALIDATE_PATH and r.status == 200]
    assert len(validated) == 1, f"expected one accepted code, Retail Link saw {seen}"
    reads = stores.bearer_reads(path)
    assert reads, f"no {path} request carried an issued bearer token: {seen}"
    assert all(seen.index(r) > validated[0] for r in reads)
    assert not [r for r in seen if r.path == path and r.status == 200 and r not in reads]
    return [parse_qs(r.query).get("id", [""])[0] for r in reads]


def modal_texts(view: dict[str, Any]) -> str:
    """The section texts of a modal."""
    return "\n".join(str((block.get("text") or {}).get("text") or "") for block in view.get("blocks") or [])


def assert_modal_says_signed_in(answer: dict[str, Any], fake_slack: FakeSlack, served: Served) -> None:
    """The code modal ends up saying so: in the submission's answer, or updated after "Checking…"."""
    assert answer.get("response_action") == "update", answer

    def last_modal() -> str:
        updates = fake_slack.calls("views.update")
        view = updates[-1].params["view"] if updates else answer["view"]
        return modal_texts(json.loads(view) if isinstance(view, str) else view)

    eventually(lambda: "Signed in to Retail Link" in last_modal(), "the modal said Retail Link is signed in",
               on_timeout=lambda: f"modal: {last_modal()}\n{served.process.describe()}")


def retaillink_secrets(stores: Sandboxes) -> list[str]:
    """The bearer tokens and session cookies Retail Link handed out (never to be logged)."""
    sandbox = stores.retaillink
    secrets = [*sandbox.issued_tokens, *sandbox.auth_cookies]
    assert secrets, "Retail Link never signed the bot in"
    return secrets


def assert_stops_gracefully(process: SchedbotProcess) -> None:
    """SIGTERM: uvicorn finishes in-flight requests, then the process closes its container and
    exits with 0 (not killed by the signal uvicorn re-raises)."""
    code = process.terminate()
    assert code == 0, process.describe()
    assert "Finished server process" in process.log(), process.describe()


def test_packet_waits_for_the_code_and_is_reposted_with_its_edr_pages(
        served: Served, fake_slack: FakeSlack, stores: Sandboxes, schedbot: Schedbot) -> None:
    numbers = stores.edr_numbers(2)

    served.post(served.slack.slash_command("", command="/packet", user_id=MIA, user_name="mia",
                                           channel_id=TEAM_CHANNEL))

    eventually(lambda: completed_pdfs(fake_slack, TEAM_CHANNEL), "the packet without EDR pages was posted",
               on_timeout=served.process.describe)
    message, answer = enter_the_code(served, fake_slack, stores)
    assert message.method == "response_url", "the Enter code button came with the /packet reply"
    assert "EDR report(s) are missing" in str(message.params.get("text"))
    assert_modal_says_signed_in(answer, fake_slack, served)

    eventually(lambda: any("packet was posted" in t for t in dm_texts(fake_slack, MIA)),
               "Mia was told the packet was posted", timeout=30, on_timeout=served.process.describe)
    first, last = completed_pdfs(fake_slack, TEAM_CHANNEL)
    assert "EVENT DETAIL REPORT" not in pdf_text(first)
    final = pdf_text(last)
    assert "EVENT DETAIL REPORT" in final and "Ana Lopez" in final
    assert all(number in final for number in numbers)
    assert sorted(assert_signed_in_before_bearer_reads(stores, EDR_REPORT_PATH)) == numbers
    [posted] = [c for c in fake_slack.calls("chat.postMessage") if c.params.get("channel") == TEAM_CHANNEL]
    assert "verification code" in str(posted.params["text"])
    [summary] = [m for m in fake_slack.messages(TEAM_CHANNEL) if "Daily packet" in m.text]
    assert "verification code" not in summary.text, "the summary was not updated in place"
    [deleted] = fake_slack.calls("files.delete")
    first_id = json.loads(fake_slack.calls("files.completeUploadExternal")[0].params["files"])[0]["id"]
    assert deleted.params["file"] == first_id, "the packet without EDR pages was not replaced"
    assert_stops_gracefully(served.process)
    assert_no_leaks(schedbot, fake_slack, served.env["SETTINGS_ENCRYPTION_KEY"], *retaillink_secrets(stores))


def test_sched_sync_edr_asks_for_the_code_then_fills_the_edr_cache(
        served: Served, fake_slack: FakeSlack, stores: Sandboxes, schedbot: Schedbot, sqlite_url: str,
        encryption_key: str) -> None:
    served.post(served.slack.slash_command("sync edr", user_id=MIA, user_name="mia", channel_id=TEAM_CHANNEL))

    message, answer = enter_the_code(served, fake_slack, stores)
    assert message.method == "response_url", "the Enter code button came with the /sched reply"
    assert "needs a new SMS code" in str(message.params.get("text"))
    assert_modal_says_signed_in(answer, fake_slack, served)

    done = eventually(lambda: [t for t in dm_texts(fake_slack, MIA) if "edr sync" in t],
                      "Mia was told the EDR sync ran", timeout=30, on_timeout=served.process.describe)
    assert "Retail Link is signed in" in done[0] and "created" in done[0]
    assert assert_signed_in_before_bearer_reads(stores, BROWSE_PATH)
    with store_database(sqlite_url, encryption_key, served.env["STORE_NUMBER"],
                        served.env["STORE_TIMEZONE"]) as uow, uow() as unit:
        cached = [n for n in stores.edr_numbers(2) if unit.edr_cache.get(DEFAULT_STORE_ID, n, 24) is not None]
        runs = [(run.status, run.counts.get("created")) for run in unit.sync_runs.list(kind="edr")]
    assert cached == stores.edr_numbers(2), "the EDR reports of today's events are not cached"
    assert runs[0][0] == "needs_code" and runs[-1][0] in ("ok", "conflicts") and runs[-1][1], runs
    assert_stops_gracefully(served.process)
    assert_no_leaks(schedbot, fake_slack, encryption_key, *retaillink_secrets(stores))
