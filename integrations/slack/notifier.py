"""``SlackNotifier``: ``core.ports.Notifier`` over the Slack Web API, for sync code (jobs, services).

A DM is ``conversations.open`` (cached per user) then ``chat.postMessage``. Posts to one channel are
paced to about one per second, Slack's per-channel rate; DMs to different people are not held back.
The Web API client is synchronous; async callers run it in a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from core.errors import RemoteError
from core.ports import UnitOfWorkFactory
from core.services.recipients import employee_user_ids, manager_user_ids

log = logging.getLogger(__name__)

PACE_SECONDS = 1.0
ClientFactory = Callable[[], WebClient]


def sync_web_client(base_url: str, token: str | None) -> WebClient:
    """A synchronous Web API client aimed at ``base_url`` that waits out 429s and reconnects."""
    return WebClient(token=token or None, base_url=base_url,
                     retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2),
                                     RateLimitErrorRetryHandler(max_retry_count=3)])


def slack_error(exc: SlackApiError) -> str:
    """The ``error`` code of a failed Web API answer (never its request)."""
    return str(exc.response.get("error") or "unknown_error")


class SlackNotifier:
    """Direct messages to employees and managers; implements ``core.ports.Notifier``."""

    def __init__(self, client: ClientFactory, uow_factory: UnitOfWorkFactory, *,
                 admins: Collection[str] = (), pace_seconds: float = PACE_SECONDS,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._uow = uow_factory
        self._admins = tuple(admins)
        self._pace = pace_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._dm_channels: dict[str, str] = {}
        self._next_slot: dict[str, float] = {}

    def notify_employee(self, store_id: int, employee_id: str, text: str) -> None:
        """DM every Slack user linked to the employee; nothing (logged) when nobody is linked."""
        users = employee_user_ids(self._uow, store_id, employee_id)
        if not users:
            log.info("employee %s has no Slack link; message not sent", employee_id)
            return
        for user in users:
            self.dm(user, text)

    def notify_managers(self, store_id: int, text: str, *,
                        blocks: list[dict[str, Any]] | None = None) -> None:
        """DM each manager; raises ``RemoteError`` only when no manager could be reached."""
        users = manager_user_ids(self._uow, store_id, self._admins)
        if not users:
            log.warning("store %s has no managers linked in Slack; message not sent", store_id)
            return
        delivered = 0
        for user in users:
            try:
                self.dm(user, text, blocks=blocks)
                delivered += 1
            except RemoteError as exc:
                log.warning("could not DM manager %s: %s", user, exc.message)
        if delivered == 0:
            raise RemoteError("Slack refused the message to every manager")

    def dm(self, user_id: str, text: str, *, blocks: list[dict[str, Any]] | None = None) -> tuple[str, str]:
        """Send a DM; the (channel, ts) of the message. Slack failures raise ``RemoteError``."""
        client = self._client()
        channel = self._dm_channel(client, user_id)
        return channel, self.post(channel, text, blocks=blocks, client=client)

    def post(self, channel: str, text: str, *, blocks: list[dict[str, Any]] | None = None,
             client: WebClient | None = None) -> str:
        """Post to a channel at Slack's pace; the message ts."""
        self._wait_turn(channel)
        try:
            answer = (client or self._client()).chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as exc:
            raise RemoteError(f"Slack refused the message ({slack_error(exc)})") from None
        return str(answer.get("ts") or "")

    def _dm_channel(self, client: WebClient, user_id: str) -> str:
        with self._lock:
            cached = self._dm_channels.get(user_id)
        if cached is not None:
            return cached
        try:
            answer = client.conversations_open(users=user_id)
        except SlackApiError as exc:
            raise RemoteError(f"Slack could not open a DM ({slack_error(exc)})") from None
        channel_info = answer.get("channel") or {}
        channel = str(channel_info.get("id") or "")
        if not channel:
            raise RemoteError("Slack opened no DM channel")
        with self._lock:
            self._dm_channels[user_id] = channel
        return channel

    def _wait_turn(self, channel: str) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next_slot.get(channel, now))
            self._next_slot[channel] = slot + self._pace
        if slot > now:
            self._sleep(slot - now)
