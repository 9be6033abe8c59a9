"""What every entry point uses: settings, the database, crypto, the clock, core services, remote ports
and the Slack clients — one typed ``Container`` built by ``bot.bootstrap.build``.

Listeners receive it when their package registers them; the clock, the CLI, the shell and the demo
get theirs from the same function. Blocking work (SQLAlchemy, PDF, solver) goes through
``run_blocking`` so the event loop keeps acknowledging Slack within its 3-second deadline.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar, runtime_checkable

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from core.ports import (
    Clock,
    CrossmarkPort,
    JobQueue,
    Notifier,
    PacketPost,
    PostedPacket,
    RetailLinkPort,
    SecretBox,
    UnitOfWorkFactory,
)
from core.services.autoschedule import AutoScheduleService
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.packet import PacketBuild, PacketService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.roster import RosterService
from core.services.rotations import RotationService
from core.services.scheduling import SchedulingService
from core.services.store_settings import StoreSettingsService
from core.services.sync import SyncService
from core.services.team_review import TeamReviewService
from core.services.time_off import TimeOffService

log = logging.getLogger(__name__)

R = TypeVar("R")

DEFAULT_BLOCKING_WORKERS = 8
RATE_LIMIT_RETRIES = 3
CONNECTION_RETRIES = 2

SlackClientFactory = Callable[[], WebClient]
"""A synchronous Slack Web API client (for work in worker threads: jobs, services)."""


class PacketPublisher(Protocol):
    """Posts built packets of one store to Slack and remembers where each day's packet went."""

    def recorded(self, day: date) -> PacketPost | None:
        """The recorded post (or waiting packet) of ``day``."""
        ...

    def mark_waiting(self, day: date, channel: str) -> PacketPost:
        """Record that ``day``'s packet waits (for a Retail Link code) to go to ``channel``."""
        ...

    def post(self, build: PacketBuild, channel: str, summary: str) -> PostedPacket:
        """Upload the packet with its summary, replacing the day's earlier post in that channel."""
        ...


PublisherFactory = Callable[[SlackClientFactory, int], PacketPublisher]
"""(Slack client factory, store id) -> that store's packet publisher."""

JobDispatch = Callable[[str, int, dict[str, Any]], None]
"""(job name, store id, args) -> runs the job body (``bot.jobs.tasks.run_job`` over a container)."""


@runtime_checkable
class BindableQueue(Protocol):
    """A job queue that runs jobs itself (not a recorder): it is given the dispatcher once the
    container exists."""

    def bind(self, dispatch: JobDispatch) -> None:
        ...


@runtime_checkable
class JobWorker(Protocol):
    """A durable queue whose jobs run in separate ``schedbot worker`` processes."""

    def run_worker(self, *, concurrency: int) -> None:
        """Run jobs until SIGTERM / SIGINT (graceful: running jobs finish first)."""
        ...


@dataclass
class Services:
    """One instance of each core service."""

    scheduling: SchedulingService
    time_off: TimeOffService
    availability: AvailabilityService
    rotations: RotationService
    holidays: HolidayService
    people: PeopleService
    queries: QueryService
    roster: RosterService
    packet: PacketService
    auto: AutoScheduleService
    sync: SyncService | None
    """None when Crossmark is not configured."""
    team_review: TeamReviewService
    store_settings: StoreSettingsService


@dataclass
class Container:
    """The wired application. Build it with ``bot.bootstrap.build``, never by hand."""

    settings: Settings
    uow_factory: UnitOfWorkFactory
    clock: Clock
    secret_box: SecretBox
    services: Services
    notifier: Notifier
    """DMs to employees and managers (the Slack notifier, or a fake in tests)."""
    crossmark: CrossmarkPort | None
    """None when Crossmark is not configured."""
    retaillink: RetailLinkPort | None
    """None when Retail Link is not configured."""
    bot_token: Callable[[], str]
    """The bot token for work with no incoming request (refreshed when it rotates in OAuth mode)."""
    sync_client: Callable[[str | None], WebClient]
    """A synchronous Web API client with the given token (``None``: ``bot_token()``)."""
    packet_publisher: PublisherFactory
    health_check: Callable[[], bool]
    """Answers True when the database responds; called in a worker thread."""
    jobs: JobQueue
    """Where post-ack work goes: procrastinate on PostgreSQL (run by ``schedbot worker``), a thread
    pool of this process on SQLite."""
    installation_store: AsyncInstallationStore | None = None
    """OAuth (multi-workspace) mode only: where installations and their tokens live."""
    oauth_state_store: AsyncOAuthStateStore | None = None
    blocking_workers: int = DEFAULT_BLOCKING_WORKERS
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    """Called by ``close()`` after the worker pool stops (engine, remote clients)."""
    _executor: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)

    @property
    def executor(self) -> ThreadPoolExecutor:
        """The bounded pool that runs blocking calls (created on first use)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=self.blocking_workers,
                                                thread_name_prefix="schedbot-blocking")
        return self._executor

    async def run_blocking(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run ``fn(*args, **kwargs)`` in the worker pool, keeping the caller's log context."""
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        call = functools.partial(ctx.run, fn, *args, **kwargs)
        return await loop.run_in_executor(self.executor, call)

    def web_client(self, token: str | None = None) -> AsyncWebClient:
        """An async Slack Web API client aimed at ``SLACK_API_URL`` that waits out 429s and reconnects.

        ``token`` defaults to ``SLACK_BOT_TOKEN`` (single-workspace mode).
        """
        chosen = token if token is not None else self.settings.slack_bot_token.reveal()
        return AsyncWebClient(
            token=chosen or None,
            base_url=self.settings.slack_api_url,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
                AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ],
        )

    @property
    def jobs_in_process(self) -> bool:
        """Jobs run in this process (SQLite, tests), not in ``schedbot worker`` processes."""
        return not isinstance(self.jobs, JobWorker)

    @property
    def oauth_enabled(self) -> bool:
        """Multi-workspace mode: ``SLACK_CLIENT_ID`` is set."""
        return bool(self.settings.slack_client_id)

    def close(self) -> None:
        """Stop the worker pool (waits for running calls), then release the engine and clients."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        closers, self.closers = self.closers, []
        for close in reversed(closers):
            try:
                close()
            except Exception:
                log.warning("closing %r failed", close, exc_info=True)
