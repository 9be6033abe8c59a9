"""The in-memory workspace of the fake Slack: users, channels, messages, views, files, calls."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

BOT_USER_ID = "UBOTSCHED"
BOT_ID = "BBOTSCHED"
APP_ID = "AAPPSCHED"
TEAM_ID = "T0STORE"
TEAM_NAME = "Store 8135"
TEAM_CHANNEL_ID = "C0TEAM"


def token_hint(token: str) -> str:
    """A short, irreversible stand-in for a token (records never keep tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


@dataclass
class SlackUser:
    """A seeded workspace member, as ``users.info`` describes them."""

    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    tz: str = "America/Indiana/Indianapolis"

    def payload(self, team_id: str = TEAM_ID) -> dict[str, Any]:
        """The ``user`` object of ``users.info``."""
        profile: dict[str, Any] = {"real_name": self.real_name or self.name,
                                   "display_name": self.name, "image_48": ""}
        if self.email is not None:
            profile["email"] = self.email
        return {"id": self.id, "team_id": team_id, "name": self.name, "deleted": self.deleted,
                "real_name": self.real_name or self.name, "tz": self.tz, "is_admin": self.is_admin,
                "is_owner": self.is_owner, "is_primary_owner": False, "is_bot": self.is_bot,
                "is_app_user": False, "profile": profile}


@dataclass
class Channel:
    """A channel or DM the fake knows."""

    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: list[str] = field(default_factory=list)
    bot_is_member: bool = True

    def payload(self) -> dict[str, Any]:
        """The ``channel`` object of ``conversations.info``."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "is_channel": not self.is_im,
                                "is_group": self.is_private, "is_im": self.is_im,
                                "is_private": self.is_private or self.is_im,
                                "is_member": self.bot_is_member, "is_archived": False}
        if self.is_im and self.members:
            data["user"] = self.members[0]
        return data


@dataclass
class Call:
    """One recorded request: the method (or ``upload`` / ``response_url``), its merged params."""

    method: str
    params: dict[str, Any]
    raw_body: bytes = b""
    files: dict[str, bytes] = field(default_factory=dict)
    token: str | None = None
    """``token_hint`` of the bearer token, never the token itself."""
    at: float = field(default_factory=time.time)


@dataclass
class Message:
    """A posted message (``ephemeral_to`` set for ephemeral ones)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    user: str = BOT_USER_ID
    thread_ts: str | None = None
    ephemeral_to: str | None = None
    files: list[str] = field(default_factory=list)
    response_type: str | None = None

    def payload(self) -> dict[str, Any]:
        """The ``message`` object Slack returns."""
        data: dict[str, Any] = {"type": "message", "ts": self.ts, "text": self.text, "user": self.user,
                                "bot_id": BOT_ID, "blocks": self.blocks}
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        return data


@dataclass
class View:
    """An open modal or a published App Home."""

    id: str
    view: dict[str, Any]
    user: str | None = None
    hash: str = ""
    previous_view_id: str | None = None
    closed: bool = False

    def payload(self, team_id: str = TEAM_ID) -> dict[str, Any]:
        """The ``view`` object of ``views.*`` answers."""
        return {**self.view, "id": self.id, "team_id": team_id, "hash": self.hash,
                "previous_view_id": self.previous_view_id, "app_id": APP_ID, "bot_id": BOT_ID,
                "state": {"values": {}}, "private_metadata": self.view.get("private_metadata", ""),
                "callback_id": self.view.get("callback_id", ""),
                "external_id": self.view.get("external_id", "")}


@dataclass
class UploadedFile:
    """A file uploaded through the three-step ``files_upload_v2`` dance."""

    id: str
    filename: str
    length: int
    content: bytes = b""
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    completed: bool = False
    deleted: bool = False


@dataclass
class Fault:
    """An injected failure: ``ok:false`` with ``error``, or an HTTP status (429 with Retry-After)."""

    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    times: int = 1


class WorkspaceState:
    """Everything the fake Slack remembers; every access holds ``lock``."""

    def __init__(self, team_id: str = TEAM_ID, team_name: str = TEAM_NAME) -> None:
        self.lock = threading.RLock()
        self.team_id = team_id
        self.team_name = team_name
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, Channel] = {
            TEAM_CHANNEL_ID: Channel(TEAM_CHANNEL_ID, "team-schedule")}
        self.messages: list[Message] = []
        self.views: dict[str, View] = {}
        self.home: dict[str, View] = {}
        self.files: dict[str, UploadedFile] = {}
        self.reactions: set[tuple[str, str, str]] = set()
        self.calls: list[Call] = []
        self.faults: dict[str, list[Fault]] = {}
        self.valid_tokens: set[str] | None = None
        self.socket_mode_url: str | None = None
        """Where ``apps.connections.open`` sends Socket Mode clients (set by ``FakeSocketMode``)."""
        self._counter = itertools.count(1)
        self._clock = int(time.time())

    def next_id(self, prefix: str) -> str:
        """A fresh Slack-looking id (``V000001``)."""
        return f"{prefix}{next(self._counter):06d}"

    def next_ts(self) -> str:
        """A fresh, increasing message timestamp."""
        return f"{self._clock}.{next(self._counter):06d}"

    def take_fault(self, method: str) -> Fault | None:
        """The next injected failure of ``method`` (consumed), if any."""
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def dm_channel(self, user_id: str) -> Channel:
        """The DM channel with ``user_id`` (created on first use)."""
        for channel in self.channels.values():
            if channel.is_im and channel.members == [user_id]:
                return channel
        channel = Channel("D" + user_id.lstrip("UW"), f"dm-{user_id}", is_im=True, members=[user_id])
        self.channels[channel.id] = channel
        return channel

    def resolve_channel(self, ref: str) -> Channel | None:
        """A channel by id, a DM by user id, or ``None``."""
        if ref in self.channels:
            return self.channels[ref]
        if ref[:1] in ("U", "W") and ref in self.users:
            return self.dm_channel(ref)
        return None

    def find_message(self, channel: str, ts: str) -> Message | None:
        """A non-ephemeral message by channel and ts."""
        for msg in self.messages:
            if msg.channel == channel and msg.ts == ts and msg.ephemeral_to is None:
                return msg
        return None
