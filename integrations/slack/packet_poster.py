"""Posting a built daily packet to a Slack channel, once per store and day.

The PDF goes up with ``files_upload_v2`` (``files.getUploadURLExternal``, the raw upload,
``files.completeUploadExternal``) and a summary message follows. The ``packet_posts`` row of the day
remembers both; posting again to the same channel deletes the earlier file and updates the earlier
message in place, so the channel never shows two packets of one day. A post to another channel is a
copy that leaves the recorded one alone. When the bot is not in the channel it joins
(``conversations.join``) and tries once more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.errors import RemoteError
from core.ports import Clock, PacketPost, PostedPacket, UnitOfWorkFactory
from core.services.packet import PacketBuild
from integrations.slack.notifier import ClientFactory, slack_error

log = logging.getLogger(__name__)

NOT_IN_CHANNEL = "not_in_channel"
GONE = frozenset({"file_not_found", "file_deleted", "message_not_found", "cant_delete_file"})
R = TypeVar("R")

_STORE_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _store_lock(store_id: int) -> threading.Lock:
    """One lock per store for the whole process, so two posts of a store never interleave."""
    with _LOCKS_GUARD:
        return _STORE_LOCKS.setdefault(store_id, threading.Lock())


SummaryMessage = Callable[[str, str, bool], tuple[str, list[dict[str, Any]]]]
"""(summary, filename, replaced) -> the channel message's text and blocks."""


class PacketPoster:
    """Uploads packets and keeps the ``packet_posts`` row of each day up to date."""

    def __init__(self, client: ClientFactory, uow_factory: UnitOfWorkFactory, clock: Clock, *,
                 store_id: int, message: SummaryMessage) -> None:
        self._client = client
        self._message = message
        self._uow = uow_factory
        self._clock = clock
        self._store_id = store_id

    def recorded(self, day: date) -> PacketPost | None:
        """The recorded post (or waiting packet) of ``day``."""
        with self._uow() as uow:
            return uow.packet_posts.get(self._store_id, day)

    def mark_waiting(self, day: date, channel: str) -> PacketPost:
        """Record that the packet of ``day`` waits to be posted to ``channel`` (unless already posted)."""
        with self._uow() as uow:
            current = uow.packet_posts.get(self._store_id, day)
            if current is not None and current.posted:
                return current
            waiting = PacketPost(store_id=self._store_id, day=day, channel=channel)
            uow.packet_posts.save(waiting)
            uow.commit()
            return waiting

    def post(self, build: PacketBuild, channel: str, summary: str) -> PostedPacket:
        """Upload the packet PDF to ``channel`` with its summary, replacing the day's earlier post there."""
        with _store_lock(self._store_id):
            return self._post(build, channel, summary)

    def _post(self, build: PacketBuild, channel: str, summary: str) -> PostedPacket:
        day = build.data.day
        client = self._client()
        existing = self.recorded(day)
        same_place = existing is not None and existing.channel == channel
        record = existing is None or not existing.posted or same_place
        file_id = self._call(client, channel, lambda: self._upload(client, channel, build))
        old_file = existing.file_id if same_place and existing is not None else None
        old_ts = existing.message_ts if same_place and existing is not None else None
        if record:
            self._save(day, channel, old_ts, file_id, None if existing is None else existing.posted_at)
        if old_file and old_file != file_id:
            self._delete_file(client, old_file)
        replaced = old_file is not None or old_ts is not None
        text, blocks = self._message(summary, build.filename, replaced)
        ts = self._update(client, channel, old_ts, text, blocks) if old_ts else None
        if ts is None:
            ts = self._call(client, channel, lambda: self._send(client, channel, text, blocks))
        if record:
            self._save(day, channel, ts, file_id, self._clock.now())
        log.info("packet of %s posted to %s (file %s, replaced=%s)", day, channel, file_id, replaced)
        return PostedPacket(channel, ts, file_id, replaced, record)

    def _save(self, day: date, channel: str, ts: str | None, file_id: str,
              posted_at: datetime | None) -> None:
        with self._uow() as uow:
            uow.packet_posts.save(PacketPost(store_id=self._store_id, day=day, channel=channel,
                                             message_ts=ts, file_id=file_id, posted_at=posted_at))
            uow.commit()

    def _call(self, client: WebClient, channel: str, fn: Callable[[], R]) -> R:
        try:
            return fn()
        except SlackApiError as exc:
            if slack_error(exc) != NOT_IN_CHANNEL or channel.startswith("D"):
                raise RemoteError(f"Slack refused the packet ({slack_error(exc)})") from None
        self._join(client, channel)
        try:
            return fn()
        except SlackApiError as exc:
            raise RemoteError(f"Slack refused the packet ({slack_error(exc)})") from None

    @staticmethod
    def _join(client: WebClient, channel: str) -> None:
        try:
            client.conversations_join(channel=channel)
        except SlackApiError as exc:
            raise RemoteError(f"The bot could not join the channel ({slack_error(exc)}); "
                              f"invite it with /invite @schedbot") from None
        log.info("joined channel %s to post the packet", channel)

    @staticmethod
    def _upload(client: WebClient, channel: str, build: PacketBuild) -> str:
        title = f"Daily packet {build.data.day:%A %B %-d, %Y}"
        answer = client.files_upload_v2(channel=channel, file=build.pdf, filename=build.filename,
                                        title=title)
        files = answer.get("files") or []
        file_id = str(files[0].get("id") or "") if files else ""
        if not file_id:
            raise RemoteError("Slack did not confirm the packet upload")
        return file_id

    @staticmethod
    def _send(client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]]) -> str:
        answer = client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
        return str(answer.get("ts") or "")

    @staticmethod
    def _update(client: WebClient, channel: str, ts: str, text: str,
                blocks: list[dict[str, Any]]) -> str | None:
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            if slack_error(exc) in GONE:
                return None
            raise RemoteError(f"Slack refused to update the packet message ({slack_error(exc)})") from None
        return ts

    @staticmethod
    def _delete_file(client: WebClient, file_id: str) -> None:
        try:
            client.files_delete(file=file_id)
        except SlackApiError as exc:
            if slack_error(exc) not in GONE:
                log.warning("could not delete the earlier packet file %s: %s", file_id, slack_error(exc))
