"""Approving auto-scheduler proposals through an outbox: no Crossmark call inside a transaction.

Each Core + Supervisor pair (``Proposal.pair_key``), or a lone proposal, is one unit. It goes
through three steps, each a transaction of its own and none around a remote call:

1. **claim**: its proposals go ``PROPOSED/EDITED/PUSH_FAILED → PUSHING`` by compare-and-set (a second
   approver finds nothing to claim), are re-validated against today's facts, and one *intent* per
   Crossmark change (unschedule a displaced assignment, schedule a proposal) is committed;
2. **send**: each open intent is sent and its outcome committed — confirmed, failed with Crossmark's
   reason, or unknown (timeout after sending, dropped reply, unreadable answer). An intent sent
   before (a retry, or a process that stopped) is reconciled first: Crossmark's state is read, a
   schedule already there is adopted and never pushed twice;
3. **settle**: all confirmed → the assignments are written and the proposals ``PUSHED``; a refusal →
   the confirmed changes are reversed (each reversal an intent too; one that fails is reported
   "unschedule it by hand" with the Crossmark id) and the proposals ``PUSH_FAILED`` with the reason;
   an unknown outcome → ``PUSH_FAILED`` saying so, the intent kept open so Retry reconciles first.

A process that stops anywhere leaves ``PUSHING`` proposals and open intents behind; ``settle``
resumes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from core.errors import Conflict, DomainError, RemoteError, RemoteOutcomeUnknown
from core.model import (
    OPEN_INTENTS,
    Actor,
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    IntentKind,
    IntentStatus,
    Proposal,
    ProposalStatus,
    RemoteIntent,
    RunStatus,
)
from core.ports import CrossmarkPort, UnitOfWork
from core.rules import Mode, PlanIndex, check, end_of, hard
from core.services import audit
from core.services.planning_context import Context
from core.services.run_summary import APPROVABLE

LIVE_INTENTS = (*OPEN_INTENTS, IntentStatus.CONFIRMED)
"""Intents whose change may be in Crossmark and is not written locally yet."""
IN_FLIGHT_LEASE = timedelta(minutes=2)
"""How long an intent being sent belongs to the process sending it (by default; the composition
root derives it from the Crossmark call timeout): another process reads it back only once this has
passed, so it never sends it again while the first call may still land."""


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
    message: tuple[str, ...] | None = None
    """Where the run's proposal message is (Slack channel, ts), as the approval recorded it."""

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

    def add(self, other: _Unit) -> None:
        for name in ("pushed", "failed", "removed", "skipped", "notices"):
            getattr(self, name).extend(getattr(other, name))


def approval_units(proposals: Sequence[Proposal], wanted: set[int] | None,
                   statuses: Sequence[ProposalStatus] = APPROVABLE) -> list[list[int]]:
    """Proposal ids in ``statuses`` grouped by pair key; units with displacements first."""
    units: dict[str, list[Proposal]] = {}
    for p in proposals:
        if p.status in statuses:
            units.setdefault(p.pair_key or f"#{p.id}", []).append(p)
    chosen = [u for u in units.values() if wanted is None or any(p.id in wanted for p in u)]

    def order(unit: list[Proposal]) -> tuple[int, datetime, int]:
        starts = [p.start for p in unit if p.start is not None]
        return (0 if any(p.bumps_assignment_id for p in unit) else 1,
                min(starts) if starts else datetime.max, min(p.id for p in unit))
    return [[p.id for p in u] for u in sorted(chosen, key=order)]


class _Taken(Exception):
    """Another process is sending this unit's intents: it settles the unit."""


class _TooSoon(Exception):
    """An intent's outcome was unknown too recently to read Crossmark for it yet."""

    def __init__(self, item: _Send) -> None:
        super().__init__(item.intent.id)
        self.item = item


@dataclass
class _Send:
    """What sending one intent needs, read before any remote call."""

    intent: RemoteIntent
    event: Event
    employee: Employee | None
    end: datetime | None


class UnitApprover:
    """Claims, sends and settles one approval unit."""

    def __init__(self, ctx: Context, crossmark: CrossmarkPort, actor: Actor,
                 now: Callable[[], datetime], lease: timedelta = IN_FLIGHT_LEASE) -> None:
        self.lease = lease
        self.ctx = ctx
        self.crossmark = crossmark
        self.actor = actor
        self.now = now

    def run(self, ids: list[int]) -> _Unit:
        """Claim the unit, then send and settle it."""
        out = _Unit()
        if self._claim(ids, out):
            self.settle(ids, out)
        return out

    # ---- 1. claim ------------------------------------------------------------------------------

    def _claim(self, ids: list[int], out: _Unit) -> bool:
        with self.ctx.uow_factory() as uow:
            originals = {pid: uow.proposals.get(pid) for pid in ids}
            for pid in ids:
                if not uow.proposals.transition(pid, APPROVABLE, ProposalStatus.PUSHING):
                    uow.rollback()
                    out.skipped.extend(ids)
                    return False
            props = [p for p in (uow.proposals.get(pid) for pid in ids) if p is not None]
            removals = self._removals(uow, props)
            pushes = [p for p in props if p.employee_id and p.start]
            problems = self._validate(uow, pushes, removals)
            if problems:
                self._fail(uow, props, problems, out, originals)
                uow.commit()
                return False
            self._write_intents(uow, props, removals)
            uow.commit()
        return True

    @staticmethod
    def _removals(uow: UnitOfWork, props: list[Proposal]) -> list[tuple[Proposal, Assignment]]:
        found = []
        for p in props:
            a = uow.assignments.get(p.bumps_assignment_id) if p.bumps_assignment_id else None
            if a is not None:
                found.append((p, a))
        return found

    def _write_intents(self, uow: UnitOfWork, props: list[Proposal],
                       removals: list[tuple[Proposal, Assignment]]) -> None:
        """One intent per change not already on record. Earlier live intents of these proposals (a
        retry after an unknown outcome) are kept and read back from Crossmark before use."""
        now = self.now()
        earlier = uow.intents.for_proposals([p.id for p in props])
        for old in earlier:
            if old.status not in LIVE_INTENTS:
                continue
            if old.assignment_id is not None and old.kind is IntentKind.UNSCHEDULE and not any(
                    a.id == old.assignment_id for _, a in removals):
                old.status, old.updated_at = IntentStatus.FAILED, now
                old.error = "not needed: the assignment it removed is gone"
            elif old.status is IntentStatus.CONFIRMED:
                old.status, old.updated_at = IntentStatus.UNKNOWN, now
            uow.intents.update(old)
        live = [i for i in earlier if i.status in LIVE_INTENTS]

        def has(kind: IntentKind, pid: int, assignment_id: int | None = None) -> bool:
            return any(i.kind is kind and i.proposal_id == pid and i.assignment_id == assignment_id
                       for i in live)

        for p, a in removals:
            if a.external_id and not has(IntentKind.UNSCHEDULE, p.id, a.id):
                uow.intents.add(self._intent(IntentKind.UNSCHEDULE, p, now, assignment_id=a.id,
                                             employee_id=a.employee_id, start=a.start,
                                             external_id=a.external_id))
        for p in props:
            if p.employee_id and p.start and not has(IntentKind.SCHEDULE, p.id):
                uow.intents.add(self._intent(IntentKind.SCHEDULE, p, now, employee_id=p.employee_id,
                                             start=p.start))

    def _intent(self, kind: IntentKind, p: Proposal, now: datetime, **values: object) -> RemoteIntent:
        return RemoteIntent(id=0, kind=kind, event_id=p.event_id, store_id=self.actor.store_id,
                            run_id=p.run_id, proposal_id=p.id, created_at=now, updated_at=now,
                            **values)  # type: ignore[arg-type]

    def _validate(self, uow: UnitOfWork, pushes: list[Proposal],
                  removals: list[tuple[Proposal, Assignment]]) -> dict[int, str]:
        problems: dict[int, str] = {}
        if not pushes:
            return problems
        days = sorted({p.start.date() for p in pushes if p.start})
        facts = self.ctx.facts(uow, days[0], days[-1])
        gone = {a.id for _, a in removals}
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

    # ---- 2. send -------------------------------------------------------------------------------

    def settle(self, ids: list[int], out: _Unit) -> None:
        """Send the unit's open intents (reconciling those sent before), then settle the unit."""
        sends = self._load(ids)
        try:
            for item in sends:
                if item.intent.status is IntentStatus.CONFIRMED:
                    continue
                if self._send(item) is not IntentStatus.CONFIRMED:
                    break
        except _Taken:
            out.skipped.extend(ids)
            return
        except _TooSoon as wait:
            due = wait.item.intent.updated_at
            when = f" after {(due + self.lease):%H:%M:%S} UTC" if due is not None else " in a few minutes"
            why = (f"Crossmark may still be taking the earlier push of {wait.item.event.name}: press "
                   f"Retry{when} (it reads Crossmark first and never books it twice).")
            self._fail_ids(ids, {}, out, why, every=True)
            return
        statuses = {s.intent.status for s in sends}
        if statuses <= {IntentStatus.CONFIRMED}:
            self._apply(ids, sends, out)
        elif IntentStatus.FAILED in statuses:
            self._reverse(ids, sends, out)
        else:
            self._leave_unknown(ids, sends, out)

    def _load(self, ids: list[int]) -> list[_Send]:
        with self.ctx.uow_factory() as uow:
            intents = [i for i in uow.intents.for_proposals(ids) if i.status in LIVE_INTENTS]
            settings = self.ctx.settings(uow)
            sends = []
            for i in intents:
                event = uow.events.get(i.event_id)
                emp = uow.employees.get(i.employee_id) if i.employee_id else None
                if event is None:
                    i.status, i.error = IntentStatus.FAILED, "The event no longer exists"
                    uow.intents.update(i)
                    continue
                end = end_of(settings, event, i.start) if i.start is not None else None
                sends.append(_Send(i, event, emp, end))
            uow.commit()

        def order(s: _Send) -> tuple[int, int, int]:
            return (0 if s.intent.kind is IntentKind.UNSCHEDULE else 1,
                    1 if s.event.event_type is EventType.SUPERVISOR else 0, s.intent.id)
        return sorted(sends, key=order)

    def _send(self, item: _Send) -> IntentStatus:
        intent = item.intent
        if self._in_flight(intent):
            raise _Taken
        if self._too_soon(intent):
            raise _TooSoon(item)
        if intent.attempts > 0 or intent.status is IntentStatus.UNKNOWN:
            try:
                seen = self._read_back(item)
            except RemoteError as err:
                return self._record(intent, IntentStatus.UNKNOWN,
                                    error=f"Crossmark could not be read back ({err.message})")
            if seen is not None:
                return self._record(intent, IntentStatus.CONFIRMED, external_id=seen or intent.external_id)
        if not self._claim_attempt(intent):
            raise _Taken
        try:
            sid = self._call(item)
        except RemoteOutcomeUnknown as err:
            return self._record(intent, IntentStatus.UNKNOWN, error=err.message)
        except DomainError as err:
            return self._record(intent, IntentStatus.FAILED, error=err.message)
        return self._record(intent, IntentStatus.CONFIRMED, external_id=sid or intent.external_id)

    def _in_flight(self, intent: RemoteIntent) -> bool:
        """Sent by someone whose answer is not recorded yet, recently enough that it may still land."""
        if intent.status is not IntentStatus.PENDING or intent.attempts == 0 or intent.updated_at is None:
            return False
        return self.now() - intent.updated_at < self.lease

    def _too_soon(self, intent: RemoteIntent) -> bool:
        """Its outcome was unknown so recently that a late answer may still land: reading Crossmark
        now could miss it and book it twice."""
        if intent.status is not IntentStatus.UNKNOWN or intent.updated_at is None:
            return False
        return self.now() - intent.updated_at < self.lease

    def _claim_attempt(self, intent: RemoteIntent) -> bool:
        now = self.now()
        with self.ctx.uow_factory() as uow:
            won = uow.intents.claim_attempt(intent.id, intent.attempts, now)
            uow.commit()
        if won:
            intent.attempts, intent.updated_at = intent.attempts + 1, now
        return won

    def _read_back(self, item: _Send) -> str | None:
        """Crossmark's state for an intent sent before: the id when its change is there ("" for a
        done unschedule), None when it is not (so it may be sent)."""
        intent = item.intent
        if intent.kind is IntentKind.SCHEDULE:
            assert item.employee is not None and intent.start is not None
            return self.crossmark.find_schedule(item.event, item.employee, intent.start)
        held = self.crossmark.scheduled_event_of(item.event)
        return "" if held != intent.external_id else None

    def _call(self, item: _Send) -> str:
        intent = item.intent
        if intent.kind is IntentKind.UNSCHEDULE:
            assert intent.external_id is not None
            self.crossmark.unschedule(intent.external_id)
            return ""
        if item.employee is None or intent.start is None or item.end is None:
            raise RemoteError("The employee of this push no longer exists")
        return self.crossmark.schedule(item.event, item.employee, intent.start, item.end)

    def _record(self, intent: RemoteIntent, status: IntentStatus, *, error: str | None = None,
                external_id: str | None = None) -> IntentStatus:
        intent.status = status
        intent.error = error
        if external_id is not None:
            intent.external_id = external_id
        intent.updated_at = self.now()
        with self.ctx.uow_factory() as uow:
            uow.intents.update(intent)
            uow.commit()
        return status

    # ---- 3. settle -----------------------------------------------------------------------------

    def _apply(self, ids: list[int], sends: list[_Send], out: _Unit) -> None:
        now = self.now()
        with self.ctx.uow_factory() as uow:
            for pid in ids:
                if not uow.proposals.transition(pid, [ProposalStatus.PUSHING], ProposalStatus.PUSHED):
                    uow.rollback()
                    out.skipped.extend(ids)
                    return
            for s in sends:
                i = s.intent
                if i.kind is IntentKind.UNSCHEDULE and i.assignment_id is not None:
                    a = uow.assignments.get(i.assignment_id)
                    if a is not None:
                        uow.assignments.delete(a.id)
                        audit.record(uow, self.actor, "auto.unassign", "assignment", a.id, before=a, at=now)
                        out.removed.append(a.id)
                        out.notices.append((a.employee_id, _removed_text(s.event, a)))
                        _condition(uow, a.event_id, Condition.UNSTAFFED)
            for s in sends:
                i = s.intent
                if i.kind is not IntentKind.SCHEDULE:
                    continue
                assert i.employee_id is not None and i.start is not None and i.proposal_id is not None
                new = uow.assignments.add(Assignment(0, i.event_id, i.employee_id, i.start,
                                                     store_id=self.actor.store_id, external_id=i.external_id))
                audit.record(uow, self.actor, "auto.assign", "assignment", new.id, after=new, at=now)
                p = uow.proposals.get(i.proposal_id)
                if p is not None:
                    p.assignment_id = new.id
                    uow.proposals.update(p)
                _condition(uow, i.event_id, Condition.SCHEDULED)
                out.notices.append((i.employee_id, _added_text(s.event, new)))
            for pid in ids:
                p = uow.proposals.get(pid)
                if p is None:
                    continue
                p.status, p.error = ProposalStatus.PUSHED, None
                uow.proposals.update(p)
                audit.record(uow, self.actor, "auto.approve", "proposal", p.id, after=p, at=now)
                out.pushed.append(p.id)
            uow.commit()

    def _reverse(self, ids: list[int], sends: list[_Send], out: _Unit) -> None:
        """A change was refused: undo the confirmed ones in Crossmark, then fail the unit."""
        refused = next(s.intent for s in sends if s.intent.status is IntentStatus.FAILED)
        reason = refused.error or "Crossmark refused the change"
        for s in reversed(sends):
            if s.intent.status is IntentStatus.CONFIRMED:
                self._undo(s, out)
            elif s.intent.status in OPEN_INTENTS and s.intent.attempts == 0:
                self._record(s.intent, IntentStatus.FAILED, error="not sent: " + reason)
        self._fail_ids(ids, {refused.proposal_id: reason} if refused.proposal_id else {}, out, reason)

    def _undo(self, s: _Send, out: _Unit) -> None:
        i = s.intent
        kind = IntentKind.UNSCHEDULE if i.kind is IntentKind.SCHEDULE else IntentKind.SCHEDULE
        now = self.now()
        with self.ctx.uow_factory() as uow:
            reversal = uow.intents.add(replace(
                i, id=0, kind=kind, proposal_id=None, status=IntentStatus.PENDING, attempts=0,
                error=None, created_at=now, updated_at=now,
                assignment_id=i.assignment_id if kind is IntentKind.SCHEDULE else None))
            uow.commit()
        status = self._send(_Send(reversal, s.event, s.employee, s.end))
        if status is IntentStatus.CONFIRMED:
            self._record(i, IntentStatus.UNDONE, error="reversed: its unit failed")
            if kind is IntentKind.SCHEDULE and i.assignment_id is not None:
                self._restored(i.assignment_id, reversal.external_id)
            return
        self._record(i, IntentStatus.FAILED, error=f"could not be reversed ({reversal.error})")
        who = s.employee.name if s.employee is not None else i.employee_id
        if kind is IntentKind.UNSCHEDULE:
            out.notices.append(("managers", f"Crossmark still holds scheduled event {i.external_id} "
                                            f"({s.event.name} for {who}); unschedule it by hand"))
        else:
            out.notices.append(("managers", f"{s.event.name} for {who} was unscheduled in Crossmark "
                                            f"and could not be put back ({reversal.error}); "
                                            "schedule it again by hand"))
            if i.assignment_id is not None:
                self._drop(i.assignment_id, out)

    def _restored(self, assignment_id: int, external_id: str | None) -> None:
        with self.ctx.uow_factory() as uow:
            a = uow.assignments.get(assignment_id)
            if a is not None and external_id:
                a.external_id = external_id
                uow.assignments.update(a)
            uow.commit()

    def _drop(self, assignment_id: int, out: _Unit) -> None:
        with self.ctx.uow_factory() as uow:
            if uow.assignments.get(assignment_id) is not None:
                uow.assignments.delete(assignment_id)
                out.removed.append(assignment_id)
            uow.commit()

    def _leave_unknown(self, ids: list[int], sends: list[_Send], out: _Unit) -> None:
        unknown = next(s for s in sends if s.intent.status is IntentStatus.UNKNOWN)
        why = (f"Crossmark did not confirm {unknown.event.name} ({unknown.intent.error}). "
               "Retry reads Crossmark first and never books it twice.")
        pid = unknown.intent.proposal_id
        self._fail_ids(ids, {pid: why} if pid else {}, out, why)

    def _fail_ids(self, ids: list[int], problems: dict[int, str], out: _Unit, first: str, *,
                  every: bool = False) -> None:
        with self.ctx.uow_factory() as uow:
            props = [p for p in (uow.proposals.get(pid) for pid in ids) if p is not None]
            live = [p for p in props if p.status is ProposalStatus.PUSHING]
            if every:
                problems = {p.id: first for p in live}
            self._fail(uow, live, problems, out, {}, first=first)
            uow.commit()

    def _fail(self, uow: UnitOfWork, props: list[Proposal], problems: dict[int, str], out: _Unit,
              originals: dict[int, Proposal | None], *, first: str | None = None) -> None:
        first = first or next(iter(problems.values()))
        for p in props:
            before = originals.get(p.id) or replace(p)
            p.status = ProposalStatus.PUSH_FAILED
            p.error = problems.get(p.id, f"Not pushed: its pair partner failed ({first})")
            uow.proposals.update(p)
            audit.record(uow, self.actor, "auto.push_failed", "proposal", p.id, before=before, after=p,
                         at=self.now())
            out.failed.append((p.id, p.error))


def _condition(uow: UnitOfWork, event_id: int, condition: Condition) -> None:
    ev = uow.events.get(event_id)
    if ev is None:
        return
    if condition is Condition.UNSTAFFED and uow.assignments.for_event(event_id):
        return
    if ev.condition is not condition:
        ev.condition = condition
        uow.events.update(ev)


def _added_text(event: Event, a: Assignment) -> str:
    return f"You're scheduled: {event.name} on {a.start:%a %m/%d} at {a.start:%-I:%M %p}."


def _removed_text(event: Event, a: Assignment) -> str:
    return f"You're no longer scheduled for {event.name} on {a.start:%a %m/%d} at {a.start:%-I:%M %p}."


def finish_run_status(uow: UnitOfWork, run_id: int, actor: Actor, now: datetime) -> str:
    """Approved when nothing is left to push, else partially approved; records the first approver."""
    run = uow.runs.get(run_id)
    if run is None:
        raise Conflict(f"Run {run_id} disappeared.")
    props = uow.proposals.for_run(run_id)
    left = any(p.status in (*APPROVABLE, ProposalStatus.PUSHING) for p in props)
    target = RunStatus.PARTIALLY_APPROVED if left else RunStatus.APPROVED
    if run.status is not target:
        uow.runs.transition(run_id, [RunStatus.COMPLETED, RunStatus.PARTIALLY_APPROVED,
                                     RunStatus.APPROVING], target)
    run = uow.runs.get(run_id)
    assert run is not None
    if run.decided_by is None:
        run.decided_by, run.decided_at = actor.label, now
        uow.runs.update(run)
    return run.status.value
