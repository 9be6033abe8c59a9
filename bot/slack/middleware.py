"""Global Bolt middleware: log context, Events API dedupe, Slack user → ``Actor``.

None of them touches the database or the Web API before the ack: the dedupe insert and the actor
lookup are prepared here and done after it (``bot.slack.event_dedupe``, ``bot.slack.identity.current_actor``),
so a slow or stalled database delays the work, never the acknowledgement.
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
from bot.slack.ack_delivery import current_delivery
from bot.slack.event_dedupe import install_dedupe
from bot.slack.identity import ACTOR_KEY, ACTOR_PENDING_KEY, ActorLookup, ProfileCache
from core.model import Actor
from core.services.identity import SlackProfile, resolve_actor

log = logging.getLogger(__name__)

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
    """An ``ack`` whose response, once given, is never taken back; it can be waited for, and the
    listener resumes only when the response has been handed to the HTTP server.

    Bolt's asyncio runner resets ``ack.response`` to ``None`` when a listener raises after it has
    acknowledged; if that happens before the runner has read the response, the acknowledgement is
    lost and Slack sees a timeout. Keeping the first response avoids that race. ``wait_given`` lets
    ``bot.slack.ack_runner`` answer as soon as the ack exists; waiting for the hand-off
    (``bot.slack.ack_delivery``) keeps the listener's work after the ack from delaying the ack itself.
    """

    def __init__(self) -> None:
        self._sent: BoltResponse | None = None
        self._wake: Callable[..., None] | None = None
        self._delivery = current_delivery.get()

    @property
    def response(self) -> BoltResponse | None:
        """The acknowledgement sent to Slack, if any."""
        return self._sent

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._sent is None:
            self._sent = value
        if value is not None and self._wake is not None:
            self._wake()

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        """Acknowledge (see ``AsyncAck``); resume once the answer is on its way to Slack."""
        answer = await super().__call__(*args, **kwargs)
        if self._delivery is not None:
            await self._delivery.wait()
        return answer

    async def wait_given(self, listener: asyncio.Future[Any], timeout: float) -> None:
        """Wait until a response is given, ``listener`` ends, or ``timeout`` seconds pass.

        One future woken straight from the setter: the waiter resumes on the next loop turn.
        """
        if self._sent is not None or listener.done():
            return
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake(*_: Any) -> None:
            if not woken.done():
                woken.set_result(None)

        self._wake = wake
        listener.add_done_callback(wake)
        timer = loop.call_later(timeout, wake)
        try:
            await woken
        finally:
            timer.cancel()
            listener.remove_done_callback(wake)
            self._wake = None


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


class ActorMiddleware(AsyncMiddleware):
    """Puts an ``ActorLookup`` for the Slack user into the context; nothing is resolved before the ack.

    Listeners get the ``Actor`` (``None`` for no user / bots) with
    ``await bot.slack.identity.current_actor(context)``, which resolves it on the first call.
    """

    def __init__(self, container: Container, profiles: ProfileCache | None = None) -> None:
        self._container = container
        self._profiles = profiles or ProfileCache()

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next) -> BoltResponse:
        """Attach the (not yet started) lookup of the request's user."""
        user_id = extract_user_id(req.body)
        req.context[ACTOR_KEY] = None
        if user_id:
            team_id = extract_team_id(req.body) or ""
            client: AsyncWebClient = req.context.client
            req.context[ACTOR_PENDING_KEY] = ActorLookup(lambda: self._resolve(client, team_id, user_id))
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


def install_middleware(app: Any, container: Container, profiles: ProfileCache | None = None) -> None:
    """Register the global middleware on a Bolt ``AsyncApp`` in their required order."""
    app.use(AckGuardMiddleware())
    app.use(LogContextMiddleware())
    install_dedupe(app, container)
    app.use(ActorMiddleware(container, profiles))
