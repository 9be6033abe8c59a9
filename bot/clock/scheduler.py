"""``schedbot clock``: the one APScheduler (3.x) process that runs syncs, the packet and reminders.

Every job has an explicit id (``replace_existing``), ``coalesce=True``, ``max_instances=1`` and its own
``misfire_grace_time``; times are store-local. Each run first claims a run-once ledger row
``(job, period)`` (``core.services.jobs.run_once``): the period of a daily job is the store-local date,
of an interval job the UTC interval, so overlapping runs (a second process, a deploy overlap, DST
days that repeat an hour) are skipped. At start the clock catches up: a daily job whose time already
passed today and whose period is not in the ledger runs once.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.jobs.context import JobContext
from bot.jobs.packet import DailyPacket
from bot.jobs.reminders import send_reminders
from bot.jobs.syncs import scheduled_sync
from core.services.jobs import daily_period, interval_period, run_once

log = logging.getLogger(__name__)

EVENTS_SYNC_MINUTES = 30
REPS_SYNC_AT = time(4, 0)
EDR_REFRESH_AT = time(4, 45)
REMINDERS_AT = time(18, 0)
REMINDERS_LATEST = time(21, 0)
CATCH_UP_JOB_ID = "catch_up"

JobBody = Callable[[JobContext, date], str | None]


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: daily at ``at`` (store-local) or every ``every_minutes``."""

    id: str
    description: str
    body: JobBody
    at: time | None = None
    every_minutes: int | None = None
    misfire_grace_seconds: int = 300
    catch_up_until: time | None = None
    """Daily jobs: the latest store-local time a catch-up run may still start (None: all day)."""

    def __post_init__(self) -> None:
        if (self.at is None) == (self.every_minutes is None):
            raise ValueError(f"job {self.id} needs exactly one of at / every_minutes")
        if self.every_minutes is not None and 60 % self.every_minutes != 0:
            raise ValueError(f"job {self.id}: every_minutes must divide an hour")

    @property
    def daily(self) -> bool:
        """True for a once-a-day job."""
        return self.at is not None


def _packet(ctx: JobContext, day: date) -> str:
    return DailyPacket(ctx).scheduled(day).describe()


def _packet_deadline(ctx: JobContext, day: date) -> str:
    return DailyPacket(ctx).deadline(day).describe()


def _reminders(ctx: JobContext, day: date) -> str:
    return send_reminders(ctx, day + timedelta(days=1))


def job_table(ctx: JobContext) -> tuple[JobSpec, ...]:
    """The jobs this store runs; jobs whose remote service or channel is not configured are left out."""
    settings = ctx.settings
    jobs: list[JobSpec] = []
    if ctx.sync is not None:
        jobs.append(JobSpec("sync_events", "Crossmark events sync",
                            lambda c, d: scheduled_sync(c, "events"), every_minutes=EVENTS_SYNC_MINUTES,
                            misfire_grace_seconds=600))
        jobs.append(JobSpec("sync_reps", "Crossmark reps sync", lambda c, d: scheduled_sync(c, "reps"),
                            at=REPS_SYNC_AT, misfire_grace_seconds=3600))
        if ctx.retaillink is not None:
            jobs.append(JobSpec("edr_refresh", "Retail Link EDR cache refresh",
                                lambda c, d: scheduled_sync(c, "edr"), at=EDR_REFRESH_AT,
                                misfire_grace_seconds=1800))
    if settings.team_channel.strip():
        jobs.append(JobSpec("packet", "Daily packet to the team channel", _packet, at=settings.packet_time,
                            misfire_grace_seconds=900))
        jobs.append(JobSpec("packet_deadline", "Post a packet still waiting for a Retail Link code",
                            _packet_deadline, at=settings.packet_deadline, misfire_grace_seconds=3600))
    jobs.append(JobSpec("reminders", "Evening reminders for tomorrow's shifts", _reminders, at=REMINDERS_AT,
                        misfire_grace_seconds=3600, catch_up_until=REMINDERS_LATEST))
    return tuple(jobs)


def trigger_for(spec: JobSpec, zone: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger of a job, in the store's timezone."""
    if spec.at is not None:
        return CronTrigger(hour=spec.at.hour, minute=spec.at.minute, second=spec.at.second, timezone=zone)
    return CronTrigger(minute=f"*/{spec.every_minutes}", timezone=zone)


def next_runs(jobs: Sequence[JobSpec], zone: ZoneInfo, now: datetime) -> list[tuple[JobSpec, datetime]]:
    """When each job fires next after ``now`` (store-local, soonest first)."""
    found = []
    for spec in jobs:
        fire = trigger_for(spec, zone).get_next_fire_time(None, now.astimezone(zone))
        if fire is not None:
            found.append((spec, fire))
    return sorted(found, key=lambda pair: pair[1])


class JobRunner:
    """Runs the jobs of one store through the run-once ledger."""

    def __init__(self, ctx: JobContext, jobs: Sequence[JobSpec]) -> None:
        self.ctx = ctx
        self.jobs = {spec.id: spec for spec in jobs}
        if len(self.jobs) != len(jobs):
            raise ValueError("job ids must be unique")

    def period(self, spec: JobSpec, now: datetime) -> str:
        """The ledger period of ``spec`` at ``now``."""
        if spec.every_minutes is not None:
            return interval_period(now.astimezone(UTC), spec.every_minutes)
        return daily_period(now.astimezone(self.ctx.zone).date())

    def run(self, job_id: str, now: datetime | None = None) -> bool:
        """Run one job for the period of ``now`` (default: the context clock); False when skipped."""
        spec = self.jobs[job_id]
        instant = now or self.ctx.clock.now()
        local_day = instant.astimezone(self.ctx.zone).date()
        return run_once(self.ctx.uow_factory, self.ctx.store_id, spec.id, self.period(spec, instant),
                        lambda: spec.body(self.ctx, local_day))

    def due_for_catch_up(self, now: datetime) -> list[JobSpec]:
        """Daily jobs whose time already passed today (and whose catch-up window is open)."""
        local = now.astimezone(self.ctx.zone).time()
        due = [spec for spec in self.jobs.values()
               if spec.at is not None and spec.at <= local
               and (spec.catch_up_until is None or local <= spec.catch_up_until)]
        return sorted(due, key=lambda spec: spec.at or time.min)

    def catch_up(self, now: datetime | None = None) -> list[str]:
        """Run, once, every daily job that should already have run today; the ids that ran here."""
        instant = now or self.ctx.clock.now()
        ran = [spec.id for spec in self.due_for_catch_up(instant) if self.run(spec.id, instant)]
        if ran:
            log.info("caught up after downtime: %s", ", ".join(ran))
        return ran


def schedule_jobs(scheduler: BaseScheduler, runner: JobRunner) -> BaseScheduler:
    """Add every job of ``runner`` to ``scheduler`` (explicit ids, coalesced, one instance each)."""
    for spec in runner.jobs.values():
        scheduler.add_job(runner.run, trigger_for(spec, runner.ctx.zone), args=[spec.id], id=spec.id,
                          name=spec.description, replace_existing=True, coalesce=True, max_instances=1,
                          misfire_grace_time=spec.misfire_grace_seconds)
    scheduler.add_job(runner.catch_up, id=CATCH_UP_JOB_ID, name="Catch up after downtime",
                      replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None)
    return scheduler


def run_clock(ctx: JobContext, *, scheduler: BaseScheduler | None = None) -> None:
    """Run the clock until SIGTERM / SIGINT: catch up first, then fire jobs on time."""
    runner = JobRunner(ctx, job_table(ctx))
    chosen = scheduler or BlockingScheduler(timezone=ctx.zone)
    schedule_jobs(chosen, runner)
    for spec, fire in next_runs(list(runner.jobs.values()), ctx.zone, ctx.clock.now()):
        log.info("job %s next runs at %s", spec.id, fire.isoformat())

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("clock stopping (signal %s)", signum)
        chosen.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    try:
        chosen.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("clock stopped")
