"""Body of ``schedbot worker``: runs the jobs web processes queue (PostgreSQL deployments).

Any number of workers, on any machine; each starts by putting the jobs of dead workers back in the
queue and by queueing a pass over half-done approvals (under the store's lock, so it never overlaps
an approval another worker is running), then runs jobs until SIGTERM (running jobs finish first).
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.settings import load_settings
from core.model import DEFAULT_STORE_ID

log = logging.getLogger(__name__)

SQLITE_NOTE = "schedbot worker is for PostgreSQL; with SQLite `schedbot serve` runs jobs in process"


def worker(args: argparse.Namespace) -> int:
    """``schedbot worker [--concurrency N]``; exit 2 on SQLite, 0 after a graceful stop."""
    from bot.bootstrap import build
    from bot.container import JobWorker
    from bot.jobs.tasks import enqueue_resume

    settings = load_settings()
    if not settings.database_url.startswith("postgresql"):
        print(SQLITE_NOTE, file=sys.stderr)
        return 2
    if args.concurrency < 1:
        print("--concurrency must be at least 1", file=sys.stderr)
        return 2
    container = build(settings)
    try:
        queue = container.jobs
        if not isinstance(queue, JobWorker):
            print(SQLITE_NOTE, file=sys.stderr)
            return 2
        enqueue_resume(container, DEFAULT_STORE_ID)
        log.info("schedbot worker: %d job(s) at a time", args.concurrency)
        queue.run_worker(concurrency=args.concurrency)
    finally:
        container.close()
    log.info("schedbot worker stopped")
    return 0
