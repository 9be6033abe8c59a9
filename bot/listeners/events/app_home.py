"""``app_home_opened`` → ``views.publish`` of the user's Home tab.

Employees see their next 14 days, their pending time-off requests and the Request time off / Edit
availability buttons; managers also see today's coverage, urgent unscheduled events (with Assign…),
what waits for their decision, the last syncs and the next packet time. Users the bot does not know
are asked to get linked by their manager.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import section
from bot.blocks.home import HomeData, ManagerHome, home_view
from bot.container import Container
from bot.slack.identity import current_actor
from bot.slack.parsing import make_safe
from core.errors import DomainError
from core.model import Actor, TimeOffStatus
from core.services import authz
from core.services.identity import is_linked
from core.services.time_settings import load_time_settings

log = logging.getLogger(__name__)

HOME_DAYS = 14
URGENT_LIMIT = 500


def next_packet_at(container: Container) -> datetime:
    """The next time the daily packet is posted (``PACKET_TIME``, store-local, naive)."""
    settings = container.settings
    now = container.clock.now().astimezone(ZoneInfo(settings.store_timezone)).replace(tzinfo=None)
    today_at = datetime.combine(now.date(), settings.packet_time)
    return today_at if now < today_at else today_at + timedelta(days=1)


def load_manager_home(container: Container, actor: Actor) -> ManagerHome:
    """The manager part of the Home tab (blocking)."""
    services = container.services
    queries = services.queries
    today = queries.today(actor)
    requests = services.time_off.list_requests(actor, status=TimeOffStatus.PENDING)
    names = {row.employee.id: row.employee.name for row in queries.team(actor)}
    zone = ZoneInfo(container.settings.store_timezone)
    return ManagerHome(queries.day(actor, today), queries.events(actor, "urgent", limit=URGENT_LIMIT),
                       queries.status(actor),
                       requests, names, next_packet_at(container), zone)


def load_home(container: Container, actor: Actor | None) -> HomeData:
    """Everything the Home tab of ``actor`` shows (blocking)."""
    if actor is None or not is_linked(actor):
        return HomeData(linked=False)
    services = container.services
    schedule = (services.queries.employee(actor, actor.employee_id, HOME_DAYS)
                if actor.employee_id is not None else None)
    manager = None
    urgent_days = 3
    if authz.allowed(actor, authz.Action.SCHEDULE):
        manager = load_manager_home(container, actor)
        with container.uow_factory() as uow:
            urgent_days = load_time_settings(uow, actor.store_id).urgent_days
    return HomeData(True, schedule, manager, urgent_days)


def register(app: AsyncApp, container: Container) -> None:
    """Publish the Home tab whenever a user opens it."""

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user") or "")
        if not user:
            return
        actor = await current_actor(context)
        try:
            view = home_view(await container.run_blocking(load_home, container, actor))
        except DomainError as error:
            log.info("home of %s refused with %s", user, error.code)
            view = {"type": "home", "blocks": [section(f":warning: {make_safe(error).message}")]}
        await client.views_publish(user_id=user, view=view)
        log.info("home published for %s", user)
