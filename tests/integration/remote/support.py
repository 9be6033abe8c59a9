"""Test doubles for time and helpers that turn sandbox rows into domain objects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.model import Employee, Event, EventType
from devtools.sandbox import ServerHandle, serve_in_thread
from devtools.sandbox.dataset import SandboxMplan, SandboxRep

FIXED_NOW = datetime(2027, 3, 12, 15, 0, tzinfo=UTC)


class RecordingSleep:
    """Stands in for ``time.sleep``: records each wait, never waits; may run a hook on each call."""

    def __init__(self, on_sleep: Callable[[float], None] | None = None) -> None:
        self.waits: list[float] = []
        self.on_sleep = on_sleep

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)


class ServerComesBackOnSleep(RecordingSleep):
    """A RecordingSleep that serves ``app`` on ``port`` the first time the client backs off."""

    def __init__(self, app: Any, port: int) -> None:
        super().__init__(on_sleep=self._start)
        self.app = app
        self.port = port
        self.handles: list[ServerHandle] = []

    def _start(self, _: float) -> None:
        if not self.handles:
            self.handles.append(serve_in_thread(self.app, port=self.port))

    def stop(self) -> None:
        for handle in self.handles:
            handle.stop()


class ManualClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def fixed_now() -> datetime:
    return FIXED_NOW


def event_of(mplan: SandboxMplan) -> Event:
    """The domain Event a sync would have made of a sandbox mPlan."""
    name = mplan.name.upper()
    kind = (EventType.CORE if "CORE" in name else EventType.SUPERVISOR if "SUPERVISOR" in name
            else EventType.OTHER)
    return Event(id=1, mplan_id=mplan.mplan_id, name=mplan.name, start_date=mplan.start_date,
                 due_date=mplan.end_date, event_type=kind, location_mvid=mplan.store_id,
                 store_name=mplan.store_name)


def employee_of(rep: SandboxRep) -> Employee:
    """The domain Employee a roster import would have made of a sandbox rep."""
    return Employee(id=rep.employee_id, name=rep.title, rep_id=rep.rep_id,
                    crossmark_employee_id=rep.employee_id)
