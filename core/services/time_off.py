"""Time-off requests: submit, approve, deny, cancel (product.md §2.4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from core.errors import Conflict, InvalidInput, NotFound
from core.model import Actor, Assignment, Event, Role, TimeOff, TimeOffRequest, TimeOffStatus
from core.ports import Clock, Notifier, UnitOfWork, UnitOfWorkFactory
from core.rules.roles import at_least
from core.services import audit, authz
from core.services.lookups import employee_of, store_today

log = logging.getLogger(__name__)

MAX_DAYS = 60
MAX_REASON = 200


@dataclass(frozen=True)
class AffectedAssignment:
    """An assignment of the requester inside the requested range (for "Find replacement")."""

    assignment: Assignment
    event: Event


@dataclass(frozen=True)
class TimeOffOutcome:
    """A request after an action, the requester's assignments in its range, and warnings."""

    request: TimeOffRequest
    affected: tuple[AffectedAssignment, ...] = ()
    warnings: tuple[str, ...] = ()


def _span(start: date, end: date) -> str:
    return f"{start:%a %m/%d}" if start == end else f"{start:%a %m/%d}–{end:%a %m/%d}"


class TimeOffService:
    """Requests by employees (for themselves) or managers (for anyone); decisions by managers."""

    def __init__(self, uow_factory: UnitOfWorkFactory, notifier: Notifier | None, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._notifier = notifier
        self._clock = clock

    def submit(self, actor: Actor, employee_id: str, start: date, end: date,
               reason: str | None = None) -> TimeOffOutcome:
        """Create a pending request after checking the dates (end ≥ start, ≤ 60 days, not past)."""
        authz.require_self_or(actor, employee_id, authz.Action.APPROVE_TIME_OFF)
        authz.require(actor, authz.Action.REQUEST_TIME_OFF)
        text = (reason or "").strip() or None
        problems: dict[str, str] = {}
        if end < start:
            problems["end"] = "The last day is before the first day."
        elif (end - start).days + 1 > MAX_DAYS:
            problems["end"] = f"Time off is limited to {MAX_DAYS} days per request."
        if text is not None and len(text) > MAX_REASON:
            problems["reason"] = f"At most {MAX_REASON} characters."
        with self._uow_factory() as uow:
            employee = employee_of(uow, actor.store_id, employee_id)
            if not employee.is_active:
                problems["employee"] = f"{employee.name} is inactive."
            today = store_today(uow, self._clock, actor.store_id)
            if start < today:
                problems.setdefault("start", "The first day is in the past.")
            if not problems:
                clash = self._overlap(uow, employee_id, start, end)
                if clash is not None:
                    problems["start"] = clash
            if problems:
                raise InvalidInput(" ".join(problems.values()), problems)
            request = uow.time_off_requests.add(TimeOffRequest(
                0, employee_id, start, end, text, actor.store_id, TimeOffStatus.PENDING,
                requested_by=actor.label, created_at=self._clock.now()))
            audit.record(uow, actor, "time_off.request", "time_off_request", request.id, after=request,
                         at=self._clock.now())
            affected = self._affected(uow, request)
            uow.commit()
        return TimeOffOutcome(request, affected)

    @staticmethod
    def _overlap(uow: UnitOfWork, employee_id: str, start: date, end: date) -> str | None:
        for t in uow.time_off.list(employee_id=employee_id):
            if t.start_date <= end and t.end_date >= start:
                return f"Overlaps approved time off {_span(t.start_date, t.end_date)}."
        for r in uow.time_off_requests.list(employee_id=employee_id):
            if r.status is TimeOffStatus.PENDING and r.start_date <= end and r.end_date >= start:
                return f"Overlaps the pending request #{r.id} ({_span(r.start_date, r.end_date)})."
        return None

    @staticmethod
    def _affected(uow: UnitOfWork, request: TimeOffRequest) -> tuple[AffectedAssignment, ...]:
        rows = [a for a in uow.assignments.between(request.store_id, request.start_date, request.end_date)
                if a.employee_id == request.employee_id]
        events = {e.id: e for e in uow.events.overlapping(request.store_id, request.start_date,
                                                           request.end_date)}
        out = []
        for a in rows:
            event = events.get(a.event_id) or uow.events.get(a.event_id)
            if event is not None:
                out.append(AffectedAssignment(a, event))
        return tuple(out)

    def _decide(self, actor: Actor, request_id: int, to: TimeOffStatus,
                note: str | None) -> tuple[TimeOffRequest, tuple[AffectedAssignment, ...]]:
        authz.require(actor, authz.Action.APPROVE_TIME_OFF)
        text = (note or "").strip() or None
        if text is not None and len(text) > MAX_REASON:
            raise InvalidInput("The note is too long.", {"note": f"at most {MAX_REASON} characters"})
        with self._uow_factory() as uow:
            before = self._request(uow, actor, request_id)
            if before.status is not TimeOffStatus.PENDING:
                raise Conflict(f"Request #{before.id} was already {before.status.value}"
                               f"{' by ' + before.decided_by if before.decided_by else ''}.")
            after = replace(before, status=to, decided_by=actor.label, decided_at=self._clock.now(),
                            note=text)
            if to is TimeOffStatus.APPROVED:
                off = uow.time_off.add(TimeOff(0, before.employee_id, before.start_date, before.end_date,
                                               before.reason, before.store_id))
                after = replace(after, time_off_id=off.id)
                audit.record(uow, actor, "time_off.create", "time_off", off.id, after=off,
                             at=self._clock.now())
            uow.time_off_requests.update(after)
            audit.record(uow, actor, f"time_off.{to.value}", "time_off_request", after.id, before=before,
                         after=after, at=self._clock.now())
            affected = self._affected(uow, after)
            uow.commit()
        return after, affected

    def approve(self, actor: Actor, request_id: int, note: str | None = None) -> TimeOffOutcome:
        """Approve: record the time off, tell the requester, return their assignments in the range."""
        request, affected = self._decide(actor, request_id, TimeOffStatus.APPROVED, note)
        text = f"Your time off {_span(request.start_date, request.end_date)} was approved."
        if request.note:
            text += f" Note: {request.note}"
        return TimeOffOutcome(request, affected, self._tell(request, text))

    def deny(self, actor: Actor, request_id: int, note: str | None = None) -> TimeOffOutcome:
        """Deny with an optional reason, which the requester is told."""
        request, _ = self._decide(actor, request_id, TimeOffStatus.DENIED, note)
        text = f"Your time off {_span(request.start_date, request.end_date)} was denied."
        if request.note:
            text += f" Reason: {request.note}"
        return TimeOffOutcome(request, (), self._tell(request, text))

    def cancel(self, actor: Actor, request_id: int) -> TimeOffOutcome:
        """Withdraw a pending or approved request (its recorded time off goes too)."""
        with self._uow_factory() as uow:
            before = self._request(uow, actor, request_id)
            authz.require_self_or(actor, before.employee_id, authz.Action.APPROVE_TIME_OFF)
            if before.status not in (TimeOffStatus.PENDING, TimeOffStatus.APPROVED):
                raise Conflict(f"Request #{before.id} was already {before.status.value}"
                               f"{' by ' + before.decided_by if before.decided_by else ''}.")
            if before.time_off_id is not None:
                off = uow.time_off.get(before.time_off_id)
                uow.time_off.delete(before.time_off_id)
                audit.record(uow, actor, "time_off.delete", "time_off", before.time_off_id, before=off,
                             at=self._clock.now())
            after = replace(before, status=TimeOffStatus.CANCELLED, time_off_id=None)
            uow.time_off_requests.update(after)
            audit.record(uow, actor, "time_off.cancelled", "time_off_request", after.id, before=before,
                         after=after, at=self._clock.now())
            uow.commit()
        warnings: tuple[str, ...] = ()
        if actor.employee_id != after.employee_id:
            warnings = self._tell(after, f"Your time off {_span(after.start_date, after.end_date)} "
                                         "was cancelled by a manager.")
        return TimeOffOutcome(after, (), warnings)

    def list_requests(self, actor: Actor, *, employee_id: str | None = None,
                      status: TimeOffStatus | None = None) -> list[TimeOffRequest]:
        """Requests, newest first: an employee sees their own, managers and leads everyone's."""
        if employee_id is None and not at_least(actor.role, Role.LEAD):
            employee_id = actor.employee_id
            if employee_id is None:
                authz.require(actor, authz.Action.VIEW_OWN)
        if employee_id is not None:
            authz.require_self_or(actor, employee_id, authz.Action.VIEW_ALL)
        with self._uow_factory() as uow:
            rows = uow.time_off_requests.list(store_id=actor.store_id)
        rows = [r for r in rows if (employee_id is None or r.employee_id == employee_id)
                and (status is None or r.status is status)]
        return sorted(rows, key=lambda r: r.id, reverse=True)

    @staticmethod
    def _request(uow: UnitOfWork, actor: Actor, request_id: int) -> TimeOffRequest:
        request = uow.time_off_requests.get(request_id)
        if request is None or request.store_id != actor.store_id:
            raise NotFound(f"Time-off request #{request_id} does not exist.")
        return request

    def _tell(self, request: TimeOffRequest, text: str) -> tuple[str, ...]:
        if self._notifier is None:
            return ()
        try:
            self._notifier.notify_employee(request.store_id, request.employee_id, text)
        except Exception as err:
            log.warning("could not notify employee %s: %s", request.employee_id, type(err).__name__)
            return (f"Could not DM {request.employee_id}.",)
        return ()
