"""The clock's run-once guarantees on a real database: catch-up, DST days, overlaps, many tickers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock.scheduler import JobRunner, JobSpec, trigger_for
from core.ports import UnitOfWork
from tests.fakes.clock import FixedClock
from tests.integration.clock.conftest import ZONE, Counter, job_context

TZ = ZoneInfo(ZONE)
UowFactory = Callable[[], UnitOfWork]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def runner_for(uow_factory: UowFactory, clock: FixedClock, *jobs: JobSpec) -> JobRunner:
    return JobRunner(job_context(uow_factory, clock), jobs)


def test_catch_up_after_downtime_runs_each_missed_daily_job_once(uow_factory: UowFactory,
                                                                  clock: FixedClock) -> None:
    morning, evening, interval = Counter(), Counter(), Counter()
    jobs = (JobSpec("packet", "morning", morning, at=time(5, 30)),
            JobSpec("reminders", "evening", evening, at=time(18, 0)),
            JobSpec("sync_events", "interval", interval, every_minutes=30))
    day = date(2026, 11, 3)
    clock.set(local(day, 8, 0))

    first = runner_for(uow_factory, clock, *jobs).catch_up()
    restarted = runner_for(uow_factory, clock, *jobs).catch_up()
    clock.set(local(day, 19, 0))
    evening_start = runner_for(uow_factory, clock, *jobs).catch_up()

    assert first == ["packet"]
    assert restarted == []
    assert evening_start == ["reminders"]
    assert morning.days == [day]
    assert evening.days == [day]
    assert interval.runs == 0


def test_catch_up_leaves_out_a_job_whose_catch_up_window_closed(uow_factory: UowFactory,
                                                                 clock: FixedClock) -> None:
    evening = Counter()
    clock.set(local(date(2026, 11, 3), 22, 30))
    runner = runner_for(uow_factory, clock,
                        JobSpec("reminders", "evening", evening, at=time(18, 0), catch_up_until=time(21, 0)))

    assert runner.catch_up() == []
    assert evening.runs == 0


@pytest.mark.parametrize("day", [date(2027, 3, 14), date(2026, 11, 1)], ids=["spring-forward", "fall-back"])
@pytest.mark.parametrize("at", [time(1, 30), time(2, 30), time(5, 30)], ids=["0130", "0230", "0530"])
def test_daily_job_runs_once_on_a_dst_day(uow_factory: UowFactory, clock: FixedClock, day: date,
                                          at: time) -> None:
    counter = Counter()
    spec = JobSpec("packet", "daily", counter, at=at)
    runner = runner_for(uow_factory, clock, spec)
    start, end = datetime.combine(day, time.min, TZ), datetime.combine(day + timedelta(days=1), time.min, TZ)
    trigger = trigger_for(spec, TZ)
    fires: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire < end and len(fires) < 5:
        fires.append(fire)
        after = (fire.astimezone(UTC) + timedelta(seconds=1)).astimezone(TZ)
        fire = trigger.get_next_fire_time(fire, after)

    for fired in fires:
        runner.run("packet", fired)
    instant = start.astimezone(UTC)
    while instant < end:
        runner.catch_up(instant)
        instant += timedelta(minutes=15)

    assert fires, "the trigger fires on the DST day"
    assert counter.days == [day]


def test_an_overlapping_run_is_skipped(uow_factory: UowFactory, clock: FixedClock) -> None:
    counter = Counter(gate=threading.Event())
    runner = runner_for(uow_factory, clock, JobSpec("packet", "daily", counter, at=time(5, 30)))
    first: list[bool] = []
    worker = threading.Thread(target=lambda: first.append(runner.run("packet")))
    worker.start()
    assert counter.entered.wait(20)

    second = runner.run("packet")
    assert counter.gate is not None
    counter.gate.set()
    worker.join(20)

    assert first == [True]
    assert second is False
    assert counter.runs == 1


def test_a_failed_run_is_recorded_and_not_retried_in_its_period(uow_factory: UowFactory,
                                                                 clock: FixedClock) -> None:
    attempts: list[date] = []

    def broken(ctx: object, day: date) -> str:
        attempts.append(day)
        raise RuntimeError("upstream down")

    runner = runner_for(uow_factory, clock, JobSpec("sync_reps", "daily", broken, at=time(4, 0)))

    assert runner.run("sync_reps") is True
    assert runner.run("sync_reps") is False
    with uow_factory() as uow:
        period, status, finished = uow.job_ledger.last_runs(1)["sync_reps"]
    assert len(attempts) == 1
    assert (period, status) == (clock.now().astimezone(TZ).date().isoformat(), "failed")
    assert finished is not None


def test_four_concurrent_tickers_over_ten_periods_run_exactly_ten_times(uow_factory: UowFactory,
                                                                        clock: FixedClock) -> None:
    counter = Counter()
    runner = runner_for(uow_factory, clock, JobSpec("sync_events", "interval", counter, every_minutes=15))
    base = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
    periods = [base + timedelta(minutes=15 * i, seconds=7) for i in range(10)]
    barrier = threading.Barrier(4)
    ran_here: list[int] = []
    errors: list[BaseException] = []

    def ticker() -> None:
        mine = 0
        try:
            for instant in periods:
                barrier.wait(30)
                mine += runner.run("sync_events", instant)
        except BaseException as exc:
            errors.append(exc)
        ran_here.append(mine)

    threads = [threading.Thread(target=ticker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    assert counter.runs == 10
    assert sum(ran_here) == 10
