"""An in-memory notifier that records what would have been sent to Slack."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sent:
    """One recorded message: to an employee (``employee_id`` set) or to the managers."""

    store_id: int
    text: str
    employee_id: str | None = None
    blocks: list[dict[str, Any]] | None = field(default=None, compare=False)


class FakeNotifier:
    """Implements ``core.ports.Notifier``; ``fail`` makes every call raise (delivery outage)."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.fail: Exception | None = None
        self._lock = threading.Lock()

    def notify_employee(self, store_id: int, employee_id: str, text: str) -> None:
        """Record a DM to the employee's linked Slack user."""
        self._send(Sent(store_id, text, employee_id))

    def notify_managers(self, store_id: int, text: str, *,
                        blocks: list[dict[str, Any]] | None = None) -> None:
        """Record a message to the managers."""
        self._send(Sent(store_id, text, None, blocks))

    def to(self, employee_id: str) -> list[str]:
        """Texts sent to one employee, oldest first."""
        return [s.text for s in self.sent if s.employee_id == employee_id]

    @property
    def to_managers(self) -> list[str]:
        """Texts sent to the managers, oldest first."""
        return [s.text for s in self.sent if s.employee_id is None]

    def _send(self, message: Sent) -> None:
        if self.fail is not None:
            raise self.fail
        with self._lock:
            self.sent.append(message)
