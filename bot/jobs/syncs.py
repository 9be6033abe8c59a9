"""Sync job bodies (Crossmark events and reps, the Retail Link EDR cache), shared with ``/sched sync``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.jobs.context import JobContext
from core.errors import InvalidInput, NeedsMfaCode
from core.model import Actor
from core.services.sync import SyncService

log = logging.getLogger(__name__)

SYNC_KINDS = ("events", "reps", "edr")
COUNT_ORDER = ("created", "updated", "unchanged", "conflicts")


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync did; ``needs_code`` when Retail Link wants a new SMS code first."""

    kind: str
    counts: dict[str, int]
    conflicts: tuple[str, ...] = ()
    needs_code: bool = False

    def describe(self) -> str:
        """``events sync: 3 created, 1 updated, 40 unchanged, 0 conflicts``."""
        if self.needs_code:
            return f"{self.kind} sync: Retail Link needs a new SMS code"
        parts = [f"{self.counts.get(key, 0)} {key}" for key in COUNT_ORDER]
        return f"{self.kind} sync: " + ", ".join(parts)


def sync_service(ctx: JobContext) -> SyncService:
    """The ``SyncService``; a configuration error when Crossmark is not configured."""
    if ctx.sync is None:
        raise InvalidInput("Syncing is not configured (no Crossmark connection).")
    return ctx.sync


def run_sync(ctx: JobContext, kind: str, actor: Actor | None = None) -> SyncOutcome:
    """Run one sync as ``actor`` (default: the system actor). ``NeedsMfaCode`` becomes an outcome."""
    if kind not in SYNC_KINDS:
        raise InvalidInput(f"Unknown sync {kind!r}; use one of: {', '.join(SYNC_KINDS)}.",
                           {"kind": "unknown sync"})
    who = actor or ctx.actor
    service = sync_service(ctx)
    runner = {"events": service.sync_events, "reps": service.sync_reps, "edr": service.sync_edr}[kind]
    try:
        report = runner(who)
    except NeedsMfaCode:
        log.info("%s sync needs a Retail Link code", kind)
        return SyncOutcome(kind, {}, needs_code=True)
    return SyncOutcome(kind, dict(report.counts), tuple(report.conflicts))


def scheduled_sync(ctx: JobContext, kind: str) -> str:
    """A sync job body: the outcome line for the job ledger."""
    return run_sync(ctx, kind).describe()
