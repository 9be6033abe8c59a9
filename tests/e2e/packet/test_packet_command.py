"""``/packet [<date>]`` end to end: signed command in, packet posted where it was asked."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from bot.jobs.mfa_prompt import ENTER_CODE_ACTION
from devtools.fake_slack import Channel, FakeSlack
from tests.e2e.clock.world import ANA, BOB, DAY, MIA, seed_day
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase

Post = Callable[[SignedRequest], httpx.Response]


def packet(post: Post, slack: SlackRequests, text: str = "", *, user: str = BOB,
           channel: str = "C0TEAM") -> httpx.Response:
    response = post(slack.slash_command(text, command="/packet", user_id=user, channel_id=channel))
    assert response.status_code == 200
    return response


def final_reply(fake_slack: FakeSlack) -> dict[str, object]:
    return fake_slack.wait_for("response_url", 2)[1].params


def test_packet_posts_to_the_channel_where_it_was_asked(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    fake_slack.add_channel(Channel("C0LEADS", "leads"))

    packet(post, slack, channel="C0LEADS")

    reply = final_reply(fake_slack)
    assert fake_slack.calls("files.completeUploadExternal")[0].params["channel_id"] == "C0LEADS"
    assert "<#C0LEADS>" in str(reply["text"])
    assert reply["response_type"] == "ephemeral"
    assert "2 EDR report(s) are missing" in str(reply["text"])
    assert ENTER_CODE_ACTION not in json.dumps(reply.get("blocks", []))


def test_packet_for_a_date_builds_that_day(post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    packet(post, slack, "11/4")

    final_reply(fake_slack)
    assert fake_slack.calls("files.getUploadURLExternal")[0].params["filename"] == "Paperwork_20261104.pdf"


def test_asking_twice_in_one_channel_replaces_the_first_post(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    packet(post, slack)
    final_reply(fake_slack)
    packet(post, slack)
    replies = fake_slack.wait_for("response_url", 4)

    assert "updated" in str(replies[3].params["text"])
    assert len([m for m in fake_slack.messages("C0TEAM") if not m.files]) == 1
    assert len(fake_slack.calls("files.delete")) == 1


def test_a_manager_is_offered_the_enter_code_button_when_edr_pages_are_missing(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)

    packet(post, slack, user=MIA)

    blocks = json.dumps(final_reply(fake_slack).get("blocks", []))
    assert ENTER_CODE_ACTION in blocks and "packet:2026-11-03" in blocks


def test_where_the_bot_cannot_post_the_packet_goes_to_the_askers_dm(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel(Channel("G0SECRET", "secret", is_private=True, bot_is_member=False))

    packet(post, slack, channel="G0SECRET")

    reply = final_reply(fake_slack)
    assert fake_slack.calls("files.completeUploadExternal")[-1].params["channel_id"] == "D0BOB"
    assert "your DM" in str(reply["text"])


def test_an_employee_may_not_build_the_packet(post: Post, slack: SlackRequests,
                                               fake_slack: FakeSlack) -> None:
    packet(post, slack, user=ANA)

    [reply] = fake_slack.wait_for("response_url")
    assert "lead" in str(reply.params["text"])
    assert fake_slack.calls("files.getUploadURLExternal") == []


def test_an_unreadable_date_is_explained(post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    packet(post, slack, "someday soon")

    reply = fake_slack.wait_for("response_url")[0].params
    assert "date" in str(reply["text"]).lower()
    assert fake_slack.calls("files.getUploadURLExternal") == []
