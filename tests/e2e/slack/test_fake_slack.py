"""The fake Slack Web API, driven by the real slack_sdk client the bot uses."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import build
from bot.settings import Secret, Settings
from devtools.fake_slack import BOT_USER_ID, TEAM_CHANNEL_ID, Channel, FakeSlack, token_hint
from tests.fakes.uow import FakeUnitOfWork


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    settings = Settings(slack_bot_token=Secret("xoxb-fake-test"), slack_api_url=fake_slack.base_url)
    return build(settings, uow_factory=FakeUnitOfWork).web_client()


async def test_auth_test_describes_the_bot(client: AsyncWebClient) -> None:
    answer = await client.auth_test()

    assert answer["ok"] and answer["user_id"] == BOT_USER_ID and answer["team_id"] == "T0STORE"


async def test_calls_are_recorded_with_merged_params_and_a_token_hint(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    await client.chat_postMessage(
        channel=TEAM_CHANNEL_ID,
        text="hello",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    )

    [call] = fake_slack.calls("chat.postMessage")
    assert call.params["channel"] == TEAM_CHANNEL_ID and call.params["text"] == "hello"
    assert call.token == token_hint("xoxb-fake-test")
    assert b"xoxb-fake-test" not in call.raw_body


async def test_posted_messages_can_be_updated_and_deleted(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    posted = await client.chat_postMessage(channel=TEAM_CHANNEL_ID, text="v1")
    await client.chat_update(channel=TEAM_CHANNEL_ID, ts=posted["ts"], text="v2")
    [kept] = fake_slack.messages(TEAM_CHANNEL_ID)
    await client.chat_delete(channel=TEAM_CHANNEL_ID, ts=posted["ts"])

    assert kept.text == "v2"
    assert fake_slack.messages(TEAM_CHANNEL_ID) == []


async def test_dm_by_user_id_opens_a_direct_channel(client: AsyncWebClient, fake_slack: FakeSlack) -> None:
    opened = await client.conversations_open(users="U0ANA")
    posted = await client.chat_postMessage(channel="U0ANA", text="your shift")

    assert posted["channel"] == opened["channel"]["id"]
    assert [m.text for m in fake_slack.messages(posted["channel"])] == ["your shift"]


async def test_injected_error_is_answered_once_as_ok_false(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("chat.postMessage", "channel_not_found")

    with pytest.raises(SlackApiError) as failure:
        await client.chat_postMessage(channel=TEAM_CHANNEL_ID, text="x")
    second = await client.chat_postMessage(channel=TEAM_CHANNEL_ID, text="x")

    assert failure.value.response["error"] == "channel_not_found"
    assert second["ok"]


async def test_rate_limited_call_is_retried_after_retry_after(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limit("users.info", retry_after=0, times=2)

    answer = await client.users_info(user="U0ANA")

    assert answer["user"]["profile"]["email"] == "ana@example.com"
    assert len(fake_slack.calls("users.info")) == 3


async def test_files_upload_v2_runs_the_three_calls_and_keeps_the_bytes(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40

    await client.files_upload_v2(
        channel=TEAM_CHANNEL_ID,
        content=pdf,
        filename="packet.pdf",
        title="Packet",
        initial_comment="Today's packet",
    )

    methods = [c.method for c in fake_slack.calls()]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    [stored] = fake_slack.state.files.values()
    assert stored.content == pdf and stored.completed and stored.channels == [TEAM_CHANNEL_ID]
    assert fake_slack.messages(TEAM_CHANNEL_ID)[0].files == [stored.id]


async def test_upload_to_a_channel_without_the_bot_fails_until_it_joins(
    client: AsyncWebClient, fake_slack: FakeSlack
) -> None:
    fake_slack.add_channel(Channel("C0OTHER", "other", bot_is_member=False))

    with pytest.raises(SlackApiError) as failure:
        await client.files_upload_v2(channel="C0OTHER", content=b"x", filename="a.pdf")
    await client.conversations_join(channel="C0OTHER")
    await client.files_upload_v2(channel="C0OTHER", content=b"x", filename="a.pdf")

    assert failure.value.response["error"] == "not_in_channel"


async def test_views_open_update_push_and_publish(client: AsyncWebClient, fake_slack: FakeSlack) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Loading"}, "blocks": []}
    opened = await client.views_open(trigger_id="123.456", view=modal)
    updated = await client.views_update(view_id=opened["view"]["id"], view={**modal, "callback_id": "filled"})
    pushed = await client.views_push(trigger_id="123.457", view=modal)
    home = await client.views_publish(user_id="U0ANA", view={"type": "home", "blocks": []})

    assert updated["view"]["callback_id"] == "filled"
    assert pushed["view"]["previous_view_id"] == opened["view"]["id"]
    assert fake_slack.state.home["U0ANA"].id == home["view"]["id"]


async def test_user_lookups_use_the_seeded_table(client: AsyncWebClient) -> None:
    by_email = await client.users_lookupByEmail(email="BOB@example.com")
    page = await client.users_list(limit=2)

    assert by_email["user"]["id"] == "U0BOB"
    assert len(page["members"]) == 2 and page["response_metadata"]["next_cursor"] == "2"
    with pytest.raises(SlackApiError):
        await client.users_info(user="U0NOBODY")


async def test_reactions_and_conversation_info(client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel=TEAM_CHANNEL_ID, text="packet posted")
    await client.reactions_add(channel=TEAM_CHANNEL_ID, timestamp=posted["ts"], name="white_check_mark")
    info = await client.conversations_info(channel=TEAM_CHANNEL_ID)

    with pytest.raises(SlackApiError) as again:
        await client.reactions_add(channel=TEAM_CHANNEL_ID, timestamp=posted["ts"], name="white_check_mark")
    assert again.value.response["error"] == "already_reacted"
    assert info["channel"]["is_member"] is True


async def test_calls_without_a_token_are_not_authed(fake_slack: FakeSlack) -> None:
    anonymous = AsyncWebClient(base_url=fake_slack.base_url)

    with pytest.raises(SlackApiError) as failure:
        await anonymous.chat_postMessage(channel=TEAM_CHANNEL_ID, text="x")

    assert failure.value.response["error"] == "not_authed"
