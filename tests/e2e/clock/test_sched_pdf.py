"""``/sched week pdf`` and ``/sched @user pdf``: schedule PDFs uploaded through files_upload_v2."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from bot.slack.subcommands import REGISTRY, SubcommandRequest, register_subcommand
from devtools.fake_slack import FakeSlack
from tests.e2e.clock.world import ANA, BOB, DAY, MIA, pdf_text, seed_day
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase

Post = Callable[[SignedRequest], httpx.Response]
UPLOAD_STEPS = ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def sched(post: Post, slack: SlackRequests, text: str, user: str = BOB) -> None:
    assert post(slack.slash_command(text, user_id=user)).status_code == 200


def uploaded(fake_slack: FakeSlack) -> tuple[str, str, bytes]:
    """(filename, channel, bytes) of the one completed upload."""
    complete = fake_slack.wait_for("files.completeUploadExternal")[0].params
    with fake_slack.state.lock:
        [record] = [f for f in fake_slack.state.files.values() if f.completed]
        return record.filename, str(complete["channel_id"]), record.content


@pytest.fixture
def seeded(database: FakeDatabase, numbers: list[str]) -> FakeDatabase:
    seed_day(database, DAY, numbers)
    return database


def test_week_pdf_uploads_the_weekly_schedule_to_the_askers_dm(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, seeded: FakeDatabase) -> None:
    sched(post, slack, "week pdf")

    filename, channel, data = uploaded(fake_slack)
    assert [c.method for c in fake_slack.calls() if c.method in UPLOAD_STEPS] == UPLOAD_STEPS
    assert (filename, channel) == ("Week_20261101.pdf", "D0BOB")
    assert data.startswith(b"%PDF")
    assert "Ana Lopez" in pdf_text(data)
    reply = fake_slack.wait_for("response_url")[0].params
    assert "your DM" in str(reply["text"])


def test_week_pdf_with_public_goes_to_the_channel(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, seeded: FakeDatabase) -> None:
    sched(post, slack, "week 11/10 pdf public")

    filename, channel, _ = uploaded(fake_slack)
    assert (filename, channel) == ("Week_20261108.pdf", "C0TEAM")


def test_a_persons_pdf_has_their_two_weeks(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, seeded: FakeDatabase) -> None:
    sched(post, slack, f"<@{ANA}|ana> pdf", user=MIA)

    filename, channel, data = uploaded(fake_slack)
    assert (filename, channel) == ("Schedule_Ana_Lopez_20261101.pdf", "D0MIA")
    assert "Ana Lopez" in pdf_text(data)


def test_an_employee_may_not_fetch_someone_elses_pdf(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, seeded: FakeDatabase) -> None:
    sched(post, slack, f"<@{BOB}> pdf", user=ANA)

    reply = fake_slack.wait_for("response_url")[0].params
    assert "lead" in str(reply["text"])
    assert fake_slack.calls("files.getUploadURLExternal") == []


@pytest.fixture
def week_view(server: object) -> Iterator[list[tuple[str, ...]]]:
    """A stand-in for the schedule view's own ``week`` subcommand, registered after the app."""
    seen: list[tuple[str, ...]] = []
    before = REGISTRY.find("week")

    async def show_week(request: SubcommandRequest) -> None:
        seen.append(request.args)
        await request.reply("the week view")

    register_subcommand("week", show_week, help="The week's schedule")
    yield seen
    REGISTRY.unregister("week")
    if before is not None:
        REGISTRY.register(before)


def test_week_without_pdf_still_reaches_the_week_view(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, week_view: list[tuple[str, ...]]) -> None:
    sched(post, slack, "week 11/10")
    fake_slack.wait_for("response_url")
    sched(post, slack, "week pdf")
    uploaded(fake_slack)

    assert week_view == [("11/10",)]
