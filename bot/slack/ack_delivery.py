"""Work after the ack starts once the acknowledgement is handed to the HTTP server.

Bolt runs a command or action listener in a task of its own and answers Slack when it sees
``ack()`` was called. Without a pause, the listener's next step (a database call in a worker
thread, a Web API call) starts before the answer is written and competes with it for the
interpreter. ``AckDelivery`` lets the listener's ``ack()`` wait until the HTTP layer has the
answer: ``bot.edge.asgi`` opens one per request, ``StickyAck`` waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars

ACK_HANDOFF_WAIT_SECONDS = 3.0
"""Upper bound of the wait (Bolt gives up on an ack after 3 s and answers anyway)."""


class AckDelivery:
    """Marks when the response to one Slack request has been handed to the HTTP server."""

    def __init__(self) -> None:
        self._owner = asyncio.current_task()
        self._handed_off = asyncio.Event()

    def handed_off(self) -> None:
        """The response is on its way: release listeners waiting in ``ack()``."""
        self._handed_off.set()

    @property
    def is_handed_off(self) -> bool:
        """Whether the response has been handed to the HTTP server."""
        return self._handed_off.is_set()

    async def wait(self, timeout: float = ACK_HANDOFF_WAIT_SECONDS) -> None:
        """Wait for the hand-off, except in the task that produces the response (no deadlock)."""
        if asyncio.current_task() is self._owner or self.is_handed_off:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._handed_off.wait(), timeout)


current_delivery: contextvars.ContextVar[AckDelivery | None] = contextvars.ContextVar(
    "current_delivery", default=None)
