"""The durable job queue of PostgreSQL deployments: procrastinate, in our own database.

Web processes only enqueue (a row in ``procrastinate_jobs``, from a worker thread of the caller);
``schedbot worker`` processes, any number on any machine, run the jobs. One generic task,
``schedbot.run_job(job, store_id, args)``, hands each job to the dispatcher the composition root
binds (``bot.jobs.tasks.run_job`` over the worker's container), so adding a job is adding a function
to ``bot.jobs.tasks.JOBS``.

- Locks: jobs deferred with the same lock (``store-<id>``) run one at a time, across all workers.
- Retries: a job raising ``core.ports.RetryJob`` runs again with a linear backoff, at most
  ``max_attempts`` times (the job bodies ask for it only when they are safe to repeat).
- Stalled jobs: workers send heartbeats; a job left ``doing`` by a worker whose heartbeat is older
  than ``stalled_after_seconds`` (killed, machine lost) is put back to ``todo`` by every worker at
  start and by a periodic task each minute, and runs again (the outbox makes that safe).

The schema comes from the pinned procrastinate release and is applied by our Alembic migrations
(``migrations/versions/*_procrastinate_schema.py``), never by ``procrastinate schema --apply``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from procrastinate import App, PsycopgConnector, RetryStrategy
from sqlalchemy.engine import make_url

from core.ports import RetryJob

log = logging.getLogger(__name__)

Dispatch = Callable[[str, int, dict[str, Any]], None]

QUEUE = "schedbot"
RUN_JOB_TASK = "schedbot.run_job"
RECOVER_TASK = "schedbot.recover_stalled"
RECOVER_CRON = "* * * * *"
STALLED_AFTER_SECONDS = 45.0
"""A worker heartbeats every 10 s; one silent for this long is taken for dead."""
MAX_ATTEMPTS = 8
RETRY_LINEAR_WAIT_SECONDS = 15
POOL_SIZE = (1, 4)


def conninfo(database_url: str) -> str:
    """A libpq connection URI from our SQLAlchemy URL (``postgresql+psycopg://…`` → ``postgresql://…``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"procrastinate needs PostgreSQL, not {url.get_backend_name()}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ProcrastinateQueue:
    """``core.ports.JobQueue`` (and ``bot.container.JobWorker``) over procrastinate."""

    def __init__(self, database_url: str, dispatch: Dispatch | None = None, *,
                 max_attempts: int = MAX_ATTEMPTS, retry_wait_seconds: int = RETRY_LINEAR_WAIT_SECONDS,
                 stalled_after_seconds: float = STALLED_AFTER_SECONDS) -> None:
        self._dispatch = dispatch
        self.stalled_after_seconds = stalled_after_seconds
        self.app = App(connector=PsycopgConnector(conninfo=conninfo(database_url), min_size=POOL_SIZE[0],
                                                  max_size=POOL_SIZE[1]))
        self._open_lock = threading.Lock()
        self._opened = False
        retry = RetryStrategy(max_attempts=max_attempts, linear_wait=retry_wait_seconds,
                              retry_exceptions=[RetryJob])

        @self.app.task(name=RUN_JOB_TASK, queue=QUEUE, retry=retry)
        def run_job(job: str, store_id: int, args: dict[str, Any]) -> None:
            if self._dispatch is None:
                raise RuntimeError("the job queue has no dispatcher")
            self._dispatch(job, store_id, args)

        @self.app.periodic(cron=RECOVER_CRON, periodic_id="stalled")
        @self.app.task(name=RECOVER_TASK, queue=QUEUE)
        async def recover_stalled(timestamp: int) -> None:
            await self.recover_stalled()

        self._run_job = run_job

    def bind(self, dispatch: Dispatch) -> None:
        """Give the queue the function that runs jobs (set once the container exists)."""
        self._dispatch = dispatch

    # ---- web side -------------------------------------------------------------------------------

    def enqueue(self, job: str, *, store_id: int, lock: str | None, args: dict[str, Any]) -> None:
        """Insert the job (blocking; call from a worker thread, not from an event loop)."""
        self._open()
        job_id = self._run_job.configure(lock=lock).defer(job=job, store_id=store_id, args=args)
        log.info("queued job %s #%s (store %d)", job, job_id, store_id)

    def _open(self) -> None:
        with self._open_lock:
            if not self._opened:
                self.app.open()
                self._opened = True

    def close(self) -> None:
        """Close the synchronous pool the enqueues opened."""
        with self._open_lock:
            if self._opened:
                self.app.close()
                self._opened = False

    # ---- worker side ----------------------------------------------------------------------------

    def run_worker(self, *, concurrency: int, wait: bool = True) -> None:
        """Recover stalled jobs, then run jobs until SIGTERM / SIGINT (running jobs finish first);
        ``wait=False`` returns once the queue is empty (tests)."""
        asyncio.run(self.run_worker_async(concurrency=concurrency, wait=wait))

    async def run_worker_async(self, *, concurrency: int, wait: bool = True) -> None:
        in_main_thread = threading.current_thread() is threading.main_thread()
        async with self.app.open_async():
            await self.recover_stalled()
            await self.app.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=wait,
                                            install_signal_handlers=in_main_thread,
                                            delete_jobs="successful")

    async def recover_stalled(self) -> int:
        """Put the jobs of dead workers back in the queue; how many."""
        manager = self.app.job_manager
        stalled = list(await manager.get_stalled_jobs(queue=QUEUE,
                                                      seconds_since_heartbeat=self.stalled_after_seconds))
        recovered = 0
        for job in stalled:
            try:
                await manager.retry_job(job)
            except Exception:  # another worker recovered it first
                log.info("stalled job #%s was recovered elsewhere", job.id, exc_info=True)
                continue
            recovered += 1
            log.warning("job #%s (%s) of a dead worker is queued again", job.id, job.task_kwargs.get("job"))
        return recovered
