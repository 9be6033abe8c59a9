"""Dedupe of Events API redeliveries on a stored ``event_id``, done after the ack.

Bolt acknowledges an event before its listener runs, so the database is not needed for the ack:
``EventDedupeMiddleware`` only marks the request, and ``DedupeStartHandler`` (Bolt's hook that
runs just before a listener, after the ack) stores the id and stops the listener with
``DuplicateDelivery`` when the id was already there. The error handler drops that error quietly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.container import Container
from core.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

DEDUPE_KEY = "event_delivery"
DEDUPE_WAIT_SECONDS = 10.0
"""How long a listener waits for the dedupe insert before running anyway (a stalled database)."""

Next = Callable[[], Awaitable[BoltResponse]]


class DuplicateDelivery(Exception):
    """Raised before a listener when its event was already processed; never shown to anyone."""

    def __init__(self, event_id: str, retry: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id
        self.retry = retry


def remember_event(uow_factory: UnitOfWorkFactory, event_id: str) -> bool:
    """Store a Slack event id; True on its first delivery."""
    with uow_factory() as uow:
        new = uow.processed_events.remember(event_id)
        uow.commit()
        return new


class EventDelivery:
    """One Events API delivery: its id and whether it is the first (asked once, after the ack)."""

    def __init__(self, container: Container, event_id: str, retry: str,
                 wait_seconds: float = DEDUPE_WAIT_SECONDS) -> None:
        self.event_id = event_id
        self.retry = retry
        self._container = container
        self._wait = wait_seconds
        self._first: asyncio.Future[bool] | None = None

    async def is_first(self) -> bool:
        """True unless the id was stored before; a failed or stalled store counts as first."""
        if self._first is None:
            self._first = asyncio.ensure_future(self._remember())
        return await asyncio.shield(self._first)

    async def _remember(self) -> bool:
        work = asyncio.ensure_future(self._container.run_blocking(
            remember_event, self._container.uow_factory, self.event_id))
        work.add_done_callback(_consume_exception)
        try:
            return await asyncio.wait_for(asyncio.shield(work), self._wait)
        except TimeoutError:
            log.warning("dedupe of event %s is slow; processing it without waiting", self.event_id)
        except Exception as exc:
            log.warning("dedupe of event %s failed (%s); processing it", self.event_id, type(exc).__name__)
        return True


class EventDedupeMiddleware(AsyncMiddleware):
    """Marks Events API deliveries for ``DedupeStartHandler``; waits for nothing."""

    def __init__(self, container: Container) -> None:
        self._container = container

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Attach the delivery to the context of event callbacks that carry an ``event_id``."""
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id:
            retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
            req.context[DEDUPE_KEY] = EventDelivery(self._container, str(event_id), retry)
        return await next()

    @property
    def name(self) -> str:
        return "EventDedupeMiddleware"


class DedupeStartHandler(AsyncListenerStartHandler):
    """Runs before each listener, after the ack: stops listeners of an already processed event."""

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        """Raise ``DuplicateDelivery`` for a redelivered event; otherwise let the listener run."""
        delivery = request.context.get(DEDUPE_KEY)
        if isinstance(delivery, EventDelivery) and not await delivery.is_first():
            raise DuplicateDelivery(delivery.event_id, delivery.retry)


def install_dedupe(app: Any, container: Container) -> None:
    """Register the marking middleware and the post-ack start handler on a Bolt ``AsyncApp``."""
    app.use(EventDedupeMiddleware(container))
    app.listener_runner.listener_start_handler = DedupeStartHandler()


def _consume_exception(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()
