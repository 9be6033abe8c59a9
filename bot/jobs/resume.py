"""Approvals a stopped process left half-done are finished at start-up (``schedbot serve`` on SQLite).

The ``resume_approvals`` job is queued under the store's lock, so it never overlaps an approval this
process has started meanwhile; while a Crossmark call of the stopped approval may still land it asks
to run again later (the in-flight lease), and it redraws each finished run's proposal message.
"""

from __future__ import annotations

import logging

from bot.container import Container
from bot.jobs.tasks import enqueue_resume
from core.model import DEFAULT_STORE_ID

log = logging.getLogger(__name__)


def start_resuming(container: Container, store_id: int = DEFAULT_STORE_ID) -> None:
    """Queue the store's pass over half-done approvals (it runs in this process's job pool)."""
    try:
        enqueue_resume(container, store_id)
    except Exception:
        log.exception("could not queue the resumption of approvals; they are retried at the next start")
