"""A Bolt listener runner that answers Slack the moment a listener acknowledges.

Bolt's asyncio runner starts the listener in a task and then looks at ``ack.response`` every
10 ms. Under load each of those sleeps, and the hop to the listener task, stretches to tens of
milliseconds, so a command or a button click waited several event-loop turns for an ack its
listener gave at once. ``PromptAckRunner`` waits on ``StickyAck``'s acknowledgement event instead
(or on the listener finishing without one) and keeps Bolt's error and completion handling:

- an exception before the ack goes to the error handler with a 500 response it may rewrite, and
  that response is the answer to Slack;
- an exception after the ack goes to the error handler with no response;
- a listener that returns without acknowledging gets Bolt's "didn't call ack()" warning, and
  dispatch carries on as Bolt's does (no answer from this listener).

Requests it does not cover (``process_before_response``, lazy listeners, a response already built
by middleware, an ack that is not a ``StickyAck``) go to Bolt's own runner unchanged.
"""

from __future__ import annotations

import asyncio
import time

from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.listener.asyncio_runner import AsyncioListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.middleware import StickyAck


class PromptAckRunner(AsyncioListenerRunner):
    """``AsyncioListenerRunner`` without the 10 ms acknowledgement polling."""

    @classmethod
    def replacing(cls, runner: AsyncioListenerRunner) -> PromptAckRunner:
        """A runner with the same logger, handlers and lazy-listener runner as ``runner``."""
        return cls(logger=runner.logger, process_before_response=runner.process_before_response,
                   listener_error_handler=runner.listener_error_handler,
                   listener_start_handler=runner.listener_start_handler,
                   listener_completion_handler=runner.listener_completion_handler,
                   lazy_listener_runner=runner.lazy_listener_runner)

    async def run(self, request: AsyncBoltRequest, response: BoltResponse, listener_name: str,
                  listener: AsyncListener, starting_time: float | None = None) -> BoltResponse | None:
        """Run ``listener``; return its acknowledgement as soon as it exists."""
        ack = request.context.ack
        if (self.process_before_response or request.lazy_only or listener.lazy_functions
                or response is not None or not isinstance(ack, StickyAck)):
            return await super().run(request, response, listener_name, listener, starting_time)
        started = starting_time if starting_time is not None else time.time()
        if listener.auto_acknowledgement:
            await ack()
        work = asyncio.ensure_future(self._run_listener(ack, request, listener))
        if ack.response is None:
            budget = max(0.0, listener.ack_timeout - (time.time() - started))
            await ack.wait_given(work, budget)
        if ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
        return ack.response

    async def _run_listener(self, ack: StickyAck, request: AsyncBoltRequest, listener: AsyncListener) -> None:
        failure: BoltResponse | None = None
        try:
            await self.listener_start_handler.handle(request=request, response=None)
            await listener.run_ack_function(request=request, response=None)  # type: ignore[arg-type]
        except Exception as error:
            failure = None if ack.response is not None else BoltResponse(status=500)
            await self.listener_error_handler.handle(error=error, request=request, response=failure)
            ack.response = failure
        finally:
            await self.listener_completion_handler.handle(request=request, response=failure)
