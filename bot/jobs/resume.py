"""Approvals a stopped process left half-done are finished at start-up (``schedbot serve``).

The first pass runs at once; units whose Crossmark call may still have been in flight when the
process stopped are left for a second pass once that call can no longer land
(``AutoScheduleService.in_flight_lease``, two Crossmark call timeouts).
"""

from __future__ import annotations

import logging
import threading

from bot.container import Container
from bot.jobs.context import system_actor
from core.model import DEFAULT_STORE_ID

log = logging.getLogger(__name__)

SECOND_PASS_MARGIN_SECONDS = 1.0


def resume_approvals(container: Container, store_id: int = DEFAULT_STORE_ID) -> int:
    """One pass: finish what can be finished now; how many runs were finished."""
    try:
        results = container.services.auto.resume(system_actor(store_id))
    except Exception:
        log.exception("resuming approvals failed; they are retried at the next start")
        return 0
    for result in results:
        log.info("resumed the approval of run %d: %d pushed, %d failed", result.run_id, len(result.pushed),
                 len(result.failed))
    return len(results)


def start_resuming(container: Container) -> list[threading.Thread]:
    """Run the first pass now and the second after the in-flight lease, in background threads."""
    first = threading.Thread(target=resume_approvals, args=(container,), name="schedbot-resume", daemon=True)
    lease = container.services.auto.in_flight_lease.total_seconds()
    second = threading.Timer(lease + SECOND_PASS_MARGIN_SECONDS, resume_approvals, args=(container,))
    second.daemon = True
    first.start()
    second.start()
    return [first, second]
