"""``/sched settings``: the credentials modal stores values encrypted and never shows them again."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.blocks.logins import INPUT_ACTION, SETTINGS_CALLBACK
from bot.bootstrap import build
from bot.edge.asgi import create_asgi_app
from bot.settings import Settings
from bot.slack.app import build_app
from core.model import Role, SlackLink
from core.ports import UnitOfWork
from core.services.store_settings import CREDENTIALS
from devtools.fake_slack import FakeSlack
from tests.e2e.clock.fixtures import ACK_DEADLINE_SECONDS
from tests.e2e.clock.world import ADMIN, MIA, TEAM
from tests.e2e.slack.support import ServerThread
from tests.fakes.clock import FixedClock
from tests.fakes.slack_requests import SignedRequest, SlackRequests

CANARY_PASSWORD = "rl-canary-password-7f3a91"
CANARY_USER = "canary.user.52be"
Post = Callable[[SignedRequest], httpx.Response]
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def sql_post(settings: Settings, uow_factory: UowFactory, clock: FixedClock) -> Iterator[Post]:
    """The Bolt app over a real (migrated) database, with Mia linked as a manager."""
    with uow_factory() as uow:
        uow.slack_links.add(SlackLink(MIA, Role.MANAGER, TEAM))
        uow.commit()
    box = build(settings, uow_factory=uow_factory, clock=clock)
    running = ServerThread(create_asgi_app(box, build_app(box))).start()

    def send(request: SignedRequest) -> httpx.Response:
        return httpx.post(f"{running.url}/slack/events", content=request.body, headers=request.headers,
                          timeout=ACK_DEADLINE_SECONDS)

    yield send
    running.stop()
    box.close()


def submission(values: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    return {key: {INPUT_ACTION: {"type": "plain_text_input", "value": value}}
            for key, value in values.items()}


def test_admins_get_the_modal_with_the_status_but_no_values(
        sql_post: Post, slack: SlackRequests, fake_slack: FakeSlack, uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.settings.set(1, "walmart_edr_password", CANARY_PASSWORD, secret=True)
        uow.commit()

    sql_post(slack.slash_command("settings", user_id=ADMIN))

    view = fake_slack.wait_for("views.open")[0].params["view"]
    rendered = view if isinstance(view, str) else json.dumps(view)
    assert SETTINGS_CALLBACK in rendered
    assert "Walmart Retail Link password: _set_" in rendered
    assert "Crossmark password: _not set_" in rendered
    assert CANARY_PASSWORD not in rendered and "initial_value" not in rendered


def test_saved_credentials_are_encrypted_at_rest_and_never_echoed(
        sql_post: Post, slack: SlackRequests, fake_slack: FakeSlack, uow_factory: UowFactory,
        migrated_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    values = {"walmart_edr_username": CANARY_USER, "walmart_edr_password": CANARY_PASSWORD}

    response = sql_post(slack.view_submission(SETTINGS_CALLBACK, submission(values), user_id=ADMIN))

    assert response.status_code == 200 and response.text == ""
    engine = create_engine(migrated_url)
    try:
        with engine.connect() as connection:
            raw: dict[str, str] = dict(connection.execute(text(
                "SELECT key, value FROM system_settings WHERE key LIKE 'walmart_edr_%'")).all())
    finally:
        engine.dispose()
    assert set(raw) == set(values)
    assert all(CANARY_PASSWORD not in stored and CANARY_USER not in stored for stored in raw.values())
    with uow_factory() as uow:
        assert uow.settings.get(1, "walmart_edr_password") == CANARY_PASSWORD
        [entry] = uow.audit.list(action="settings.credentials")
    assert entry.after == {"changed": ["walmart_edr_password", "walmart_edr_username"]}
    fake_slack.wait_for("chat.postMessage")  # the confirmation DM goes out after the ack
    confirmation = next(m for m in fake_slack.messages() if m.text.startswith("Saved"))
    assert "Walmart Retail Link password" in confirmation.text
    sent = [json.dumps(c.params, default=str) for c in fake_slack.calls() if c.method != "views.open"]
    logged = [r.getMessage() for r in caplog.records]
    for canary in (CANARY_PASSWORD, CANARY_USER):
        assert not any(canary in item for item in sent + logged)


@pytest.mark.parametrize(("values", "field", "problem"), [
    ({}, CREDENTIALS[0].key, "at least one"),
    ({"crossmark_password": "line\nbreak"}, "crossmark_password", "control characters"),
    ({"crossmark_username": " padded "}, "crossmark_username", "spaces"),
])
def test_bad_submissions_are_field_errors_and_store_nothing(
        sql_post: Post, slack: SlackRequests, uow_factory: UowFactory, values: dict[str, str], field: str,
        problem: str) -> None:
    response = sql_post(slack.view_submission(SETTINGS_CALLBACK, submission(values), user_id=ADMIN))

    answer = json.loads(response.text)
    assert answer["response_action"] == "errors"
    assert problem in answer["errors"][field]
    with uow_factory() as uow:
        assert uow.settings.all(1) == {}


def test_a_manager_may_not_open_or_save_the_settings(
        sql_post: Post, slack: SlackRequests, fake_slack: FakeSlack, uow_factory: UowFactory) -> None:
    sql_post(slack.slash_command("settings", user_id=MIA))
    reply = fake_slack.wait_for("response_url")[0].params
    response = sql_post(slack.view_submission(SETTINGS_CALLBACK, submission({"crossmark_password": "x"}),
                                              user_id=MIA))

    assert "admin" in str(reply["text"])
    assert fake_slack.calls("views.open") == []
    assert json.loads(response.text)["response_action"] == "errors"
    with uow_factory() as uow:
        assert uow.settings.all(1) == {}
