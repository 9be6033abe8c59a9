"""The APScheduler job table: ids, coalescing, one instance, misfire grace, store-local times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock.scheduler import CATCH_UP_JOB_ID, JobRunner, JobSpec, job_table, next_runs, schedule_jobs
from bot.jobs.context import JobContext
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, fake_uow_factory
from tests.integration.clock.conftest import ZONE, job_context

TZ = ZoneInfo(ZONE)
EXPECTED_GRACE = {"sync_events": 600, "sync_reps": 3600, "edr_refresh": 1800, "packet": 900,
                  "packet_deadline": 3600, "reminders": 3600}


class Present:
    """Stands in for a configured service (the table only asks whether one exists)."""


def full_context(clock: FixedClock) -> JobContext:
    ctx = job_context(fake_uow_factory(FakeDatabase()), clock)
    ctx.packet = Present()  # type: ignore[assignment]
    ctx.sync = Present()
    ctx.retaillink = Present()  # type: ignore[assignment]
    return ctx


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    sched = BackgroundScheduler(timezone=TZ)
    yield sched
    if sched.running:
        sched.shutdown(wait=False)


def test_every_job_is_registered_with_its_id_coalesced_once_with_its_misfire_grace(
        scheduler: BackgroundScheduler) -> None:
    ctx = full_context(FixedClock())
    schedule_jobs(scheduler, JobRunner(ctx, job_table(ctx)))
    scheduler.start(paused=True)

    jobs = {job.id: job for job in scheduler.get_jobs()}

    assert set(jobs) == {*EXPECTED_GRACE, CATCH_UP_JOB_ID}
    for job_id, grace in EXPECTED_GRACE.items():
        job = jobs[job_id]
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == grace
        assert job.args == (job_id,)
        assert str(job.trigger.timezone) == ZONE
    assert jobs["packet"].misfire_grace_time >= 20


def test_registering_twice_replaces_the_jobs_instead_of_adding_more(scheduler: BackgroundScheduler) -> None:
    ctx = full_context(FixedClock())
    runner = JobRunner(ctx, job_table(ctx))
    scheduler.start(paused=True)
    schedule_jobs(scheduler, runner)
    schedule_jobs(scheduler, runner)

    assert len(scheduler.get_jobs()) == len(EXPECTED_GRACE) + 1


def test_packet_job_fires_at_packet_time_in_the_store_timezone() -> None:
    clock = FixedClock(datetime(2026, 11, 3, 4, 1, tzinfo=TZ))
    ctx = full_context(clock)

    upcoming = {spec.id: fire for spec, fire in next_runs(job_table(ctx), TZ, clock.now())}

    assert upcoming["packet"] == datetime(2026, 11, 3, 5, 30, tzinfo=TZ)
    assert upcoming["packet_deadline"] == datetime(2026, 11, 3, 7, 0, tzinfo=TZ)
    assert upcoming["edr_refresh"] == datetime(2026, 11, 3, 4, 45, tzinfo=TZ)
    assert upcoming["sync_events"] == datetime(2026, 11, 3, 4, 30, tzinfo=TZ)
    assert upcoming["reminders"] == datetime(2026, 11, 3, 18, 0, tzinfo=TZ)


def test_jobs_without_crossmark_or_a_team_channel_are_left_out() -> None:
    ctx = job_context(fake_uow_factory(FakeDatabase()), FixedClock(), team_channel="")

    assert [spec.id for spec in job_table(ctx)] == ["reminders"]


def test_a_job_is_either_daily_or_periodic() -> None:
    with pytest.raises(ValueError):
        JobSpec("bad", "both", lambda c, d: None, at=time(5, 0), every_minutes=30)
    with pytest.raises(ValueError):
        JobSpec("bad", "odd interval", lambda c, d: None, every_minutes=7)
