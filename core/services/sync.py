"""Syncs from Crossmark (events, reps) and Retail Link (EDR cache): incremental, never destructive.

A sync upserts by external id, compares before writing (an identical second sync writes nothing but
its ``SyncRun``), never deletes a local row, and reports what it could not reconcile as conflicts.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from core.errors import DomainError, InvalidInput, NeedsMfaCode
from core.model import Actor, Assignment, AuditEntry, Condition, Employee, Event, SyncRun
from core.ports import (
    Clock,
    CrossmarkPort,
    EdrReport,
    RemoteEvent,
    RemoteRep,
    RetailLinkPort,
    UnitOfWork,
    UnitOfWorkFactory,
)
from core.services import audit, authz
from core.services.lookups import normalise_name, store_of, store_today
from core.services.schedule_changes import when
from core.services.sync_mapping import (
    REMOTE_STAFFED,
    employee_from_rep,
    event_from_remote,
    parse_condition,
    same_event,
)

EVENTS_BACK_DAYS, EVENTS_AHEAD_DAYS = 30, 90
EDR_WINDOW_DAYS = 30
ASSIGNMENT_MARGIN_DAYS = 60
EDR_ANY_AGE_HOURS = 1e9

R = TypeVar("R")


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: list[str] = field(default_factory=list)

    def conflict(self, message: str) -> None:
        """Note something a person has to reconcile."""
        self.conflicts.append(message)
        self.counts["conflicts"] += 1


@dataclass(frozen=True)
class _EventPlan:
    """One mPlan after comparison: the event it should be and what its reconciliation needs."""

    record: RemoteEvent
    event: Event
    held: list[Assignment]
    remote_holds: bool
    unknown_condition: str | None


@dataclass
class _Writes:
    """What an events sync writes at the end, in bulk."""

    audit: list[AuditEntry]
    new_assignments: list[Assignment] = field(default_factory=list)
    changed_assignments: list[tuple[Assignment, Assignment]] = field(default_factory=list)


@dataclass(frozen=True)
class SyncReport:
    """The recorded run and the conflicts a person should look at.

    ``run.status`` is ``ok``, ``conflicts`` (done, but something needs a person), ``failed`` or
    ``needs_code`` (Retail Link wants a fresh MFA code); the last two are raised as well.
    """

    run: SyncRun
    conflicts: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """created / updated / unchanged / conflicts (+ kind-specific counters)."""
        return self.run.counts


class SyncService:
    """Runs syncs for managers (or the clock, as the system actor)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, crossmark: CrossmarkPort, clock: Clock,
                 retail_link: RetailLinkPort | None = None) -> None:
        self._uow_factory = uow_factory
        self._crossmark = crossmark
        self._clock = clock
        self._retail_link = retail_link

    def sync_events(self, actor: Actor, start: date | None = None, end: date | None = None) -> SyncReport:
        """Upsert mPlans of [start, end] (default: 30 days back to 90 ahead) and their remote schedules."""
        authz.require(actor, authz.Action.RUN_SYNC)
        with self._uow_factory() as uow:
            today = store_today(uow, self._clock, actor.store_id)
        first = start or today - timedelta(days=EVENTS_BACK_DAYS)
        last = end or today + timedelta(days=EVENTS_AHEAD_DAYS)
        if last < first:
            raise InvalidInput("The end is before the start.", {"end": "before start"})
        return self._run(actor, "events", lambda: self._crossmark.planning_events(first, last),
                         self._apply_events)

    def sync_reps(self, actor: Actor) -> SyncReport:
        """Reps → employees: new ones start as Event Specialists needing review; none is deleted."""
        authz.require(actor, authz.Action.RUN_SYNC)
        return self._run(actor, "reps", self._crossmark.reps, self._apply_reps)

    def sync_edr(self, actor: Actor, start: date | None = None, end: date | None = None) -> SyncReport:
        """Fill the EDR cache from one Retail Link browse call (raises NeedsMfaCode without a session)."""
        authz.require(actor, authz.Action.RUN_SYNC)
        retail_link = self._retail_link
        if retail_link is None:
            raise InvalidInput("Retail Link is not configured.", {"retail_link": "not configured"})
        with self._uow_factory() as uow:
            store = store_of(uow, actor.store_id)
            today = store_today(uow, self._clock, actor.store_id)
        first = start or today - timedelta(days=EDR_WINDOW_DAYS)
        last = end or today + timedelta(days=EDR_WINDOW_DAYS)
        return self._run(actor, "edr", lambda: retail_link.browse(first, last, store.number), self._apply_edr)

    def _run(self, actor: Actor, kind: str, fetch: Callable[[], Sequence[R]],
             apply: Callable[[UnitOfWork, Actor, Sequence[R], _Tally], None]) -> SyncReport:
        started, clock_start = self._clock.now(), time.perf_counter()
        tally = _Tally()
        for key in ("created", "updated", "unchanged", "conflicts"):
            tally.counts[key] = 0
        try:
            remote = list(fetch())
        except Exception as err:
            status = "needs_code" if isinstance(err, NeedsMfaCode) else "failed"
            why = err.message if isinstance(err, DomainError) else f"{type(err).__name__} while fetching"
            self._record(actor, kind, started, clock_start, tally, [why], status)
            raise
        with self._uow_factory() as uow:
            apply(uow, actor, remote, tally)
            run = self._add_run(uow, actor, kind, started, clock_start, tally, [],
                                "conflicts" if tally.conflicts else "ok")
            uow.commit()
        return SyncReport(run, tuple(tally.conflicts))

    def _record(self, actor: Actor, kind: str, started: datetime, clock_start: float, tally: _Tally,
                errors: list[str], status: str) -> None:
        with self._uow_factory() as uow:
            self._add_run(uow, actor, kind, started, clock_start, tally, errors, status)
            uow.commit()

    def _add_run(self, uow: UnitOfWork, actor: Actor, kind: str, started: datetime, clock_start: float,
                 tally: _Tally, errors: list[str], status: str) -> SyncRun:
        counts = dict(tally.counts)
        counts["duration_ms"] = round((time.perf_counter() - clock_start) * 1000)
        return uow.sync_runs.add(SyncRun(0, kind, started, self._clock.now(), counts, errors, status,
                                         actor.store_id))

    # ---- events ------------------------------------------------------------------------------

    def _apply_events(self, uow: UnitOfWork, actor: Actor, records: Sequence[RemoteEvent],
                      tally: _Tally) -> None:
        """Compare every mPlan with its event in memory, then write only the differences, in bulk."""
        store_id, now = actor.store_id, self._clock.now()
        first_seen: dict[int, RemoteEvent] = {}
        for r in records:
            first_seen.setdefault(r.mplan_id, r)
        records = list(first_seen.values())
        local = {e.mplan_id: e for e in uow.events.list(store_id=store_id)}
        by_rep = {e.rep_id: e for e in uow.employees.list(store_id=store_id) if e.rep_id}
        rows: dict[int, list[Assignment]] = defaultdict(list)
        if records:
            margin = timedelta(days=ASSIGNMENT_MARGIN_DAYS)
            lo = min(r.start_date for r in records) - margin
            hi = max(r.end_date for r in records) + margin
            for a in uow.assignments.between(store_id, lo, hi):
                rows[a.event_id].append(a)
        plans: list[_EventPlan] = []
        new_events: list[Event] = []
        changed: list[tuple[Event, Event]] = []
        for record in records:
            existing = local.get(record.mplan_id)
            held = rows.get(existing.id, []) if existing is not None else []
            condition = parse_condition(record.condition)
            unknown = None
            if condition is None:
                unknown = f"{record.name}: unknown Crossmark condition {record.condition!r}"
                condition = existing.condition if existing is not None else Condition.UNSTAFFED
            remote_holds = record.schedule_start is not None or condition in REMOTE_STAFFED
            if held and not remote_holds and existing is not None:
                condition = existing.condition
            wanted = event_from_remote(record, existing, store_id=store_id, condition=condition,
                                       synced_at=now)
            if existing is None:
                new_events.append(wanted)
                tally.counts["created"] += 1
            elif not same_event(existing, wanted):
                changed.append((existing, wanted))
                tally.counts["updated"] += 1
            else:
                tally.counts["unchanged"] += 1
            plans.append(_EventPlan(record, wanted, held, remote_holds, unknown))
        created = {e.mplan_id: e for e in uow.events.add_many(new_events)}
        uow.events.update_many([wanted for _, wanted in changed])
        writes = _Writes([audit.entry(actor, "sync.event_create", "event", e.id, after=e, at=now)
                          for e in created.values()])
        writes.audit.extend(audit.entry(actor, "sync.event_update", "event", new.id, before=old, after=new,
                                        at=now) for old, new in changed)
        for plan in plans:
            if plan.unknown_condition is not None:
                tally.conflict(plan.unknown_condition)
            event = created.get(plan.event.mplan_id, plan.event)
            self._reconcile(plan.record, event, plan.held, by_rep, tally, plan.remote_holds, writes)
        self._write_assignments(uow, actor, writes, now)

    def _reconcile(self, record: RemoteEvent, event: Event, held: list[Assignment],
                   by_rep: dict[str, Employee], tally: _Tally, remote_holds: bool, writes: _Writes) -> None:
        if not remote_holds:
            for a in held:
                tally.conflict(f"{event.name}: schedbot has it on {when(a.start)} ({a.employee_id}) but "
                               "Crossmark does not show it — kept; push it again or unassign it")
            return
        if record.schedule_start is None:
            if not held:
                tally.conflict(f"{event.name}: {record.condition} in Crossmark without a schedule date")
            return
        person = by_rep.get(record.schedule_rep_id or "")
        if person is None:
            who = record.staffed_reps or f"RepID {record.schedule_rep_id or '?'}"
            tally.conflict(f"{event.name}: {record.condition} in Crossmark by {who}, but no employee has "
                           f"RepID {record.schedule_rep_id or '?'} — run `/sched sync reps` or set the RepID")
            return
        mine = [a for a in held if a.employee_id == person.id]
        if not mine:
            if held:
                tally.conflict(f"{event.name}: Crossmark has {person.name} on {when(record.schedule_start)}, "
                               f"schedbot has {held[0].employee_id} — kept schedbot's")
                return
            writes.new_assignments.append(Assignment(0, event.id, person.id, record.schedule_start,
                                                     event.store_id, external_id=record.schedule_event_id))
            tally.counts["assignments_created"] += 1
            return
        current = mine[0]
        if current.start != record.schedule_start:
            tally.conflict(f"{event.name}: Crossmark has {person.name} on {when(record.schedule_start)}, "
                           f"schedbot on {when(current.start)} — kept schedbot's")
        elif record.schedule_event_id and current.external_id != record.schedule_event_id:
            fixed = replace(current, external_id=record.schedule_event_id, sync_status="synced")
            writes.changed_assignments.append((current, fixed))
            tally.counts["assignments_updated"] += 1

    @staticmethod
    def _write_assignments(uow: UnitOfWork, actor: Actor, writes: _Writes, now: datetime) -> None:
        uow.assignments.update_many([fixed for _, fixed in writes.changed_assignments])
        writes.audit.extend(audit.entry(actor, "sync.assignment_update", "assignment", old.id, before=old,
                                        after=new, at=now) for old, new in writes.changed_assignments)
        writes.audit.extend(audit.entry(actor, "sync.assignment_create", "assignment", row.id, after=row,
                                        at=now) for row in uow.assignments.add_many(writes.new_assignments))
        uow.audit.add_many(writes.audit)

    # ---- reps --------------------------------------------------------------------------------

    def _apply_reps(self, uow: UnitOfWork, actor: Actor, reps: Sequence[RemoteRep], tally: _Tally) -> None:
        now = self._clock.now()
        people = {e.id: e for e in uow.employees.list(store_id=actor.store_id)}
        taken_ids = {e.id for e in uow.employees.list()}
        fresh: dict[str, Employee] = {}
        changed: dict[str, tuple[Employee, Employee]] = {}
        for rep in reps:
            if not rep.rep_id.strip():
                tally.conflict(f"{rep.name}: Crossmark sent a rep without a RepID")
                continue
            existing = _match_rep(list(people.values()), rep)
            if existing is None:
                new_id = rep.employee_id if rep.employee_id and rep.employee_id not in taken_ids \
                    else f"REP{rep.rep_id}"
                if new_id in taken_ids:
                    tally.conflict(f"{rep.name}: employee id {new_id} is taken by another store")
                    continue
                row = employee_from_rep(rep, None, store_id=actor.store_id, new_id=new_id)
                fresh[row.id] = people[row.id] = row
                taken_ids.add(row.id)
                tally.counts["created"] += 1
                continue
            wanted = employee_from_rep(rep, existing, store_id=actor.store_id, new_id=existing.id)
            if wanted == existing:
                tally.counts["unchanged"] += 1
                continue
            if wanted.id in fresh:
                fresh[wanted.id] = wanted
            else:
                changed[wanted.id] = (changed.get(wanted.id, (existing, wanted))[0], wanted)
            people[wanted.id] = wanted
            tally.counts["updated"] += 1
        uow.employees.update_many([new for _, new in changed.values()])
        trail = [audit.entry(actor, "sync.employee_create", "employee", row.id, after=row, at=now)
                 for row in uow.employees.add_many(list(fresh.values()))]
        trail.extend(audit.entry(actor, "sync.employee_update", "employee", new.id, before=old, after=new,
                                 at=now) for old, new in changed.values())
        uow.audit.add_many(trail)

    # ---- EDR ---------------------------------------------------------------------------------

    def _apply_edr(self, uow: UnitOfWork, actor: Actor, reports: Sequence[EdrReport], tally: _Tally) -> None:
        now = self._clock.now()
        for report in reports:
            old = uow.edr_cache.get(actor.store_id, report.event_number, EDR_ANY_AGE_HOURS)
            if old is None:
                tally.counts["created"] += 1
            elif replace(old, fetched_at=None) == replace(report, fetched_at=None):
                tally.counts["unchanged"] += 1
            else:
                tally.counts["updated"] += 1
            uow.edr_cache.put(actor.store_id, replace(report, fetched_at=now))


def _match_rep(staff: list[Employee], rep: RemoteRep) -> Employee | None:
    """The employee a rep is: by RepID, else by MVRetail employee id, else by name if they lack a RepID."""
    cm_id = rep.employee_id
    for matches in ([e for e in staff if e.rep_id == rep.rep_id],
                    [e for e in staff if cm_id and cm_id in (e.id, e.crossmark_employee_id)],
                    [e for e in staff
                     if e.rep_id is None and normalise_name(e.name) == normalise_name(rep.name)]):
        if len(matches) == 1:
            return matches[0]
    return None
