"""Slack side of identity: ``users.info`` with a per-process cache, and the actor of a request.

``core.services.identity.resolve_actor`` decides; this module feeds it Slack profiles and gives
listeners the resolved ``Actor`` (``await current_actor(context)``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from core.errors import PermissionDenied
from core.model import Actor
from core.services.identity import NOT_LINKED_MESSAGE, SlackProfile, is_linked

log = logging.getLogger(__name__)

PROFILE_TTL_SECONDS = 300.0
PROFILE_CACHE_SIZE = 2048
ACTOR_KEY = "actor"
ACTOR_PENDING_KEY = "actor_pending"


def profile_from_user(user: Mapping[str, Any]) -> SlackProfile:
    """A ``SlackProfile`` from the ``user`` object of a ``users.info`` answer."""
    profile = user.get("profile") or {}
    return SlackProfile(
        user_id=str(user.get("id", "")),
        email=profile.get("email") or None,
        is_admin=bool(user.get("is_admin")),
        is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        real_name=profile.get("real_name") or user.get("real_name") or None,
    )


class ProfileCache:
    """``users.info`` answers kept for a few minutes, per workspace and user.

    Failures are not cached, so a Slack hiccup costs one retry on the next request.
    """

    def __init__(self, ttl_seconds: float = PROFILE_TTL_SECONDS, max_entries: int = PROFILE_CACHE_SIZE,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._now = monotonic
        self._entries: dict[tuple[str, str], tuple[float, SlackProfile]] = {}
        self._inflight: dict[tuple[str, str], asyncio.Future[SlackProfile | None]] = {}

    def cached(self, team_id: str, user_id: str) -> SlackProfile | None:
        """The cached, unexpired profile, if any."""
        entry = self._entries.get((team_id, user_id))
        if entry is None or entry[0] < self._now():
            return None
        return entry[1]

    def put(self, team_id: str, profile: SlackProfile) -> None:
        """Remember a profile until the TTL runs out."""
        if len(self._entries) >= self._max:
            now = self._now()
            self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
            if len(self._entries) >= self._max:
                self._entries.pop(next(iter(self._entries)))
        self._entries[(team_id, profile.user_id)] = (self._now() + self._ttl, profile)

    async def get(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackProfile | None:
        """The profile of ``user_id``; one ``users.info`` call for concurrent askers."""
        hit = self.cached(team_id, user_id)
        if hit is not None:
            return hit
        key = (team_id, user_id)
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[SlackProfile | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            profile = await fetch_profile(client, user_id)
            if profile is not None:
                self.put(team_id, profile)
            future.set_result(profile)
            return profile
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()
            raise
        finally:
            self._inflight.pop(key, None)


async def fetch_profile(client: AsyncWebClient, user_id: str) -> SlackProfile | None:
    """``users.info`` for one user; ``None`` (logged) when Slack refuses or is unreachable."""
    try:
        answer = await client.users_info(user=user_id)
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return None
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        log.warning("users.info unreachable for %s: %s", user_id, type(exc).__name__)
        return None
    user = answer.get("user")
    return profile_from_user(user) if isinstance(user, Mapping) else None


class ActorLookup:
    """The actor of one request, resolved on the first ask and shared by later asks.

    The middleware puts one in the context without starting it, so resolving (database, maybe
    ``users.info``) happens when a listener asks, normally after it has acknowledged.
    """

    def __init__(self, resolve: Callable[[], Awaitable[Actor | None]]) -> None:
        self._resolve = resolve
        self._task: asyncio.Future[Actor | None] | None = None

    @property
    def started(self) -> bool:
        """Whether someone has asked yet."""
        return self._task is not None

    async def get(self) -> Actor | None:
        """The resolved actor (``None`` for bots and requests without a user)."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._resolve())
        return await asyncio.shield(self._task)


async def current_actor(context: Mapping[str, Any]) -> Actor | None:
    """The actor of this request, resolving it on the first call."""
    actor = context.get(ACTOR_KEY)
    if isinstance(actor, Actor):
        return actor
    pending = context.get(ACTOR_PENDING_KEY)
    if isinstance(pending, ActorLookup):
        result = await pending.get()
        return result if isinstance(result, Actor) else None
    return None


def require_linked(actor: Actor | None) -> Actor:
    """The actor, when it is a known team member; otherwise "ask your manager to link you"."""
    if actor is None or not is_linked(actor):
        raise PermissionDenied(NOT_LINKED_MESSAGE)
    return actor
