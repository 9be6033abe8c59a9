"""Run-once guard for scheduled jobs: one ledger row per (store, job, period)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from core.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

JobBody = Callable[[], str | None]


def daily_period(local_day: date) -> str:
    """The period of a once-a-day job: the store-local date (DST days stay one period)."""
    return local_day.isoformat()


def interval_period(now_utc: datetime, minutes: int) -> str:
    """The period of an every-N-minutes job: the UTC instant floored to the interval."""
    base = now_utc.replace(second=0, microsecond=0)
    floored = base - timedelta(minutes=(base.hour * 60 + base.minute) % minutes)
    return floored.strftime("%Y-%m-%dT%H:%MZ")


def run_once(uow_factory: UnitOfWorkFactory, store_id: int, job: str, period: str,
             body: JobBody) -> bool:
    """Run ``body`` unless another process already claimed (job, period); True if it ran here.

    The claim is committed before the work starts, so an overlapping run (another ticker, a
    manual run, an overlapping deploy) is skipped. A failure is recorded on the ledger row and
    not retried within the same period.
    """
    with uow_factory() as uow:
        claimed = uow.job_ledger.claim(job, period, store_id)
        uow.commit()
    if not claimed:
        log.info("job %s for %s already ran; skipped", job, period)
        return False
    status, detail = "ok", None
    try:
        detail = body()
    except Exception as exc:
        status, detail = "failed", f"{type(exc).__name__}: {exc}"[:500]
        log.exception("job %s for %s failed", job, period)
    with uow_factory() as uow:
        uow.job_ledger.finish(job, period, store_id, status, detail)
        uow.commit()
    return True
