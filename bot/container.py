"""What every Slack listener may use: settings, the database, crypto, the clock, core services.

The composition root (``bot/bootstrap.py``) builds one ``Container``; listeners receive it when their
package registers them. Blocking work (SQLAlchemy, PDF, solver) goes through ``run_blocking`` so
the event loop keeps acknowledging Slack within its 3-second deadline.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from core.ports import Clock, SecretBox, UnitOfWorkFactory

R = TypeVar("R")

DEFAULT_BLOCKING_WORKERS = 8
RATE_LIMIT_RETRIES = 3
CONNECTION_RETRIES = 2


class SystemClock:
    """The real clock, timezone-aware UTC."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


@dataclass
class Container:
    """Dependencies of the Slack edge. ``services`` is filled by the composition root."""

    settings: Settings
    uow_factory: UnitOfWorkFactory
    secret_box: SecretBox | None = None
    clock: Clock = field(default_factory=SystemClock)
    services: Any = None
    health_check: Callable[[], bool] | None = None
    """Answers True when the database responds (``SELECT 1``); called in a worker thread."""
    installation_store: AsyncInstallationStore | None = None
    """OAuth (multi-workspace) mode only: where installations and their tokens live."""
    oauth_state_store: AsyncOAuthStateStore | None = None
    blocking_workers: int = DEFAULT_BLOCKING_WORKERS
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
        """A Slack Web API client aimed at ``SLACK_API_URL`` that waits out 429s and reconnects.

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
    def oauth_enabled(self) -> bool:
        """Multi-workspace mode: ``SLACK_CLIENT_ID`` is set."""
        return bool(self.settings.slack_client_id)

    def close(self) -> None:
        """Stop the worker pool (waits for running calls)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
