"""``SchedbotApp``: Bolt's ``AsyncApp`` with a cheaper path to the acknowledgement.

Two changes, both invisible to listeners: matchers that only read the body are called directly
(``bot.listener_matching``), and the listener runner answers as soon as a listener acknowledges
instead of polling for it every 10 ms (``bot.ack_runner``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.ack_runner import PromptAckRunner
from bot.listener_matching import streamline


class SchedbotApp(AsyncApp):
    """``AsyncApp`` whose listeners (also those added after it was built) match cheaply and whose
    acknowledgements go out without polling."""

    _streamlined_count = 0

    def registered_listeners(self) -> list[Any]:
        """The app's listeners in matching order (empty if Bolt stops exposing them)."""
        listeners = getattr(self, "_async_listeners", None)
        return listeners if isinstance(listeners, list) else []

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

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Dispatch as Bolt does, once ``prepare`` has run."""
        self.prepare()
        return await super().async_dispatch(req)
