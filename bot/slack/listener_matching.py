"""Cheap listener matching: Bolt's built-in matchers called with the request body alone.

Bolt tries every registered listener's matchers in turn for each request, and each built-in
matcher call first builds the whole keyword-argument set a listener could ask for (about thirty
values, several of them parsed out of the body) only to pass ``body``. With fifty-odd listeners
that was most of the CPU spent before the ack. ``streamline`` swaps those matchers for
``BodyMatcher``s that call the same predicate with ``body=req.body`` (``bot.slack.schedbot_app`` does it
for every listener of the app).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from slack_bolt.listener_matcher.async_builtins import AsyncBuiltinListenerMatcher
from slack_bolt.listener_matcher.async_listener_matcher import AsyncListenerMatcher
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

BodyPredicate = Callable[..., Awaitable[bool]]


class BodyMatcher(AsyncListenerMatcher):
    """A built-in Bolt matcher predicate, called with the body and nothing else."""

    def __init__(self, predicate: BodyPredicate) -> None:
        self.predicate = predicate

    async def async_matches(self, req: AsyncBoltRequest, resp: BoltResponse) -> bool:
        """Whether the listener is for this request."""
        return bool(await self.predicate(body=req.body))


def body_only(matcher: object) -> BodyMatcher | None:
    """The ``BodyMatcher`` equivalent of a built-in matcher whose predicate takes only ``body``."""
    if type(matcher) is AsyncBuiltinListenerMatcher and list(matcher.arg_names) == ["body"]:
        return BodyMatcher(matcher.func)  # type: ignore[arg-type]
    return None


def streamline(listeners: Iterable[Any]) -> int:
    """Replace body-only built-in matchers of ``listeners`` in place; how many were replaced."""
    replaced = 0
    for listener in listeners:
        matchers = getattr(listener, "matchers", None)
        if not isinstance(matchers, list):
            continue
        for index, matcher in enumerate(matchers):
            cheap = body_only(matcher)
            if cheap is not None:
                matchers[index] = cheap
                replaced += 1
    return replaced
