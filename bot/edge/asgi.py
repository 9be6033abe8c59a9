"""The HTTP face: ``POST /slack/events``, ``GET /health`` and, in OAuth mode, the install flow.

Requests to ``/slack/events`` pass a cheap header check before Bolt sees them: a missing,
non-numeric or stale (more than five minutes off) ``X-Slack-Request-Timestamp``, or a missing or
malformed ``X-Slack-Signature``, is answered 401 at once (Bolt itself would answer 500 to a
malformed timestamp). Bolt then checks the HMAC signature.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.container import Container
from bot.slack.ack_delivery import AckDelivery, current_delivery
from core.model import DEFAULT_STORE_ID

log = logging.getLogger(__name__)

MAX_CLOCK_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1_000_000
HEALTH_TIMEOUT_SECONDS = 5.0
SIGNATURE_PREFIX = "v0="


def app_version() -> str:
    """The installed schedbot version."""
    try:
        return version("schedbot")
    except PackageNotFoundError:
        return "0.0.0"


def header_problem(headers: Any, now: float | None = None) -> str | None:
    """Why the Slack signature headers cannot be valid, or ``None`` when they may be."""
    raw_ts = headers.get("x-slack-request-timestamp")
    if not raw_ts:
        return "missing timestamp"
    if not raw_ts.isdigit():
        return "malformed timestamp"
    current = time.time() if now is None else now
    if abs(current - int(raw_ts)) > MAX_CLOCK_SKEW_SECONDS:
        return "stale timestamp"
    signature = headers.get("x-slack-signature")
    if not signature:
        return "missing signature"
    if not signature.startswith(SIGNATURE_PREFIX):
        return "malformed signature"
    return None


def _probe_database(container: Container) -> bool:
    if container.health_check is not None:
        return container.health_check()
    with container.uow_factory() as uow:
        uow.stores.get(DEFAULT_STORE_ID)
    return True


def _scheduler_state(container: Container) -> dict[str, dict[str, str | None]] | str:
    with container.uow_factory() as uow:
        runs = uow.job_ledger.last_runs(DEFAULT_STORE_ID)
    if not runs:
        return "unknown"
    return {job: {"period": period, "status": status,
                  "finished_at": finished.isoformat() if isinstance(finished, datetime) else None}
            for job, (period, status, finished) in sorted(runs.items())}


async def _bounded(container: Container, fn: Callable[[Container], Any]) -> Any:
    return await asyncio.wait_for(container.run_blocking(fn, container), HEALTH_TIMEOUT_SECONDS)


def create_asgi_app(container: Container, bolt_app: AsyncApp | None = None) -> Starlette:
    """The Starlette app serving Slack and the health check (builds the Bolt app if not given)."""
    if bolt_app is None:
        from bot.slack.app import build_app

        bolt_app = build_app(container)
    handler = AsyncSlackRequestHandler(bolt_app)

    async def slack_events(request: Request) -> Response:
        length = request.headers.get("content-length", "0")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return PlainTextResponse("payload too large", status_code=413)
        problem = header_problem(request.headers)
        if problem is not None:
            log.warning("rejected a Slack request: %s", problem)
            return PlainTextResponse("invalid request", status_code=401)
        delivery = AckDelivery()
        token = current_delivery.set(delivery)
        try:
            return await handler.handle(request)
        finally:
            current_delivery.reset(token)
            delivery.handed_off()

    async def oauth(request: Request) -> Response:
        return await handler.handle(request)

    async def health(request: Request) -> Response:
        try:
            database_ok = bool(await _bounded(container, _probe_database))
        except Exception as exc:
            log.warning("health: database check failed: %s", type(exc).__name__)
            database_ok = False
        scheduler: Any = "unknown"
        if database_ok:
            try:
                scheduler = await _bounded(container, _scheduler_state)
            except Exception as exc:
                log.warning("health: job ledger unreadable: %s", type(exc).__name__)
        payload = {"status": "ok" if database_ok else "unavailable",
                   "database": "ok" if database_ok else "unavailable",
                   "scheduler": scheduler, "version": app_version()}
        return JSONResponse(payload, status_code=200 if database_ok else 503)

    routes = [Route("/slack/events", slack_events, methods=["POST"]),
              Route("/health", health, methods=["GET"])]
    if container.oauth_enabled:
        routes += [Route("/slack/install", oauth, methods=["GET"]),
                   Route("/slack/oauth_redirect", oauth, methods=["GET"])]
    return Starlette(routes=routes)
