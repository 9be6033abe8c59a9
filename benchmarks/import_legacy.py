"""Benchmark: import a legacy database of 80 employees and 600 events into SQLite and PostgreSQL.

    python benchmarks/import_legacy.py [--employees N] [--events N] [--json]

The legacy SQLite database is generated from the documented legacy schema (the builder the legacy
tests use: ``tests/integration/legacy/legacy_store.py``) with every table the importer reads. Each
import runs the ``schedbot import-legacy`` path — ``read_legacy`` (read-only) then the core
``import_legacy`` in one transaction, decrypting the legacy Walmart password and re-encrypting it —
once into an empty migrated database (first run) and once more (the idempotent re-run).
PostgreSQL runs when ``TEST_DATABASE_URL`` is set (a fresh database, dropped afterwards).

``reimport_writes`` counts the rows of every INSERT / UPDATE / DELETE statement the re-run sent.
Targets: first run < 10 s, re-run < 3 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_db import backends, migrated_database

from core.model import Actor, Role
from core.services.legacy_import import ImportReport, import_legacy
from integrations.crypto import FernetSecretBox
from integrations.legacy.reader import describe, read_legacy
from tests.integration.legacy.legacy_schema import LEGACY_KEY
from tests.integration.legacy.legacy_store import LegacyStore, build_legacy_store

CLI_ACTOR = Actor(slack_user_id="cli", role=Role.ADMIN)
FIRST_TARGET, RERUN_TARGET = 10.0, 3.0


def import_once(legacy_url: str, uow: Any, legacy_box: FernetSecretBox) -> tuple[float, ImportReport]:
    """What ``schedbot import-legacy URL --legacy-key KEY`` does, timed from reading to commit."""
    started = time.perf_counter()
    data = read_legacy(legacy_url)
    report = import_legacy(uow, data, now=datetime.now(UTC), legacy_box=legacy_box, actor=CLI_ACTOR,
                           source=describe(legacy_url))
    return time.perf_counter() - started, report


def one_database(backend: str, legacy_url: str, store: LegacyStore) -> dict[str, Any]:
    legacy_box = FernetSecretBox(LEGACY_KEY)
    with migrated_database(backend, "import") as (uow, counter):
        counter.reset()
        first_seconds, first = import_once(legacy_url, uow, legacy_box)
        first_writes = counter.total()
        counter.reset()
        rerun_seconds, rerun = import_once(legacy_url, uow, legacy_box)
        rerun_writes = counter.total()
    return {
        "database": backend,
        "employees": store.count("employees"),
        "events": store.count("events"),
        "first_import_seconds": round(first_seconds, 3),
        "reimport_seconds": round(rerun_seconds, 3),
        "reimport_writes": rerun_writes,
        "_detail": {"first_writes": first_writes, "first": first, "rerun": rerun, "store": store},
    }


def _counts(report: ImportReport) -> str:
    parts = []
    for name, tally in report.counts.items():
        parts.append(f"{name} {tally.created}/{tally.updated}/{tally.unchanged}/{tally.skipped}")
    return ", ".join(parts)


def print_human(result: dict[str, Any]) -> None:
    detail = result["_detail"]
    store: LegacyStore = detail["store"]
    first: ImportReport = detail["first"]
    rerun: ImportReport = detail["rerun"]
    first_ok = "ok" if result["first_import_seconds"] < FIRST_TARGET else "MISSED"
    rerun_ok = "ok" if result["reimport_seconds"] < RERUN_TARGET else "MISSED"
    print(f"{result['database']}: legacy store of {result['employees']} employees, "
          f"{result['events']} events, "
          f"{store.count('schedules')} schedules")
    print(f"  first run  {result['first_import_seconds']:.3f} s  ({detail['first_writes']} rows written; "
          f"target < {FIRST_TARGET:.0f} s: {first_ok})")
    print(f"    created/updated/unchanged/skipped: {_counts(first)}")
    print(f"    {len(first.skipped)} rows not imported, {len(first.warnings)} imported with warnings")
    print(f"  re-run     {result['reimport_seconds']:.3f} s  ({result['reimport_writes']} rows written; "
          f"changed: {rerun.changed}; target < {RERUN_TARGET:.0f} s: {rerun_ok})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=80, help="legacy employees (default 80)")
    parser.add_argument("--events", type=int, default=600, help="legacy events (default 600)")
    parser.add_argument("--json", action="store_true", help="one JSON object per database")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="schedbot-legacy-") as folder:
        legacy_url = f"sqlite:///{Path(folder) / 'scheduler.db'}"
        store = build_legacy_store(legacy_url, employees=args.employees, events=args.events)
        for backend in backends():
            result = one_database(backend, legacy_url, store)
            if args.json:
                print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}), flush=True)
            else:
                print_human(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
