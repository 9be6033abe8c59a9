"""A circuit breaker per upstream: stop calling a service that keeps failing, probe it after a rest."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from core.errors import RemoteError

Monotonic = Callable[[], float]


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after ``failure_threshold`` consecutive failures; lets one probe through after ``cooldown``.

    While open, :meth:`before_call` raises ``RemoteError("<name> is unavailable, retrying after N s")``
    without touching the network. A successful probe closes the breaker; a failed one opens it again.
    Thread-safe; the clock is injectable so tests never wait.
    """

    def __init__(self, name: str, *, failure_threshold: int = 5, cooldown: float = 30.0,
                 monotonic: Monotonic = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.name = name
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state, moving OPEN to HALF_OPEN once the cool-down has passed."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._remaining() <= 0:
                return BreakerState.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures recorded since the last success."""
        return self._failures

    def before_call(self) -> None:
        """Admit a call or raise ``RemoteError`` while the breaker is open (or a probe is running)."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return
            if self._state is BreakerState.OPEN:
                remaining = self._remaining()
                if remaining > 0:
                    raise RemoteError(self._unavailable_message(remaining))
                self._state = BreakerState.HALF_OPEN
                self._probe_in_flight = False
            if self._probe_in_flight:
                raise RemoteError(self._unavailable_message(self.cooldown))
            self._probe_in_flight = True

    def record_success(self) -> None:
        """A call got a healthy answer: close the breaker and forget past failures."""
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        """A call failed (transport error, timeout, 5xx, 429): count it, maybe open the breaker."""
        with self._lock:
            self._failures += 1
            self._probe_in_flight = False
            if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._monotonic()

    def _remaining(self) -> float:
        return self._opened_at + self.cooldown - self._monotonic()

    def _unavailable_message(self, remaining: float) -> str:
        return f"{self.name} is unavailable, retrying after {max(1, math.ceil(remaining))} s"
