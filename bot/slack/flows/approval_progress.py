"""The proposal message while an approval pushes: "n of N done", then the result the moment the
run's status is final (the DMs to the people affected go out after it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient

from bot.blocks.common import message_text
from bot.blocks.proposals import proposal_message
from core.model import RunStatus
from core.services.approvals import ApprovalResult
from core.services.run_summary import RunSummary

log = logging.getLogger(__name__)

MIN_INTERVAL_SECONDS = 2.0
"""Progress redraws at most this often (Slack allows about one ``chat.update`` per second)."""


def busy_text(user_id: str, settled: int | None = None, total: int | None = None) -> str:
    """The note that replaces the buttons while pushing."""
    done = f" — {settled}/{total} done" if settled is not None and total else ""
    return f":hourglass_flowing_sand: Approving — pushing to Crossmark (<@{user_id}>){done}…"


def already_text(summary: RunSummary) -> str:
    """Why a decision click did nothing."""
    word = "rejected" if summary.status == RunStatus.REJECTED.value else "approved"
    by = f" by <@{summary.decided_by}>" if summary.decided_by else ""
    return f"Run #{summary.run_id} was already {word}{by}; nothing changed."


class SyncMessageProgress:
    """``core.services.autoschedule.ApprovalProgress`` for job bodies (worker threads, no event
    loop) that redraws one proposal message through a synchronous Web API client, in a thread of its
    own so a slow Slack never slows the pushes.
    ``close()`` waits for the redraws already asked for (the job draws the final message after)."""

    def __init__(self, client: WebClient, where: tuple[str, str], summary: Callable[[], RunSummary],
                 user_id: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._where = where
        self._summary = summary
        self._user = user_id
        self._monotonic = monotonic
        self._last = monotonic()
        self._drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="schedbot-progress")

    def done(self, settled: int, total: int) -> None:
        """Redraw with "settled/total done" (throttled; the last unit is left to ``finished``)."""
        now = self._monotonic()
        if settled >= total or now - self._last < MIN_INTERVAL_SECONDS:
            return
        self._last = now
        self._submit(self._summary(), busy_text(self._user, settled, total))

    def finished(self, result: ApprovalResult) -> None:
        """Draw the decided run with its result line and, for failures, Retry."""
        self._submit(self._summary(), None)

    def close(self) -> None:
        """Wait for the redraws already submitted."""
        self._drawer.shutdown(wait=True)

    def _submit(self, summary: RunSummary, busy: str | None) -> None:
        try:
            future = self._drawer.submit(draw_sync, self._client, self._where, summary, busy)
        except RuntimeError:  # closed: the job draws the final message itself
            return
        future.add_done_callback(_log_failure)


def draw_sync(client: WebClient, where: tuple[str, str], summary: RunSummary,
              busy: str | None = None) -> None:
    """Draw the run's proposal message (first page) at ``where`` with a synchronous client."""
    text, blocks = proposal_message(summary, busy=busy)
    client.chat_update(channel=where[0], ts=where[1], text=message_text(text), blocks=blocks)


def _log_failure(future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        log.warning("could not redraw the proposal message: %s", type(error).__name__)
