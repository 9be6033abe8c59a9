"""Evening reminders and the Slack notifier: DMs through conversations.open + chat.postMessage, paced."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock.scheduler import JobRunner, job_table
from bot.jobs.context import JobContext
from bot.jobs.reminders import send_reminders
from bot.settings import Settings
from core.errors import RemoteError
from devtools.fake_slack import FakeSlack
from integrations.slack.notifier import SlackNotifier, sync_web_client
from tests.e2e.clock.world import ADMIN, ANA, BOB, DAY, MIA, ZED, at, seed_day
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, fake_uow_factory

TOMORROW = DAY + timedelta(days=1)


def dms(fake_slack: FakeSlack, user: str) -> list[str]:
    return [m.text for m in fake_slack.messages("D" + user.lstrip("U"))]


def test_everyone_scheduled_tomorrow_gets_one_dm_with_time_event_and_store(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, numbers: list[str]) -> None:
    seed_day(database, TOMORROW, numbers)

    detail = send_reminders(ctx, TOMORROW)

    [ana] = dms(fake_slack, ANA)
    assert "Wednesday November 4" in ana and "Sam's Club 8135" in ana
    assert f"10:45 AM – 5:15 PM  {numbers[0]}-CORE-Sandbox Demo 1" in ana
    assert "11:15 AM" in dms(fake_slack, BOB)[0]
    assert "12:00 PM – 12:05 PM" in dms(fake_slack, MIA)[0]
    assert dms(fake_slack, ZED) == []
    assert detail == f"reminders for {TOMORROW}: 3 sent, 0 failed"


def test_the_evening_job_reminds_once_however_often_it_fires(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, clock: FixedClock,
        numbers: list[str]) -> None:
    seed_day(database, TOMORROW, numbers)
    clock.set(at(DAY, 18, 0))
    runner = JobRunner(ctx, job_table(ctx))

    assert runner.run("reminders") is True
    clock.set(at(DAY, 18, 0) + timedelta(seconds=30))
    assert runner.run("reminders") is False

    assert len(dms(fake_slack, ANA)) == 1


def test_a_failed_dm_does_not_stop_the_other_reminders(
        ctx: JobContext, database: FakeDatabase, fake_slack: FakeSlack, numbers: list[str]) -> None:
    seed_day(database, TOMORROW, numbers)
    fake_slack.fail("chat.postMessage", "channel_not_found")

    detail = send_reminders(ctx, TOMORROW)

    assert detail.endswith("2 sent, 1 failed")


@pytest.fixture
def paced(settings: Settings, database: FakeDatabase) -> tuple[SlackNotifier, list[float]]:
    waits: list[float] = []
    token = settings.slack_bot_token.reveal()
    notifier = SlackNotifier(lambda: sync_web_client(settings.slack_api_url, token),
                             fake_uow_factory(database),
                             admins=settings.schedbot_admins, sleep=waits.append, monotonic=lambda: 100.0)
    return notifier, waits


def test_an_employee_dm_opens_the_conversation_then_posts(
        paced: tuple[SlackNotifier, list[float]], fake_slack: FakeSlack) -> None:
    notifier, _ = paced

    notifier.notify_employee(1, "E-ANA", "hello Ana")

    assert [c.method for c in fake_slack.calls()] == ["conversations.open", "chat.postMessage"]
    assert fake_slack.calls("conversations.open")[0].params["users"] == ANA
    assert dms(fake_slack, ANA) == ["hello Ana"]


def test_managers_are_linked_managers_and_configured_admins(
        paced: tuple[SlackNotifier, list[float]], fake_slack: FakeSlack) -> None:
    notifier, _ = paced

    notifier.notify_managers(1, "heads up", blocks=[{"type": "section",
                                                     "text": {"type": "mrkdwn", "text": "heads up"}}])

    assert dms(fake_slack, MIA) == ["heads up"] and dms(fake_slack, ADMIN) == ["heads up"]
    assert dms(fake_slack, ANA) == [] and dms(fake_slack, BOB) == []


def test_posts_to_one_channel_are_paced_to_one_a_second_and_other_channels_are_not_held(
        paced: tuple[SlackNotifier, list[float]], fake_slack: FakeSlack) -> None:
    notifier, waits = paced

    for n in range(3):
        notifier.notify_employee(1, "E-ANA", f"message {n}")
    notifier.notify_employee(1, "E-BOB", "other channel")

    assert waits == [1.0, 2.0]
    assert len(fake_slack.calls("conversations.open")) == 2


def test_an_employee_without_a_slack_link_is_skipped(
        paced: tuple[SlackNotifier, list[float]], fake_slack: FakeSlack, database: FakeDatabase) -> None:
    notifier, _ = paced

    notifier.notify_employee(1, "E-NOBODY", "hello")

    assert fake_slack.calls() == []


def test_slack_refusing_every_manager_is_a_remote_error(
        paced: tuple[SlackNotifier, list[float]], fake_slack: FakeSlack) -> None:
    notifier, _ = paced
    fake_slack.fail("conversations.open", "user_not_found", times=2)

    with pytest.raises(RemoteError):
        notifier.notify_managers(1, "anyone?")
