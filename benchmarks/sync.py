"""Benchmark: sync 5,000 mPlans and 200 reps from the Crossmark sandbox into SQLite and PostgreSQL.

    python benchmarks/sync.py [--mplans N] [--reps N] [--json]

The sandbox (loopback HTTP, seeded data, every fifth bulk mPlan Scheduled to a rep) is read through
the real client (``CrossmarkAdapter``) by the core ``SyncService``: reps sync then events sync, once
into an empty migrated database (first sync) and once more with nothing changed remotely (re-sync).
PostgreSQL runs when ``TEST_DATABASE_URL`` is set (a fresh database, dropped afterwards).

``resync_writes`` counts the rows of every INSERT / UPDATE / DELETE statement the re-sync sent to
the database, except the two ``sync_runs`` rows that record the runs themselves (shown apart).
Targets: first sync < 10 s, re-sync < 3 s with 0 writes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import backends, migrated_database

from core.model import Actor, Role, Store
from core.services.sync import SyncReport, SyncService
from devtools.sandbox import SANDBOX_PASSWORD, SANDBOX_USERNAME, RunningSandboxes, start_sandboxes
from integrations.crossmark import CrossmarkAdapter
from integrations.db.unit_of_work import UtcClock

MANAGER = Actor(slack_user_id="UBENCHMGR", role=Role.ADMIN)
RUN_TABLE = "sync_runs"
FIRST_TARGET, RESYNC_TARGET = 10.0, 3.0


def sync_once(service: SyncService) -> tuple[float, SyncReport, SyncReport]:
    """Reps then events, timed together."""
    started = time.perf_counter()
    reps = service.sync_reps(MANAGER)
    events = service.sync_events(MANAGER)
    return time.perf_counter() - started, reps, events


def one_database(backend: str, sandboxes: RunningSandboxes) -> dict[str, Any]:
    dataset = sandboxes.dataset
    with migrated_database(backend, "sync") as (uow, counter):
        with uow() as setup:
            store = Store(MANAGER.store_id, dataset.store_number, dataset.store_name, dataset.timezone)
            if setup.stores.get(store.id) is None:
                setup.stores.add(store)
            else:
                setup.stores.update(store)
            setup.commit()
        client = CrossmarkAdapter(sandboxes.crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD,
                                  timezone=dataset.timezone)
        try:
            service = SyncService(uow, client, UtcClock())
            counter.reset()
            first_seconds, first_reps, first_events = sync_once(service)
            first_writes = counter.total(excluding=(RUN_TABLE,))
            counter.reset()
            resync_seconds, resync_reps, resync_events = sync_once(service)
            resync_writes = counter.total(excluding=(RUN_TABLE,))
            run_rows = counter.rows[RUN_TABLE]
        finally:
            client.close()
    return {
        "database": backend,
        "mplans": len(dataset.mplans),
        "reps": len(dataset.reps),
        "first_sync_seconds": round(first_seconds, 3),
        "resync_seconds": round(resync_seconds, 3),
        "resync_writes": resync_writes,
        "_detail": {"first_writes": first_writes, "resync_run_rows": run_rows,
                    "first": (first_reps.counts, first_events.counts),
                    "resync": (resync_reps.counts, resync_events.counts)},
    }


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if k != "duration_ms")


def print_human(result: dict[str, Any]) -> None:
    detail = result["_detail"]
    first_ok = "ok" if result["first_sync_seconds"] < FIRST_TARGET else "MISSED"
    resync_ok = ("ok" if result["resync_seconds"] < RESYNC_TARGET and result["resync_writes"] == 0
                 else "MISSED")
    print(f"{result['database']}: {result['mplans']} mPlans, {result['reps']} reps")
    print(f"  first sync  {result['first_sync_seconds']:.3f} s  ({detail['first_writes']} rows written; "
          f"target < {FIRST_TARGET:.0f} s: {first_ok})")
    print(f"    reps   {_counts(detail['first'][0])}")
    print(f"    events {_counts(detail['first'][1])}")
    print(f"  re-sync     {result['resync_seconds']:.3f} s  ({result['resync_writes']} rows written, plus "
          f"{detail['resync_run_rows']} sync_runs records; target < {RESYNC_TARGET:.0f} s "
          f"with 0 writes: {resync_ok})")
    print(f"    reps   {_counts(detail['resync'][0])}")
    print(f"    events {_counts(detail['resync'][1])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mplans", type=int, default=5000, help="mPlans in the sandbox (default 5000)")
    parser.add_argument("--reps", type=int, default=200, help="reps in the sandbox (default 200)")
    parser.add_argument("--json", action="store_true", help="one JSON object per database")
    args = parser.parse_args(argv)

    today = datetime.now(ZoneInfo("America/Indiana/Indianapolis")).date()
    sandboxes = start_sandboxes(today, reps=args.reps, mplans=args.mplans)
    try:
        for backend in backends():
            result = one_database(backend, sandboxes)
            if args.json:
                print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}), flush=True)
            else:
                print_human(result)
    finally:
        sandboxes.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
