"""Crossmark calls made in order, undone in reverse when a later one fails (remote first)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Self

from core.errors import RemoteError
from core.model import Assignment, Employee, Event
from core.ports import CrossmarkPort

log = logging.getLogger(__name__)


@dataclass
class UndoReport:
    """What undoing left behind: re-pushed assignments' new ids and anything that could not be undone."""

    new_ids: dict[int, str] = field(default_factory=dict)
    """Assignment id → its scheduled-event id after re-pushing it."""
    lost: list[int] = field(default_factory=list)
    """Assignments that Crossmark no longer holds (the re-push failed)."""
    problems: list[str] = field(default_factory=list)


@dataclass
class _Done:
    label: str
    undo: Callable[[UndoReport], None]


class RemoteBatch:
    """Runs ``schedule`` / ``unschedule`` calls and remembers how to reverse each one.

    Used as a context manager around the remote calls *and* the local writes that follow them: if
    anything raises before the block ends, the remote calls still on record are undone.
    """

    def __init__(self, crossmark: CrossmarkPort) -> None:
        self._crossmark = crossmark
        self._done: list[_Done] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None or not self._done:
            return
        report = self.undo()
        for problem in report.problems:
            log.error("could not undo a Crossmark change after a local failure: %s", problem)

    def schedule(self, event: Event, employee: Employee, start: datetime, end: datetime) -> str:
        """Push an assignment; undone by unscheduling the returned id."""
        sid = self._crossmark.schedule(event, employee, start, end)

        def undo(report: UndoReport) -> None:
            try:
                self._crossmark.unschedule(sid)
            except RemoteError as err:
                report.problems.append(f"Crossmark still holds {event.name} for {employee.name} "
                                       f"({err.message})")

        self._done.append(_Done(f"schedule {event.name}", undo))
        return sid

    def unschedule(self, assignment: Assignment, event: Event, employee: Employee,
                   end: datetime) -> bool:
        """Delete the remote schedule of ``assignment``; False when it was never pushed (no id)."""
        if not assignment.external_id:
            return False
        self._crossmark.unschedule(assignment.external_id)

        def undo(report: UndoReport) -> None:
            try:
                report.new_ids[assignment.id] = self._crossmark.schedule(event, employee,
                                                                         assignment.start, end)
            except RemoteError as err:
                report.lost.append(assignment.id)
                report.problems.append(f"Crossmark lost {event.name} for {employee.name} ({err.message})")

        self._done.append(_Done(f"unschedule {event.name}", undo))
        return True

    def undo(self) -> UndoReport:
        """Reverse every successful call, newest first; never raises."""
        report = UndoReport()
        while self._done:
            self._done.pop().undo(report)
        return report
