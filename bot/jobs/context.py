"""What a job body needs: settings, the database, the clock, core services, Slack clients.

The clock process and the Slack listeners build the same ``JobContext`` from a ``Container`` so a
job run by the scheduler and the same job run on demand (``/sched sync``, ``/packet``) behave alike.
Core services are read from ``container.services`` by name: ``packet`` (``PacketService``),
``sync`` (``SyncService``) and ``retaillink`` (the ``RetailLinkPort`` the packet service uses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.container import Container
from bot.notify import ClientFactory, SlackNotifier, sync_web_client
from bot.packet_post import PacketPoster
from bot.settings import Settings
from core.errors import InvalidInput
from core.model import DEFAULT_STORE_ID, Actor, Role
from core.ports import Clock, Notifier, RetailLinkPort, UnitOfWorkFactory
from core.services.packet import PacketService

TokenProvider = Callable[[], str]


def system_actor(store_id: int) -> Actor:
    """The actor scheduled jobs act as (an admin of the store, named "system" in the audit log)."""
    return Actor(slack_user_id="system", role=Role.ADMIN, store_id=store_id)


@dataclass
class JobContext:
    """Dependencies of the job bodies, for one store."""

    settings: Settings
    uow_factory: UnitOfWorkFactory
    clock: Clock
    slack: ClientFactory
    notifier: Notifier
    packet: PacketService | None = None
    sync: Any = None
    retaillink: RetailLinkPort | None = None
    store_id: int = DEFAULT_STORE_ID
    _poster: PacketPoster | None = field(default=None, init=False, repr=False)

    @property
    def zone(self) -> ZoneInfo:
        """The store's timezone (``STORE_TIMEZONE``)."""
        return ZoneInfo(self.settings.store_timezone)

    @property
    def actor(self) -> Actor:
        """Who scheduled work acts as."""
        return system_actor(self.store_id)

    def local_now(self) -> datetime:
        """The current instant in the store's timezone (aware)."""
        return self.clock.now().astimezone(self.zone)

    def today(self) -> date:
        """Today in the store's timezone."""
        return self.local_now().date()

    def local_instant(self, day: date, at: time) -> datetime:
        """``at`` on ``day`` in the store's timezone (aware)."""
        return datetime.combine(day, at, tzinfo=self.zone)

    @property
    def poster(self) -> PacketPoster:
        """The packet poster of this store (one per context: it serialises posts)."""
        if self._poster is None:
            self._poster = PacketPoster(self.slack, self.uow_factory, self.clock, store_id=self.store_id)
        return self._poster

    def packet_service(self) -> PacketService:
        """The packet service; a configuration error when the composition root did not provide one."""
        if self.packet is None:
            raise InvalidInput("The packet service is not configured.")
        return self.packet

    def team_channel(self) -> str:
        """``TEAM_CHANNEL`` (a channel id); a configuration error when unset."""
        channel = self.settings.team_channel.strip()
        if not channel:
            raise InvalidInput("TEAM_CHANNEL is not set, so there is no channel to post the packet to.")
        return channel


def service(container: Container, name: str) -> Any:
    """``container.services.<name>``, or ``None`` when the composition root did not provide it."""
    return getattr(container.services, name, None) if container.services is not None else None


def context_from(container: Container, *, token: TokenProvider | None = None,
                 notifier: Notifier | None = None, store_id: int = DEFAULT_STORE_ID) -> JobContext:
    """A job context over the container's database, clock and services.

    ``token`` gives the bot token for each Web API client (default ``SLACK_BOT_TOKEN``); jobs in
    OAuth mode pass a provider that refreshes rotated tokens.
    """
    settings = container.settings

    def slack() -> WebClient:
        return sync_web_client(settings, token() if token is not None else None)

    chosen = notifier or service(container, "notifier") or SlackNotifier(
        slack, container.uow_factory, admins=settings.schedbot_admins)
    return JobContext(settings=settings, uow_factory=container.uow_factory, clock=container.clock,
                      slack=slack, notifier=chosen, packet=service(container, "packet"),
                      sync=service(container, "sync"), retaillink=service(container, "retaillink"),
                      store_id=store_id)


def request_context(container: Container, bolt_context: Mapping[str, Any]) -> JobContext:
    """A job context for work started by a Slack request, using that request's bot token."""
    token = bolt_context.get("bot_token")
    return context_from(container, token=(lambda: str(token)) if token else None)
