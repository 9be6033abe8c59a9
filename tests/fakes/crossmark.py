"""An in-memory Crossmark MVRetail: records every call, injects failures, keeps remote state."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from core.errors import RemoteError
from core.model import Assignment, Employee, Event
from core.ports import RemoteEvent, RemoteRep


@dataclass(frozen=True)
class Call:
    """One call of the port: method name, its arguments, and whether it succeeded."""

    method: str
    args: dict[str, Any]
    ok: bool = True


@dataclass
class RemoteSchedule:
    """A scheduled event as MVRetail holds it."""

    id: str
    mplan_id: int
    rep_id: str
    start: datetime
    end: datetime


@dataclass
class _Failure:
    error: BaseException
    skip: int
    times: int | None
    after: bool = False
    """Raise after the call took effect (a lost reply, or a crash right after the remote change)."""


@dataclass
class FakeCrossmark:
    """Implements ``core.ports.CrossmarkPort`` in memory.

    ``schedule`` returns increasing scheduled-event ids (from ``next_id``) and, like MVRetail, flips
    the remote mPlan to Scheduled; ``unschedule`` puts it back to Unstaffed. ``fail`` injects errors.
    """

    events: dict[int, RemoteEvent] = field(default_factory=dict)
    rep_list: list[RemoteRep] = field(default_factory=list)
    schedules: dict[str, RemoteSchedule] = field(default_factory=dict)
    sales_tools: dict[str, bytes] = field(default_factory=dict)
    next_id: int = 43898785
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._failures: dict[str, list[_Failure]] = {}
        self._lock = threading.RLock()

    # ---- test controls ---------------------------------------------------------------------

    def fail(self, method: str, error: BaseException | None = None, *, skip: int = 0,
             times: int | None = 1, after: bool = False) -> None:
        """Make ``method`` raise ``error`` after ``skip`` more successful calls, ``times`` times
        (``None``: forever). With ``after`` the call first takes effect, then raises (the change is
        in Crossmark but the caller never hears so)."""
        err = error if error is not None else RemoteError(f"Crossmark {method} failed (injected)")
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(err, skip, times, after))

    def scheduled_for(self, mplan_id: int) -> list[RemoteSchedule]:
        """Every scheduled event Crossmark holds for one mPlan (more than one is a double booking)."""
        with self._lock:
            return [s for s in self.schedules.values() if s.mplan_id == mplan_id]

    def heal(self) -> None:
        """Forget every injected failure."""
        with self._lock:
            self._failures.clear()

    def calls_to(self, method: str, *, ok: bool | None = True) -> list[Call]:
        """Calls of one method (by default only the successful ones), oldest first."""
        return [c for c in self.calls if c.method == method and (ok is None or c.ok is ok)]

    def add_events(self, events: Iterable[RemoteEvent]) -> None:
        """Put mPlans on the remote planning board."""
        for ev in events:
            self.events[ev.mplan_id] = ev

    # ---- the port --------------------------------------------------------------------------

    def schedule(self, event: Event, employee: Employee, start: datetime, end: datetime) -> str:
        """Push an assignment; returns the new scheduled-event id."""
        with self._lock:
            args = {"mplan_id": event.mplan_id, "rep_id": employee.rep_id, "location": event.location_mvid,
                    "start": start, "end": end}
            self._enter("schedule", args)
            if not employee.rep_id:
                self._refuse("schedule", args, "Missing employee RepID")
            if not event.location_mvid:
                self._refuse("schedule", args, "Missing location_mvid")
            assert employee.rep_id is not None
            sid = self._new_id()
            self.schedules[sid] = RemoteSchedule(sid, event.mplan_id, employee.rep_id, start, end)
            self._mark(event.mplan_id, "Scheduled", start, employee, sid)
            self.calls.append(Call("schedule", {**args, "id": sid}))
            self._after("schedule", args)
            return sid

    def unschedule(self, scheduled_event_id: str) -> None:
        """Delete a scheduled event; the mPlan goes back to Unstaffed."""
        with self._lock:
            args = {"id": scheduled_event_id}
            self._enter("unschedule", args)
            found = self.schedules.pop(scheduled_event_id, None)
            if found is None:
                self._refuse("unschedule", args, f"No scheduled event {scheduled_event_id}")
            assert found is not None
            self._mark(found.mplan_id, "Unstaffed", None, None, None)
            self.calls.append(Call("unschedule", args))
            self._after("unschedule", args)

    def reissue(self, event: Event, assignment: Assignment, employee: Employee, start: datetime,
                end: datetime, include_responses: bool) -> str:
        """createPendingWork + reschedule; returns the new scheduled-event id."""
        with self._lock:
            args = {"mplan_id": event.mplan_id, "work_log_entry_id": assignment.external_id,
                    "rep_id": employee.rep_id, "start": start, "end": end,
                    "include_responses": include_responses}
            self._enter("reissue", args)
            if not employee.rep_id:
                self._refuse("reissue", args, "Missing employee RepID")
            assert employee.rep_id is not None
            if assignment.external_id is not None:
                self.schedules.pop(assignment.external_id, None)
            sid = self._new_id()
            self.schedules[sid] = RemoteSchedule(sid, event.mplan_id, employee.rep_id, start, end)
            self._mark(event.mplan_id, "Reissued", start, employee, sid)
            self.calls.append(Call("reissue", {**args, "id": sid}))
            return sid

    def scheduled_event_of(self, event: Event) -> str | None:
        """The scheduled-event id Crossmark holds for the mPlan now, or None."""
        with self._lock:
            self._enter("scheduled_event_of", {"mplan_id": event.mplan_id})
            held = [s.id for s in self.schedules.values() if s.mplan_id == event.mplan_id]
            return held[-1] if held else None

    def find_schedule(self, event: Event, employee: Employee, start: datetime) -> str | None:
        """The id of a remote schedule of this event, rep and start, if any."""
        with self._lock:
            self._enter("find_schedule", {"mplan_id": event.mplan_id})
            for s in self.schedules.values():
                if s.mplan_id == event.mplan_id and s.rep_id == employee.rep_id and s.start == start:
                    return s.id
            return None

    def planning_events(self, start: date, end: date) -> list[RemoteEvent]:
        """mPlans whose window intersects [start, end], by mPlan id."""
        with self._lock:
            args = {"start": start, "end": end}
            self._enter("planning_events", args)
            self.calls.append(Call("planning_events", args))
            return [e for _, e in sorted(self.events.items())
                    if e.start_date <= end and e.end_date >= start]

    def reps(self) -> list[RemoteRep]:
        """Every rep of the branch."""
        with self._lock:
            self._enter("reps", {})
            self.calls.append(Call("reps", {}))
            return list(self.rep_list)

    def sales_tool(self, url: str) -> bytes | None:
        """The instruction PDF at ``url``, if the fake holds one."""
        with self._lock:
            self._enter("sales_tool", {"url": url})
            return self.sales_tools.get(url)

    # ---- internals -------------------------------------------------------------------------

    def _enter(self, method: str, args: dict[str, Any]) -> None:
        self._trip(method, args, after=False)

    def _after(self, method: str, args: dict[str, Any]) -> None:
        self._trip(method, args, after=True)

    def _trip(self, method: str, args: dict[str, Any], *, after: bool) -> None:
        queue = self._failures.get(method, [])
        if not queue or queue[0].after is not after:
            return
        head = queue[0]
        if head.skip > 0:
            head.skip -= 1
            return
        if head.times is not None:
            head.times -= 1
            if head.times <= 0:
                queue.pop(0)
        if not after:
            self.calls.append(Call(method, args, ok=False))
        raise head.error

    def _refuse(self, method: str, args: dict[str, Any], message: str) -> None:
        self.calls.append(Call(method, args, ok=False))
        raise RemoteError(message)

    def _new_id(self) -> str:
        sid = str(self.next_id)
        self.next_id += 1
        return sid

    def _mark(self, mplan_id: int, condition: str, start: datetime | None, employee: Employee | None,
              sid: str | None) -> None:
        ev = self.events.get(mplan_id)
        if ev is None:
            return
        self.events[mplan_id] = replace(
            ev, condition=condition, schedule_start=start,
            schedule_rep_id=employee.rep_id if employee is not None else None,
            schedule_event_id=sid, staffed_reps=employee.name if employee is not None else None)
