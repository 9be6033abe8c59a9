"""``SchedbotApp``: Bolt's ``AsyncApp`` with a cheaper path to the acknowledgement.

Three changes, all invisible to listeners: matchers that only read the body are called directly
(``bot.slack.listener_matching``); the listener runner answers as soon as a listener acknowledges
instead of polling for it every 10 ms (``bot.slack.ack_runner``); and in single-workspace mode the bot
token is checked with ``auth.test`` once, by the first request, while requests arriving meanwhile
wait for that answer instead of each asking Slack themselves (Bolt caches the answer only after
the first call returns).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import AsyncSingleTeamAuthorization
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.ack_runner import PromptAckRunner
from bot.slack.listener_matching import streamline

log = logging.getLogger(__name__)


class SchedbotApp(AsyncApp):
    """``AsyncApp`` whose listeners (also those added after it was built) match cheaply and whose
    acknowledgements go out without polling."""

    _streamlined_count = 0
    _authorized: asyncio.Future[None] | None = None

    def registered_listeners(self) -> list[Any]:
        """The app's listeners in matching order (``bot.slack.bolt_internals`` checks it exists)."""
        listeners: list[Any] = self._async_listeners
        return listeners

    def streamline_listeners(self) -> None:
        """Make the matchers of listeners registered since the last call cheap."""
        listeners = self.registered_listeners()
        if len(listeners) != self._streamlined_count:
            streamline(listeners[self._streamlined_count:])
            self._streamlined_count = len(listeners)

    def use_prompt_acks(self) -> None:
        """Run listeners with ``PromptAckRunner`` (keeps the handlers already set on the runner)."""
        if not isinstance(self._async_listener_runner, PromptAckRunner):
            self._async_listener_runner = PromptAckRunner.replacing(self._async_listener_runner)

    def prepare(self) -> None:
        """Streamline new listeners and make sure the prompt runner is in place (cheap when done)."""
        self.use_prompt_acks()
        self.streamline_listeners()

    def single_team_authorization(self) -> AsyncSingleTeamAuthorization | None:
        """Bolt's single-workspace authorization middleware, if the app has one."""
        middleware: list[Any] = self._async_middleware_list
        found = [m for m in middleware if isinstance(m, AsyncSingleTeamAuthorization)]
        return found[0] if found else None

    async def authorize_once(self) -> None:
        """Ask ``auth.test`` for the bot token once and hand the answer to Bolt's middleware.

        Concurrent callers share the one call. A failure is logged and left to Bolt, which asks
        again per request and answers Slack with its usual "install the app" error.
        """
        if self._authorized is None:
            self._authorized = asyncio.ensure_future(self._authorize())
        await asyncio.shield(self._authorized)

    async def _authorize(self) -> None:
        middleware = self.single_team_authorization()
        if middleware is None or middleware.auth_test_result is not None:
            return
        try:
            middleware.auth_test_result = await self.client.auth_test()
        except Exception as exc:
            log.warning("auth.test failed (%s); Bolt retries it per request", type(exc).__name__)

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Dispatch as Bolt does, once ``prepare`` has run and the bot token was checked."""
        self.prepare()
        if self._authorized is None or not self._authorized.done():
            await self.authorize_once()
        return await super().async_dispatch(req)
