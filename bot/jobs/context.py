"""What a job body needs: settings, the database, the clock, core services, Slack clients.

The clock process and the Slack listeners build the same ``JobContext`` from the ``Container`` so a
job run by the scheduler and the same job run on demand (``/sched sync``, ``/packet``) behave alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.container import Container, PacketPublisher, SlackClientFactory
from bot.settings import Settings
from core.errors import InvalidInput
from core.model import DEFAULT_STORE_ID, Actor, Role
from core.ports import Clock, Notifier, RetailLinkPort, UnitOfWorkFactory
from core.services.packet import PacketService
from core.services.sync import SyncService

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
    slack: SlackClientFactory
    notifier: Notifier
    poster: PacketPublisher
    """The packet publisher of this store (one per context: it serialises posts)."""
    packet: PacketService
    sync: SyncService | None
    retaillink: RetailLinkPort | None
    store_id: int = DEFAULT_STORE_ID

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

    def team_channel(self) -> str:
        """``TEAM_CHANNEL`` (a channel id); a configuration error when unset."""
        channel = self.settings.team_channel.strip()
        if not channel:
            raise InvalidInput("TEAM_CHANNEL is not set, so there is no channel to post the packet to.")
        return channel


def context_from(container: Container, *, token: TokenProvider | None = None,
                 store_id: int = DEFAULT_STORE_ID) -> JobContext:
    """A job context over the container's database, clock, services and remote ports.

    ``token`` gives the bot token for each Web API client (default: the container's bot token,
    which in OAuth mode refreshes rotated tokens).
    """
    def slack() -> WebClient:
        return container.sync_client(token() if token is not None else None)

    return JobContext(settings=container.settings, uow_factory=container.uow_factory, clock=container.clock,
                      slack=slack, notifier=container.notifier,
                      poster=container.packet_publisher(slack, store_id), packet=container.services.packet,
                      sync=container.services.sync, retaillink=container.retaillink, store_id=store_id)


def request_context(container: Container, bolt_context: Mapping[str, Any]) -> JobContext:
    """A job context for work started by a Slack request, using that request's bot token."""
    token = bolt_context.get("bot_token")
    return context_from(container, token=(lambda: str(token)) if token else None)
