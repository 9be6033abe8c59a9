"""The embedded job queue (SQLite: ``serve``, ``demo``, ``shell``): the same job functions as the
PostgreSQL workers, run in a thread pool of the process.

Jobs with the same lock run one at a time (as procrastinate's locks do), a ``RetryJob`` runs the job
again after a delay, and the Slack log context of the enqueuing request goes with the job. Jobs are
not durable: what a stopped process left half-done is finished at the next start
(``bot.jobs.resume``), a job that had not started yet is lost.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from core.ports import RetryJob

log = logging.getLogger(__name__)

Dispatch = Callable[[str, int, dict[str, Any]], None]
"""(job name, store id, args) -> runs the job body."""

DEFAULT_JOB_WORKERS = 4
RETRY_DELAYS_SECONDS = (5.0, 30.0, 120.0)


class InProcessQueue:
    """``core.ports.JobQueue`` over a thread pool of this process."""

    def __init__(self, dispatch: Dispatch | None = None, *, workers: int = DEFAULT_JOB_WORKERS,
                 retry_delays: Sequence[float] = RETRY_DELAYS_SECONDS) -> None:
        self._dispatch = dispatch
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="schedbot-job")
        self._retry_delays = tuple(retry_delays)
        self._guard = threading.Condition()
        self._locks: dict[str, threading.Lock] = {}
        self._timers: set[threading.Timer] = set()
        self._pending = 0
        self._closed = False

    def bind(self, dispatch: Dispatch) -> None:
        """Give the queue the function that runs jobs (the composition root does, once the
        container exists)."""
        self._dispatch = dispatch

    def enqueue(self, job: str, *, store_id: int, lock: str | None, args: dict[str, Any]) -> None:
        """Run ``job`` soon in the pool. ``args`` go through JSON, as on the durable queue, so a job
        that works here works there."""
        payload = json.loads(json.dumps(args))
        with self._guard:
            if self._closed:
                raise RuntimeError("the job queue is closed")
            self._pending += 1
        self._submit(job, store_id, lock, payload, 0, contextvars.copy_context())

    def join(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued, running or waiting for a retry; False on timeout."""
        with self._guard:
            return self._guard.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Drop the retries not yet due, then wait for the running jobs."""
        with self._guard:
            self._closed = True
            timers, self._timers = set(self._timers), set()
        for timer in timers:
            timer.cancel()
            self._done()
        self._pool.shutdown(wait=True)

    def _submit(self, job: str, store_id: int, lock: str | None, args: dict[str, Any], attempt: int,
                ctx: contextvars.Context) -> None:
        try:
            self._pool.submit(ctx.run, self._run, job, store_id, lock, args, attempt, ctx)
        except RuntimeError:
            log.warning("job %s dropped: the queue is shutting down", job)
            self._done()

    def _lock(self, name: str | None) -> contextlib.AbstractContextManager[Any]:
        if name is None:
            return contextlib.nullcontext()
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def _run(self, job: str, store_id: int, lock: str | None, args: dict[str, Any], attempt: int,
             ctx: contextvars.Context) -> None:
        retry = False
        try:
            if self._dispatch is None:
                raise RuntimeError("the job queue has no dispatcher")
            with self._lock(lock):
                self._dispatch(job, store_id, args)
        except RetryJob as again:
            retry = attempt < len(self._retry_delays)
            if retry:
                log.info("job %s asks to run again (%s)", job, again)
            else:
                log.error("job %s gave up after %d attempts: %s", job, attempt + 1, again)
        except Exception:
            log.exception("job %s failed", job)
        if retry:
            self._later(self._retry_delays[attempt], job, store_id, lock, args, attempt + 1, ctx)
        else:
            self._done()

    def _later(self, delay: float, job: str, store_id: int, lock: str | None, args: dict[str, Any],
               attempt: int, ctx: contextvars.Context) -> None:
        def fire() -> None:
            with self._guard:
                if timer not in self._timers:
                    return
                self._timers.discard(timer)
            self._submit(job, store_id, lock, args, attempt, ctx)

        timer = threading.Timer(delay, fire)
        timer.daemon = True
        with self._guard:
            if self._closed:
                self._pending -= 1
                self._guard.notify_all()
                return
            self._timers.add(timer)
        timer.start()

    def _done(self) -> None:
        with self._guard:
            self._pending -= 1
            self._guard.notify_all()
