"""Approving and rejecting auto-scheduler proposals: exactly-once pushes, pairs atomic.

Each Core + Supervisor pair (``Proposal.pair_key``) is one unit: its proposals are claimed with a
compare-and-set (``PROPOSED/EDITED/PUSH_FAILED → PUSHED``) whose row locks are held until the unit's
transaction commits, so a second approver — a double click or another manager — finds nothing left
to claim and nothing is pushed twice. Inside a unit, every row is re-validated against today's
facts, confirmed assignments it displaces are unscheduled in Crossmark first, then the new ones are
pushed; if any remote call fails, the calls already made are undone remotely and the whole unit is
marked ``push_failed`` with the reason, ready to retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from core.errors import Conflict, DomainError, RemoteError
from core.model import (
    Actor,
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    Proposal,
    ProposalStatus,
    RunStatus,
)
from core.ports import CrossmarkPort, UnitOfWork
from core.rules import Mode, PlanIndex, check, end_of, hard
from core.services import audit
from core.services.planning_context import Context
from core.services.run_summary import APPROVABLE


@dataclass(frozen=True)
class ApprovalResult:
    run_id: int
    approved_by: str
    pushed: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]
    skipped: tuple[int, ...]
    """Proposals another approver had already taken."""
    status: str
    removed: tuple[int, ...] = ()
    """Confirmed assignments unscheduled (bumped or released)."""

    @property
    def line(self) -> str:
        """"Approved by @ana: 23 pushed, 1 failed — retry"."""
        text = f"Approved by {self.approved_by}: {len(self.pushed)} pushed"
        if self.removed:
            text += f", {len(self.removed)} unassigned"
        if self.failed:
            text += f", {len(self.failed)} failed — retry"
        return text


@dataclass
class _Unit:
    pushed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)


def approval_units(proposals: Sequence[Proposal], wanted: set[int] | None) -> list[list[int]]:
    """Approvable proposal ids grouped by pair key; units with displacements first."""
    units: dict[str, list[Proposal]] = {}
    for p in proposals:
        if p.status in APPROVABLE:
            units.setdefault(p.pair_key or f"#{p.id}", []).append(p)
    chosen = [u for u in units.values() if wanted is None or any(p.id in wanted for p in u)]

    def order(unit: list[Proposal]) -> tuple[int, datetime, int]:
        starts = [p.start for p in unit if p.start is not None]
        return (0 if any(p.bumps_assignment_id for p in unit) else 1,
                min(starts) if starts else datetime.max, min(p.id for p in unit))
    return [[p.id for p in u] for u in sorted(chosen, key=order)]


class UnitApprover:
    """Pushes one approval unit inside one unit of work."""

    def __init__(self, ctx: Context, crossmark: CrossmarkPort, actor: Actor, now: datetime) -> None:
        self.ctx = ctx
        self.crossmark = crossmark
        self.actor = actor
        self.now = now
        self.originals: dict[int, Proposal | None] = {}

    def run(self, ids: list[int]) -> _Unit:
        out = _Unit()
        with self.ctx.uow_factory() as uow:
            self.originals = {pid: uow.proposals.get(pid) for pid in ids}
            for pid in ids:
                if not uow.proposals.transition(pid, APPROVABLE, ProposalStatus.PUSHED):
                    uow.rollback()
                    out.skipped.extend(ids)
                    return out
            props = [p for p in (uow.proposals.get(pid) for pid in ids) if p is not None]
            removals = [a for a in (uow.assignments.get(p.bumps_assignment_id) for p in props
                                    if p.bumps_assignment_id) if a is not None]
            pushes = sorted((p for p in props if p.employee_id and p.start),
                            key=lambda p: (self._type(uow, p) is EventType.SUPERVISOR, p.id))
            problems = self._validate(uow, pushes, removals)
            if problems:
                self._fail(uow, props, problems, out)
                uow.commit()
                return out
            try:
                sids = self._remote(uow, pushes, removals, out)
            except DomainError as err:
                self._fail(uow, props, {props[0].id: err.message}, out)
                uow.commit()
                return out
            self._apply(uow, props, pushes, removals, sids, out)
            uow.commit()
        return out

    def _type(self, uow: UnitOfWork, p: Proposal) -> EventType | None:
        ev = uow.events.get(p.event_id)
        return ev.event_type if ev is not None else None

    def _validate(self, uow: UnitOfWork, pushes: list[Proposal],
                  removals: list[Assignment]) -> dict[int, str]:
        problems: dict[int, str] = {}
        if not pushes:
            return problems
        days = sorted({p.start.date() for p in pushes if p.start})
        facts = self.ctx.facts(uow, days[0], days[-1])
        gone = {a.id for a in removals}
        index = PlanIndex(facts, [a for a in facts.assignments if a.id not in gone])
        for p in pushes:
            assert p.employee_id is not None and p.start is not None
            event, emp = uow.events.get(p.event_id), uow.employees.get(p.employee_id)
            why = self._refusal(uow, p, event, emp, gone)
            if why is None and event is not None:
                facts.events.setdefault(event.id, event)
                found = hard(check(facts, event, p.employee_id, p.start, mode=Mode.MANUAL, index=index))
                if found:
                    why = "No longer valid: " + "; ".join(v.message for v in found)
            if why is not None:
                problems[p.id] = why
            else:
                index.add(Assignment(-p.id, p.event_id, p.employee_id, p.start))
        return problems

    @staticmethod
    def _refusal(uow: UnitOfWork, p: Proposal, event: Event | None, emp: Employee | None,
                 gone: set[int]) -> str | None:
        if event is None:
            return "The event no longer exists"
        if emp is None:
            return f"Unknown employee {p.employee_id}"
        if not emp.rep_id:
            return "Missing employee RepID"
        if not event.location_mvid:
            return "Missing location_mvid"
        taken = [a for a in uow.assignments.for_event(event.id) if a.id not in gone]
        if taken:
            return f"{event.name} is already scheduled ({taken[0].start:%a %m/%d %-I:%M %p})"
        return None

    def _remote(self, uow: UnitOfWork, pushes: list[Proposal], removals: list[Assignment],
                out: _Unit) -> dict[int, str]:
        undone: list[Assignment] = []
        sids: dict[int, str] = {}
        try:
            for a in removals:
                if a.external_id:
                    self.crossmark.unschedule(a.external_id)
                undone.append(a)
            for p in pushes:
                sids[p.id] = self._push(uow, p)
        except RemoteError:
            self._compensate(uow, sids, undone, out)
            raise
        return sids

    def _push(self, uow: UnitOfWork, p: Proposal) -> str:
        assert p.employee_id is not None and p.start is not None
        event, emp = uow.events.get(p.event_id), uow.employees.get(p.employee_id)
        assert event is not None and emp is not None
        end = end_of(self.ctx.settings(uow), event, p.start)
        try:
            return self.crossmark.schedule(event, emp, p.start, end)
        except RemoteError:
            found = self._find(event, emp, p.start)
            if found is None:
                raise
            return found

    def _find(self, event: Event, emp: Employee, start: datetime) -> str | None:
        try:
            return self.crossmark.find_schedule(event, emp, start)
        except DomainError:
            return None

    def _compensate(self, uow: UnitOfWork, sids: dict[int, str], undone: list[Assignment],
                    out: _Unit) -> None:
        for sid in sids.values():
            try:
                self.crossmark.unschedule(sid)
            except DomainError:
                out.notices.append(("managers", f"Crossmark still holds scheduled event {sid}; "
                                                "unschedule it by hand"))
        for a in undone:
            if not a.external_id:
                continue
            event, emp = uow.events.get(a.event_id), uow.employees.get(a.employee_id)
            try:
                assert event is not None and emp is not None
                a.external_id = self.crossmark.schedule(event, emp, a.start,
                                                        end_of(self.ctx.settings(uow), event, a.start))
                uow.assignments.update(a)
            except (DomainError, AssertionError):
                uow.assignments.delete(a.id)
                out.removed.append(a.id)

    def _fail(self, uow: UnitOfWork, props: list[Proposal], problems: dict[int, str], out: _Unit) -> None:
        first = next(iter(problems.values()))
        for p in props:
            before = self.originals.get(p.id) or replace(p)
            p.status = ProposalStatus.PUSH_FAILED
            p.error = problems.get(p.id, f"Not pushed: its pair partner failed ({first})")
            uow.proposals.update(p)
            audit.record(uow, self.actor, "auto.push_failed", "proposal", p.id, before=before, after=p,
                         at=self.now)
            out.failed.append((p.id, p.error))

    def _apply(self, uow: UnitOfWork, props: list[Proposal], pushes: list[Proposal],
               removals: list[Assignment], sids: dict[int, str], out: _Unit) -> None:
        for a in removals:
            uow.assignments.delete(a.id)
            audit.record(uow, self.actor, "auto.unassign", "assignment", a.id, before=a, at=self.now)
            out.removed.append(a.id)
            out.notices.append((a.employee_id, self._removed_text(uow, a)))
            self._condition(uow, a.event_id, Condition.UNSTAFFED)
        for p in pushes:
            assert p.employee_id is not None and p.start is not None
            new = uow.assignments.add(Assignment(0, p.event_id, p.employee_id, p.start,
                                                 store_id=self.actor.store_id, external_id=sids[p.id]))
            audit.record(uow, self.actor, "auto.assign", "assignment", new.id, after=new, at=self.now)
            p.assignment_id = new.id
            self._condition(uow, p.event_id, Condition.SCHEDULED)
            out.notices.append((p.employee_id, self._added_text(uow, new)))
        for p in props:
            before = self.originals.get(p.id)
            p.status, p.error = ProposalStatus.PUSHED, None
            uow.proposals.update(p)
            audit.record(uow, self.actor, "auto.approve", "proposal", p.id, before=before, after=p,
                         at=self.now)
            out.pushed.append(p.id)

    @staticmethod
    def _condition(uow: UnitOfWork, event_id: int, condition: Condition) -> None:
        ev = uow.events.get(event_id)
        if ev is None:
            return
        if condition is Condition.UNSTAFFED and uow.assignments.for_event(event_id):
            return
        if ev.condition is not condition:
            ev.condition = condition
            uow.events.update(ev)

    @staticmethod
    def _added_text(uow: UnitOfWork, a: Assignment) -> str:
        ev = uow.events.get(a.event_id)
        name = ev.name if ev else a.event_id
        return f"You're scheduled: {name} on {a.start:%a %m/%d} at {a.start:%-I:%M %p}."

    @staticmethod
    def _removed_text(uow: UnitOfWork, a: Assignment) -> str:
        ev = uow.events.get(a.event_id)
        return (f"You're no longer scheduled for {ev.name if ev else a.event_id} on {a.start:%a %m/%d} "
                f"at {a.start:%-I:%M %p}.")


def finish_run_status(uow: UnitOfWork, run_id: int, actor: Actor, now: datetime) -> str:
    """Approved when nothing is left to push, else partially approved; records the first approver."""
    run = uow.runs.get(run_id)
    if run is None:
        raise Conflict(f"Run {run_id} disappeared.")
    props = uow.proposals.for_run(run_id)
    left = any(p.status in APPROVABLE for p in props)
    target = RunStatus.PARTIALLY_APPROVED if left else RunStatus.APPROVED
    if run.status is not target:
        uow.runs.transition(run_id, [RunStatus.COMPLETED, RunStatus.PARTIALLY_APPROVED], target)
    run = uow.runs.get(run_id)
    assert run is not None
    if run.decided_by is None:
        run.decided_by, run.decided_at = actor.label, now
        uow.runs.update(run)
    return run.status.value

