"""A clock that only moves when a test says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FixedClock:
    """Implements ``core.ports.Clock``: ``now()`` returns the instant it was given."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now if now is not None else datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")

    def now(self) -> datetime:
        """The instant the clock is set to."""
        return self._now

    def set(self, now: datetime) -> None:
        """Jump to ``now`` (timezone-aware)."""
        if now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._now = now

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        self._now = self._now + timedelta(**delta)
