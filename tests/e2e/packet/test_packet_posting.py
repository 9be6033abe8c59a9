"""The daily packet job against the fake Slack: upload, idempotent reposts, the code wait, the deadline."""

from __future__ import annotations

import json

from bot.jobs.context import JobContext
from bot.jobs.mfa_prompt import ENTER_CODE_ACTION
from bot.jobs.packet import DailyPacket
from devtools.fake_slack import FakeSlack
from devtools.sandbox import SANDBOX_MFA_CODE
from integrations.retaillink import RetailLinkAdapter
from tests.e2e.clock.world import ANA, BOB, DAY, MANAGERS, at, page_count, pdf_text, seed_day
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

UPLOAD_STEPS = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def sign_in(retaillink: RetailLinkAdapter) -> None:
    retaillink.request_code()
    retaillink.submit_code(SANDBOX_MFA_CODE)


def upload_calls(fake_slack: FakeSlack) -> list[str]:
    return [c.method for c in fake_slack.calls() if c.method in UPLOAD_STEPS]


def summaries(fake_slack: FakeSlack, channel: str = "C0TEAM") -> list[str]:
    return [m.text for m in fake_slack.messages(channel) if not m.files]


def live_files(fake_slack: FakeSlack, channel: str = "C0TEAM") -> list[bytes]:
    with fake_slack.state.lock:
        return [f.content for f in fake_slack.state.files.values()
                if f.completed and not f.deleted and channel in f.channels]


def dm_blocks(fake_slack: FakeSlack, user: str) -> list[str]:
    channel = "D" + user.lstrip("U")
    return [json.dumps(m.blocks) for m in fake_slack.messages(channel)]


def test_the_packet_goes_up_through_the_three_upload_calls_with_its_pdf(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, retaillink: RetailLinkAdapter,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    sign_in(retaillink)

    outcome = DailyPacket(ctx).scheduled(DAY)

    assert upload_calls(fake_slack) == UPLOAD_STEPS
    ask = fake_slack.calls("files.getUploadURLExternal")[0].params
    assert ask["filename"] == "Paperwork_20261103.pdf"
    raw = fake_slack.calls("upload")[0]
    sent = next(iter(raw.files.values())) if raw.files else raw.raw_body
    assert sent.startswith(b"%PDF") and int(ask["length"]) == len(sent)
    assert fake_slack.calls("files.completeUploadExternal")[0].params["channel_id"] == "C0TEAM"
    text = pdf_text(sent)
    assert "EVENT DETAIL REPORT" in text
    assert all(number in text for number in numbers)
    assert outcome.posted is not None and not outcome.posted.replaced
    [summary] = summaries(fake_slack)
    assert "10:45 AM Ana Lopez" in summary and "11:15 AM Bob Stone" in summary
    with FakeUnitOfWork(database) as uow:
        record = uow.packet_posts.get(1, DAY)
    assert record is not None and record.posted and record.file_id == outcome.posted.file_id


def test_running_the_packet_again_replaces_the_earlier_post_instead_of_adding_one(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, retaillink: RetailLinkAdapter,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    sign_in(retaillink)
    first = DailyPacket(ctx).scheduled(DAY)

    second = DailyPacket(ctx).scheduled(DAY)

    assert first.posted is not None and second.posted is not None
    assert second.posted.replaced
    assert second.posted.message_ts == first.posted.message_ts
    assert [c.params["file"] for c in fake_slack.calls("files.delete")] == [first.posted.file_id]
    assert len(summaries(fake_slack)) == 1
    assert len(live_files(fake_slack)) == 1
    assert len(fake_slack.calls("chat.update")) == 1


def test_the_bot_joins_the_team_channel_when_it_is_not_a_member(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, retaillink: RetailLinkAdapter,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    sign_in(retaillink)
    fake_slack.state.channels["C0TEAM"].bot_is_member = False

    outcome = DailyPacket(ctx).scheduled(DAY)

    assert [c.params["channel"] for c in fake_slack.calls("conversations.join")] == ["C0TEAM"]
    assert outcome.posted is not None
    assert len(live_files(fake_slack)) == 1


def test_when_retail_link_needs_a_code_each_manager_gets_the_button_and_nothing_is_posted(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)

    outcome = DailyPacket(ctx).scheduled(DAY)

    assert outcome.waiting and outcome.posted is None
    assert upload_calls(fake_slack) == []
    assert summaries(fake_slack) == []
    for manager in MANAGERS:
        [blocks] = dm_blocks(fake_slack, manager)
        assert ENTER_CODE_ACTION in blocks and '"packet:2026-11-03"' in blocks
    assert dm_blocks(fake_slack, ANA) == [] and dm_blocks(fake_slack, BOB) == []
    with FakeUnitOfWork(database) as uow:
        record = uow.packet_posts.get(1, DAY)
    assert record is not None and record.channel == "C0TEAM" and not record.posted


def test_at_the_deadline_a_waiting_packet_is_posted_without_edr_pages_and_says_so(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, clock: FixedClock,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    DailyPacket(ctx).scheduled(DAY)
    clock.set(at(DAY, 7, 0))

    outcome = DailyPacket(ctx).deadline(DAY)

    assert outcome.posted is not None
    [pdf] = live_files(fake_slack)
    text = pdf_text(pdf)
    assert "EVENT DETAIL REPORT" not in text
    assert "No Retail Link code was entered by 7:00 AM" in text
    [summary] = summaries(fake_slack)
    assert "No Retail Link code was entered by 7:00 AM" in summary


def test_the_deadline_job_does_nothing_when_no_packet_is_waiting(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, retaillink: RetailLinkAdapter,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    sign_in(retaillink)
    DailyPacket(ctx).scheduled(DAY)
    fake_slack.clear_calls()

    outcome = DailyPacket(ctx).deadline(DAY)

    assert outcome.posted is None
    assert upload_calls(fake_slack) == []


def test_after_the_deadline_the_morning_job_posts_at_once_without_asking(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, clock: FixedClock,
        numbers: list[str]) -> None:
    seed_day(database, DAY, numbers)
    clock.set(at(DAY, 8, 15))

    outcome = DailyPacket(ctx).scheduled(DAY)

    assert outcome.posted is not None and outcome.needs_code
    assert all(dm_blocks(fake_slack, manager) == [] for manager in MANAGERS)
    assert "Retail Link needs a new verification code" in summaries(fake_slack)[0]


def test_a_day_without_events_posts_a_one_page_no_events_packet(
        ctx: JobContext, fake_slack: FakeSlack) -> None:
    outcome = DailyPacket(ctx).scheduled(DAY)

    assert outcome.posted is not None
    [pdf] = live_files(fake_slack)
    assert page_count(pdf) == 1
    assert "No events scheduled" in pdf_text(pdf)
    assert summaries(fake_slack) == ["No events scheduled for Tuesday November 3."]
