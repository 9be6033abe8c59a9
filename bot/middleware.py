"""Global Bolt middleware: log context, Events API dedupe, Slack user → ``Actor``.

Each step has a time budget well inside Slack's 3-second ack deadline: a stalled database slows
the work after the ack, never the ack itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import extract_team_id, extract_user_id
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Container
from bot.identity import ACTOR_KEY, ACTOR_PENDING_KEY, ProfileCache
from core.model import Actor
from core.ports import UnitOfWorkFactory
from core.services.identity import SlackProfile, resolve_actor

log = logging.getLogger(__name__)

DEDUPE_BUDGET_SECONDS = 1.2
ACTOR_BUDGET_SECONDS = 1.0
PROFILE_WAIT_SECONDS = 10.0

slack_log_context: contextvars.ContextVar[str] = contextvars.ContextVar("slack_log_context", default="-")

Next = Callable[[], Awaitable[BoltResponse]]


def describe_request(body: Mapping[str, Any]) -> tuple[str, str]:
    """(kind, name) of a Slack payload, e.g. ``("command", "/sched")`` — ids only, never content."""
    kind = str(body.get("type") or ("command" if "command" in body else "unknown"))
    if "command" in body:
        return "command", str(body["command"])
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return kind, str(actions[0].get("action_id", "?"))
    if kind in ("view_submission", "view_closed"):
        return kind, str((body.get("view") or {}).get("callback_id", "?"))
    if kind in ("shortcut", "message_action"):
        return kind, str(body.get("callback_id", "?"))
    if kind == "event_callback":
        return "event", str((body.get("event") or {}).get("type", "?"))
    return kind, "-"


class SlackContextFilter(logging.Filter):
    """Adds ``record.slack`` ("team=… user=… command=/sched") to every record, for formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the current request's ids; never rejects a record."""
        record.slack = slack_log_context.get()
        return True


class StickyAck(AsyncAck):
    """An ``ack`` whose response, once given, is never taken back.

    Bolt's asyncio runner resets ``ack.response`` to ``None`` when a listener raises after it has
    acknowledged; if that happens within Bolt's 10 ms polling interval the acknowledgement is lost
    and Slack sees a timeout. Keeping the first response avoids that race.
    """

    def __init__(self) -> None:
        self._sent: BoltResponse | None = None

    @property
    def response(self) -> BoltResponse | None:
        """The acknowledgement sent to Slack, if any."""
        return self._sent

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._sent is None:
            self._sent = value


class AckGuardMiddleware(AsyncMiddleware):
    """Gives every request a ``StickyAck`` before any listener runs."""

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Install the sticky ack."""
        req.context["ack"] = StickyAck()
        return await next()

    @property
    def name(self) -> str:
        return "AckGuardMiddleware"


class LogContextMiddleware(AsyncMiddleware):
    """Sets the log context of the request (ids only) and logs one line per request."""

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Record team, user and command/action/event id for every log line of this request."""
        kind, name = describe_request(req.body)
        team = extract_team_id(req.body) or "-"
        user = extract_user_id(req.body) or "-"
        slack_log_context.set(f"team={team} user={user} {kind}={name}")
        log.info("slack %s %s team=%s user=%s", kind, name, team, user)
        return await next()

    @property
    def name(self) -> str:
        return "LogContextMiddleware"


def remember_event(uow_factory: UnitOfWorkFactory, event_id: str) -> bool:
    """Store a Slack event id; True on its first delivery."""
    with uow_factory() as uow:
        new = uow.processed_events.remember(event_id)
        uow.commit()
        return new


class EventDedupeMiddleware(AsyncMiddleware):
    """Acks and skips Events API deliveries whose ``event_id`` was already processed."""

    def __init__(self, container: Container, budget_seconds: float = DEDUPE_BUDGET_SECONDS) -> None:
        self._container = container
        self._budget = budget_seconds

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Let the first delivery through; answer 200 to the rest without running listeners."""
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if not event_id:
            return await next()
        work = asyncio.ensure_future(
            self._container.run_blocking(remember_event, self._container.uow_factory, str(event_id)))
        work.add_done_callback(_consume_exception)
        try:
            first = await asyncio.wait_for(asyncio.shield(work), self._budget)
        except TimeoutError:
            log.warning("dedupe of event %s is slow; processing it without waiting", event_id)
            return await next()
        if first:
            return await next()
        retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        log.info("skipping duplicate event %s (retry %s)", event_id, retry)
        return BoltResponse(status=200, body="")

    @property
    def name(self) -> str:
        return "EventDedupeMiddleware"


class ActorMiddleware(AsyncMiddleware):
    """Puts the ``Actor`` of the Slack user into ``context["actor"]`` (``None`` for no user / bots).

    When resolving takes longer than the budget, the ack goes out anyway and listeners get the actor
    from ``await bot.identity.current_actor(context)``.
    """

    def __init__(self, container: Container, profiles: ProfileCache | None = None,
                 budget_seconds: float = ACTOR_BUDGET_SECONDS) -> None:
        self._container = container
        self._profiles = profiles or ProfileCache()
        self._budget = budget_seconds

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Resolve the actor of the request within the budget."""
        user_id = extract_user_id(req.body)
        req.context[ACTOR_KEY] = None
        if not user_id:
            return await next()
        team_id = extract_team_id(req.body) or ""
        client: AsyncWebClient = req.context.client
        work = asyncio.ensure_future(self._resolve(client, team_id, user_id))
        work.add_done_callback(_consume_exception)
        try:
            req.context[ACTOR_KEY] = await asyncio.wait_for(asyncio.shield(work), self._budget)
        except TimeoutError:
            log.warning("resolving the Slack user is slow; acknowledging first")
            req.context[ACTOR_PENDING_KEY] = work
        return await next()

    async def _resolve(self, client: AsyncWebClient, team_id: str, user_id: str) -> Actor | None:
        loop = asyncio.get_running_loop()
        settings = self._container.settings

        def lookup(uid: str) -> SlackProfile | None:
            cached = self._profiles.cached(team_id, uid)
            if cached is not None:
                return cached
            future = asyncio.run_coroutine_threadsafe(self._profiles.get(client, team_id, uid), loop)
            return future.result(timeout=PROFILE_WAIT_SECONDS)

        return await self._container.run_blocking(
            resolve_actor, self._container.uow_factory, user_id, team_id=team_id or None,
            admins=frozenset(settings.schedbot_admins), profile_lookup=lookup,
            now=self._container.clock.now())

    @property
    def name(self) -> str:
        return "ActorMiddleware"


def _consume_exception(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def install_middleware(app: Any, container: Container, profiles: ProfileCache | None = None) -> None:
    """Register the global middleware on a Bolt ``AsyncApp`` in their required order."""
    app.use(AckGuardMiddleware())
    app.use(LogContextMiddleware())
    app.use(EventDedupeMiddleware(container))
    app.use(ActorMiddleware(container, profiles))
