"""``/sched sync`` runs the clock's syncs on demand; ``/sched status`` shows syncs, EDR cache, jobs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, timedelta

import httpx
import pytest

from bot.blocks.logins import CODE_BLOCK, CODE_CALLBACK, CODE_INPUT
from bot.container import Container
from bot.jobs.mfa_prompt import ENTER_CODE_ACTION
from core.ports import EdrReport, RemoteEvent, RemoteRep
from core.services.sync import SyncService
from devtools.fake_slack import FakeSlack
from devtools.sandbox import SANDBOX_MFA_CODE
from integrations.retaillink import RetailLinkAdapter
from tests.e2e.clock.fixtures import RetailLinkServer
from tests.e2e.clock.world import ANA, DAY, MIA
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

Post = Callable[[SignedRequest], httpx.Response]


@pytest.fixture(autouse=True)
def sync_service(container: Container, database: FakeDatabase, clock: FixedClock,
                 retaillink: RetailLinkAdapter) -> SyncService:
    """A real SyncService over an in-memory Crossmark with one event and one new rep."""
    crossmark = FakeCrossmark(
        events={77001: RemoteEvent(77001, "606003-CORE-Sandbox Demo", "L1", "Club 8135", DAY,
                                   DAY + timedelta(days=3), "Unstaffed")},
        rep_list=[RemoteRep("2001", "Nia New")])
    service = SyncService(fake_uow_factory(database), crossmark, clock, retaillink)
    container.services.sync = service
    return service


def sched(post: Post, slack: SlackRequests, text: str, user: str = MIA) -> None:
    assert post(slack.slash_command(text, user_id=user)).status_code == 200


def last_reply(fake_slack: FakeSlack, count: int) -> dict[str, object]:
    return fake_slack.wait_for("response_url", count)[count - 1].params


def test_sync_events_reports_the_counts_of_the_run(post: Post, slack: SlackRequests,
                                                  fake_slack: FakeSlack) -> None:
    sched(post, slack, "sync events")

    text = str(last_reply(fake_slack, 2)["text"])
    assert "events sync: 1 created, 0 updated, 0 unchanged, 0 conflicts" in text


def test_sync_without_arguments_runs_events_and_reps(post: Post, slack: SlackRequests,
                                                     fake_slack: FakeSlack) -> None:
    sched(post, slack, "sync")

    text = str(last_reply(fake_slack, 2)["text"])
    assert "events sync:" in text and "reps sync: 1 created" in text


def test_sync_edr_without_a_retail_link_session_offers_the_enter_code_button(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    sched(post, slack, "sync edr")

    reply = last_reply(fake_slack, 2)
    assert "needs a new SMS code" in str(reply["text"])
    blocks = json.dumps(reply["blocks"])
    assert ENTER_CODE_ACTION in blocks and '"edr"' in blocks


def test_an_employee_may_not_run_a_sync(post: Post, slack: SlackRequests, fake_slack: FakeSlack,
                                        database: FakeDatabase) -> None:
    sched(post, slack, "sync events", user=ANA)

    assert "manager" in str(last_reply(fake_slack, 1)["text"])
    with FakeUnitOfWork(database) as uow:
        assert uow.sync_runs.list() == []


def test_an_unknown_sync_is_explained(post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    sched(post, slack, "sync everything")

    assert "Unknown sync 'everything'" in str(last_reply(fake_slack, 1)["text"])


def test_status_shows_syncs_edr_freshness_the_packet_and_next_jobs(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase,
        clock: FixedClock) -> None:
    sched(post, slack, "sync events")
    last_reply(fake_slack, 2)
    with FakeUnitOfWork(database) as uow:
        uow.edr_cache.put(1, EdrReport("606003", "Sandbox Demo", date(2026, 11, 3),
                                       fetched_at=clock.now() - timedelta(hours=2)))
        uow.commit()
    database.clock = clock

    sched(post, slack, "status")

    rendered = json.dumps(last_reply(fake_slack, 3)["blocks"])
    assert "*events*: ok" in rendered
    assert "*EDR cache*: fresh (newest report 2 h old)" in rendered
    assert "*Retail Link*: needs a new SMS code" in rendered
    assert "*Today's packet*: not posted yet" in rendered
    assert "packet: Tue Nov 3 5:30 AM" in rendered
    assert "packet_deadline: Tue Nov 3 7:00 AM" in rendered


def test_a_code_entered_for_the_edr_sync_runs_it_and_reports_by_dm(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase,
        retaillink_server: RetailLinkServer) -> None:
    post(slack.block_actions(ENTER_CODE_ACTION, value="edr", user_id=MIA, channel_id="D0MIA"))
    deadline = time.monotonic() + 20
    while retaillink_server.sandbox.codes_sent == 0:
        assert time.monotonic() < deadline, "the SMS code was never requested"
        time.sleep(0.02)
    values = {CODE_BLOCK: {CODE_INPUT: {"type": "plain_text_input", "value": SANDBOX_MFA_CODE}}}

    response = post(slack.view_submission(CODE_CALLBACK, values, user_id=MIA, private_metadata="edr"))

    assert json.loads(response.text)["response_action"] == "update"
    fake_slack.wait_for("chat.postMessage")
    [dm] = [m.text for m in fake_slack.messages("D0MIA")]
    assert "edr sync:" in dm and "created" in dm
    with FakeUnitOfWork(database) as uow:
        assert uow.edr_cache.freshness(1) is not None
