"""The "Enter code" button and the code modal, through the real Bolt app with signed requests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.blocks.logins import CODE_BLOCK, CODE_CALLBACK, CODE_INPUT
from bot.jobs.context import JobContext
from bot.jobs.mfa_prompt import ENTER_CODE_ACTION
from bot.jobs.packet import DailyPacket
from devtools.fake_slack import FakeSlack
from devtools.sandbox import SANDBOX_MFA_CODE
from integrations.retaillink import RetailLinkAdapter
from tests.e2e.clock.fixtures import RetailLinkServer
from tests.e2e.clock.world import ANA, DAY, MIA, pdf_text, seed_day
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase

Post = Callable[[SignedRequest], httpx.Response]
PURPOSE = "packet:2026-11-03"


def eventually(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def press_enter_code(post: Post, slack: SlackRequests, user: str = MIA) -> httpx.Response:
    return post(slack.block_actions(ENTER_CODE_ACTION, value=PURPOSE, user_id=user,
                                    channel_id="D" + user.lstrip("U"), block_id="retaillink_code"))


def submit_code(post: Post, slack: SlackRequests, code: str, user: str = MIA) -> dict[str, Any]:
    values = {CODE_BLOCK: {CODE_INPUT: {"type": "plain_text_input", "value": code}}}
    response = post(slack.view_submission(CODE_CALLBACK, values, user_id=user, private_metadata=PURPOSE))
    assert response.status_code == 200
    return json.loads(response.text) if response.text else {}


def test_enter_code_opens_the_code_modal_and_has_retail_link_text_a_code(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, retaillink_server: RetailLinkServer) -> None:
    assert press_enter_code(post, slack).status_code == 200

    opened = fake_slack.wait_for("views.open")[0].params
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["callback_id"] == CODE_CALLBACK
    assert view["private_metadata"] == PURPOSE
    assert any(block.get("block_id") == CODE_BLOCK for block in view["blocks"])
    eventually(lambda: retaillink_server.sandbox.codes_sent == 1, "the SMS code was sent")


def test_the_right_code_signs_in_and_posts_the_waiting_packet_with_edr_pages(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, ctx: JobContext, database: FakeDatabase,
        retaillink: RetailLinkAdapter, retaillink_server: RetailLinkServer, numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    assert DailyPacket(ctx).scheduled(DAY).waiting
    press_enter_code(post, slack)
    eventually(lambda: retaillink_server.sandbox.codes_sent == 1, "the SMS code was sent")

    answer = submit_code(post, slack, f" {SANDBOX_MFA_CODE[:3]}-{SANDBOX_MFA_CODE[3:]} ")

    assert answer.get("response_action") == "update"
    assert retaillink.has_session()
    complete = fake_slack.wait_for("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C0TEAM"
    with fake_slack.state.lock:
        [pdf] = [f.content for f in fake_slack.state.files.values() if f.completed]
    text = pdf_text(pdf)
    assert "EVENT DETAIL REPORT" in text
    assert all(number in text for number in numbers)
    eventually(lambda: any("packet was posted" in m.text for m in fake_slack.messages("D0MIA")),
               "the manager was told")


def test_a_wrong_code_is_a_field_error_in_the_modal(
        post: Post, slack: SlackRequests, retaillink: RetailLinkAdapter,
        retaillink_server: RetailLinkServer, fake_slack: FakeSlack) -> None:
    press_enter_code(post, slack)
    eventually(lambda: retaillink_server.sandbox.codes_sent == 1, "the SMS code was sent")

    answer = submit_code(post, slack, "654321")

    assert answer["response_action"] == "errors"
    assert "did not accept" in answer["errors"][CODE_BLOCK]
    assert not retaillink.has_session()
    assert fake_slack.calls("files.completeUploadExternal") == []


def test_a_malformed_code_is_a_field_error_before_retail_link_is_asked(
        post: Post, slack: SlackRequests, retaillink: RetailLinkAdapter) -> None:
    answer = submit_code(post, slack, "12ab56")

    assert answer == {"response_action": "errors",
                      "errors": {CODE_BLOCK: "Enter the 6 digits from the text message (numbers only)."}}
    assert not retaillink.has_session()


def test_an_employee_cannot_open_the_code_modal(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack,
        retaillink_server: RetailLinkServer) -> None:
    press_enter_code(post, slack, user=ANA)

    reply = fake_slack.wait_for("response_url")[0].params
    assert "manager" in str(reply["text"])
    assert fake_slack.calls("views.open") == []
    assert retaillink_server.sandbox.codes_sent == 0


def test_an_employee_cannot_submit_a_code(post: Post, slack: SlackRequests,
                                          retaillink: RetailLinkAdapter) -> None:
    answer = submit_code(post, slack, SANDBOX_MFA_CODE, user=ANA)

    assert answer["response_action"] == "errors"
    assert "manager" in answer["errors"][CODE_BLOCK]
    assert not retaillink.has_session()
