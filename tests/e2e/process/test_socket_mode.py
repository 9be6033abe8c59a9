"""``schedbot serve --socket-mode`` as a process, against a local Socket Mode server.

The app asks the fake Web API's ``apps.connections.open`` (with its ``xapp-`` token) for a WebSocket
URL, connects to ``FakeSocketMode``, gets ``hello``, and is handed a ``/sched help`` envelope. It must
acknowledge the envelope on the socket and answer the command on its ``response_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from devtools.fake_slack import FakeSlack, token_hint
from devtools.fake_slack.socket_mode import FakeSocketMode
from tests.e2e.process.support import (
    CANARY_APP_TOKEN,
    Schedbot,
    SchedbotProcess,
    assert_no_leaks,
    eventually,
    schedbot_env,
    slack_env,
)
from tests.e2e.process.world import MIA, TEAM_CHANNEL
from tests.e2e.slack.support import CANARY_SIGNING_SECRET
from tests.fakes.slack_requests import SlackRequests

CONNECT_TIMEOUT = 45.0


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """Slack's Socket Mode on loopback; the fake Web API's apps.connections.open points at it."""
    with FakeSocketMode(fake_slack) as server:
        yield server


def wait_connected(server: FakeSocketMode, process: SchedbotProcess) -> None:
    """Until the app holds a WebSocket; fail with its log when it exits or never connects."""
    def connected() -> bool:
        if not process.running:
            raise AssertionError(f"schedbot exited before connecting\n{process.describe()}")
        return server.connections > 0

    eventually(connected, "the app connected to the Socket Mode server", timeout=CONNECT_TIMEOUT,
               on_timeout=process.describe)
    server.wait_connected()


def test_socket_mode_acks_a_slash_command_and_answers_on_its_response_url(
        tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode, schedbot: Schedbot,
        sqlite_url: str, encryption_key: str) -> None:
    env = schedbot_env(tmp_path / "home", {
        "DATABASE_URL": sqlite_url, "SETTINGS_ENCRYPTION_KEY": encryption_key,
        "SLACK_APP_TOKEN": CANARY_APP_TOKEN,
        **slack_env(fake_slack, team_channel=TEAM_CHANNEL, admins=[MIA])})
    process = schedbot.start("serve-socket-mode", ["serve", "--socket-mode"], env)

    wait_connected(socket_mode, process)

    [opened] = fake_slack.calls("apps.connections.open")
    assert opened.token == token_hint(CANARY_APP_TOKEN), "apps.connections.open must use the app token"
    response_url = fake_slack.response_url("socket-help")
    signed = SlackRequests(CANARY_SIGNING_SECRET).slash_command("help", user_id=MIA, user_name="mia",
                                                                 response_url=response_url)
    payload = dict(parse_qsl(signed.body.decode(), keep_blank_values=True))
    envelope_id = socket_mode.send_envelope("slash_commands", payload)

    ack = socket_mode.wait_for_ack(envelope_id, timeout=10)
    assert ack["envelope_id"] == envelope_id
    assert set(ack) <= {"envelope_id", "payload"}, ack
    replies = eventually(lambda: fake_slack.messages("response:socket-help"),
                         "the /sched help reply reached the response_url", on_timeout=process.describe)
    [reply] = replies
    assert reply.text.startswith("/sched subcommands:") and "sync" in reply.text
    assert reply.response_type == "ephemeral"
    assert any("*help*" in str((block.get("text") or {}).get("text")) for block in reply.blocks)
    assert len(socket_mode.acks(envelope_id)) == 1, "the envelope was acknowledged twice"
    assert socket_mode.connections == 1, "the app reconnected during the test"

    assert process.terminate() == 0, process.describe()
    assert "Socket Mode stopping" in process.log(), process.describe()
    assert_no_leaks(schedbot, fake_slack, encryption_key)
