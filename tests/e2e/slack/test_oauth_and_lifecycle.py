"""OAuth mode: installations in our database (tokens encrypted), install flow, uninstall cleanup."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import build
from bot.edge.asgi import create_asgi_app
from bot.settings import Secret, Settings
from bot.slack.app import build_app
from devtools.fake_slack import FakeSlack
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.tables import SlackInstallationRow
from integrations.slack.installation_store import DbInstallationStore, DbOAuthStateStore
from tests.e2e.slack.support import CANARY_CLIENT_SECRET, CANARY_SIGNING_SECRET, Probe, ServerThread
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

CLIENT_ID = "1111.2222"
STORED_BOT = "xoxb-stored-bot-1"
STORED_USER = "xoxp-stored-user-1"
TEAM = "T0STORE"


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def store(sessions: sessionmaker[Session], secret_box: FernetSecretBox) -> DbInstallationStore:
    return DbInstallationStore(sessions, secret_box, client_id=CLIENT_ID)


def _installation(
    user: str = "U0ANA",
    bot_token: str | None = STORED_BOT,
    user_token: str | None = STORED_USER,
    installed_at: float = 1_700_000_000.0,
) -> Installation:
    return Installation(
        app_id="A1",
        team_id=TEAM,
        team_name="Store",
        bot_token=bot_token,
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes=["commands", "chat:write"],
        user_id=user,
        user_token=user_token,
        user_scopes=["users:read"],
        installed_at=installed_at,
    )


def _rows(sessions: sessionmaker[Session]) -> list[SlackInstallationRow]:
    with sessions() as session:
        return list(session.scalars(select(SlackInstallationRow)))


async def test_installation_round_trips_with_tokens_encrypted_at_rest(
    store: DbInstallationStore, sessions: sessionmaker[Session]
) -> None:
    await store.async_save(_installation())

    found = await store.async_find_installation(enterprise_id=None, team_id=TEAM)
    bot = await store.async_find_bot(enterprise_id=None, team_id=TEAM)

    assert (
        found is not None
        and found.bot_token == "xoxb-stored-bot-1"
        and found.user_token == "xoxp-stored-user-1"
    )
    assert found.bot_scopes == ["commands", "chat:write"]
    assert bot is not None and bot.bot_token == "xoxb-stored-bot-1"
    [row] = _rows(sessions)
    assert row.bot_token is not None and "xoxb-stored-bot-1" not in row.bot_token
    assert row.user_token is not None and "xoxp-stored-user-1" not in row.user_token


async def test_newest_installation_wins_and_carries_the_newest_bot_token(store: DbInstallationStore) -> None:
    await store.async_save(_installation(user="U0ANA", bot_token="xoxb-old", installed_at=1_700_000_000.0))
    await store.async_save(_installation(user="U0BOB", bot_token="xoxb-new", installed_at=1_700_000_100.0))

    ana = await store.async_find_installation(enterprise_id=None, team_id=TEAM, user_id="U0ANA")
    latest = await store.async_find_installation(enterprise_id=None, team_id=TEAM)

    assert ana is not None and ana.user_id == "U0ANA" and ana.bot_token == "xoxb-new"
    assert latest is not None and latest.user_id == "U0BOB"


async def test_revoking_a_user_token_keeps_the_bot_and_revoking_the_bot_keeps_nothing(
    store: DbInstallationStore, sessions: sessionmaker[Session]
) -> None:
    await store.async_save(_installation())

    await store.async_delete_installation(enterprise_id=None, team_id=TEAM, user_id="U0ANA")
    after_user = await store.async_find_installation(enterprise_id=None, team_id=TEAM, user_id="U0ANA")
    await store.async_delete_bot(enterprise_id=None, team_id=TEAM)

    assert (
        after_user is not None
        and after_user.user_token is None
        and after_user.bot_token == "xoxb-stored-bot-1"
    )
    assert await store.async_find_bot(enterprise_id=None, team_id=TEAM) is None
    assert _rows(sessions) == []


async def test_oauth_state_is_valid_once_and_not_after_expiry(sessions: sessionmaker[Session]) -> None:
    now = [datetime(2025, 1, 1, tzinfo=UTC)]
    states = DbOAuthStateStore(sessions, expiration_seconds=600, now=lambda: now[0])

    fresh = await states.async_issue()
    stale = await states.async_issue()
    first = await states.async_consume(fresh)
    again = await states.async_consume(fresh)
    now[0] += timedelta(seconds=601)

    assert (first, again) == (True, False)
    assert await states.async_consume(stale) is False
    assert await states.async_consume("never-issued") is False


@pytest.fixture
def oauth_server(
    fake_slack: FakeSlack, sessions: sessionmaker[Session], secret_box: FernetSecretBox, probe: Probe
) -> Iterator[tuple[ServerThread, DbInstallationStore]]:
    settings = Settings(
        slack_signing_secret=Secret(CANARY_SIGNING_SECRET),
        slack_client_id=CLIENT_ID,
        slack_client_secret=Secret(CANARY_CLIENT_SECRET),
        slack_api_url=fake_slack.base_url,
    )
    installations = DbInstallationStore(sessions, secret_box, client_id=CLIENT_ID)
    database = FakeDatabase()
    container = build(settings, uow_factory=lambda: FakeUnitOfWork(database),
                      installation_store=installations, oauth_state_store=DbOAuthStateStore(sessions))
    running = ServerThread(create_asgi_app(container, build_app(container))).start()
    yield running, installations
    running.stop()
    container.close()


def _install(url: str) -> httpx.Response:
    page = httpx.get(f"{url}/slack/install")
    assert page.status_code == 200
    state = re.search(r"state=([\w-]+)", page.text)
    assert state is not None
    cookie = page.headers["set-cookie"].split(";")[0]
    return httpx.get(
        f"{url}/slack/oauth_redirect",
        params={"code": "c0de", "state": state.group(1)},
        headers={"cookie": cookie},
    )


def test_install_flow_stores_the_workspace_token_encrypted(
    oauth_server: tuple[ServerThread, DbInstallationStore],
    fake_slack: FakeSlack,
    sessions: sessionmaker[Session],
) -> None:
    running, installations = oauth_server

    done = _install(running.url)

    assert done.status_code == 200
    bot = asyncio.run(installations.async_find_bot(enterprise_id=None, team_id=TEAM))
    assert bot is not None and bot.bot_token == f"xoxb-fake-{TEAM}-c0de"
    assert all(f"xoxb-fake-{TEAM}" not in (row.bot_token or "") for row in _rows(sessions))
    assert fake_slack.calls("oauth.v2.access")[0].params["client_id"] == CLIENT_ID


def test_app_uninstalled_deletes_the_stored_tokens(
    oauth_server: tuple[ServerThread, DbInstallationStore],
    slack: SlackRequests,
    sessions: sessionmaker[Session],
) -> None:
    running, installations = oauth_server
    _install(running.url)

    response = httpx.post(
        f"{running.url}/slack/events",
        content=(req := slack.app_uninstalled()).body,
        headers=req.headers,
        timeout=3.0,
    )

    assert response.status_code == 200
    _wait_until(lambda: not _rows(sessions))
    assert asyncio.run(installations.async_find_bot(enterprise_id=None, team_id=TEAM)) is None


def test_tokens_revoked_for_the_bot_deletes_the_bot_token(
    oauth_server: tuple[ServerThread, DbInstallationStore],
    slack: SlackRequests,
    sessions: sessionmaker[Session],
) -> None:
    running, installations = oauth_server
    _install(running.url)
    req: SignedRequest = slack.tokens_revoked(bot=["UBOTSCHED"])

    assert (
        httpx.post(
            f"{running.url}/slack/events", content=req.body, headers=req.headers, timeout=3.0
        ).status_code
        == 200
    )

    _wait_until(lambda: all(row.bot_token is None for row in _rows(sessions)))
    assert asyncio.run(installations.async_find_bot(enterprise_id=None, team_id=TEAM)) is None


def test_install_routes_exist_only_in_oauth_mode(server: ServerThread) -> None:
    assert httpx.get(f"{server.url}/slack/install").status_code == 404


def test_uninstall_in_single_workspace_mode_is_acked_and_reported(
    post: Callable[[SignedRequest], httpx.Response], slack: SlackRequests, caplog: pytest.LogCaptureFixture
) -> None:
    assert post(slack.app_uninstalled()).status_code == 200

    _wait_until(lambda: any("uninstalled" in r.getMessage() for r in caplog.records))


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.02)


def test_auth_test_is_asked_once_per_token_not_before_every_ack(
    oauth_server: tuple[ServerThread, DbInstallationStore],
    slack: SlackRequests,
    fake_slack: FakeSlack,
    probe: Probe,
) -> None:
    running, _ = oauth_server
    _install(running.url)
    fake_slack.clear_calls()

    for _ in range(3):
        req = slack.slash_command("probe")
        answer = httpx.post(f"{running.url}/slack/events", content=req.body, headers=req.headers, timeout=3.0)
        assert answer.status_code == 200

    probe.wait("probe", 3)
    assert len(fake_slack.calls("auth.test")) == 1
