"""Manual scheduling: assign, unassign, move, trade and reissue, remote first (product.md §2.1, §5.3).

Every action opens one unit of work, row-locks the events and then the employees it touches (both in
id order), judges the change with ``core.rules.check`` in MANUAL mode, pushes it to Crossmark and only
then writes it locally with an audit row. A Core carries its paired Supervisor along.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.errors import Conflict, InvalidInput, RemoteError
from core.model import Actor, Assignment, Condition, Employee, Event, EventType
from core.ports import UnitOfWork
from core.rules import Code, Facts, Mode, PlanIndex, Violation, check
from core.services import audit, authz
from core.services.lookups import employee_of, event_of
from core.services.remote_batch import RemoteBatch
from core.services.rule_judge import Verdict, clean_reason, judge
from core.services.schedule_changes import AssignmentChange, ScheduleResult
from core.services.scheduling_support import SchedulingBase, Txn
from core.services.supervisor_pairing import (
    SupervisorPlacement,
    paired_supervisor_events,
    place_supervisor,
    supervisor_candidates,
)

REISSUE_EXEMPT = frozenset({Code.PAST, Code.EVENT_CLOSED, Code.OUTSIDE_WINDOW})
"""Reissuing re-opens past or reported work, so these rules do not apply to it."""
_DRAFT_ID = -1

_Follower = tuple[Event, Assignment, Assignment | None, SupervisorPlacement | None]
"""A trailing Supervisor: its event, its assignment before, after (None = unassigned), the plan."""


class SchedulingService(SchedulingBase):
    """Manual schedule changes by managers. Construct with the ports; every method takes the actor."""

    def preview(self, actor: Actor, event_id: int, employee_id: str, start: datetime) -> list[Violation]:
        """Every rule that assigning (or moving the event to) ``employee_id`` at ``start`` would break."""
        authz.require(actor, authz.Action.SCHEDULE)
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            event = event_of(uow, actor.store_id, event_id)
            employee_of(uow, actor.store_id, employee_id)
            start = self._wall(txn, start)
            current = uow.assignments.for_event(event.id)
            facts = txn.facts([start.date(), *(a.start.date() for a in current)])
            return check(facts, event, employee_id, start, mode=Mode.MANUAL,
                         ignore={a.id for a in current})

    def assign(self, actor: Actor, event_id: int, employee_id: str, start: datetime, *,
               confirm: bool = False, override_reason: str | None = None) -> ScheduleResult:
        """Schedule an unscheduled event; a Core also gets its unscheduled Supervisor placed."""
        authz.require(actor, authz.Action.SCHEDULE)
        reason = clean_reason(override_reason)
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            start = self._wall(txn, start)
            event = event_of(uow, actor.store_id, event_id)
            employee = employee_of(uow, actor.store_id, employee_id)
            sups = [s for s in paired_supervisor_events(uow, event) if not uow.assignments.for_event(s.id)]
            claimed = self._claim(uow, [event, *sups])
            event = claimed[event.id]
            if uow.assignments.for_event(event.id):
                raise Conflict(f"{event.name} is already scheduled — use move or unassign.")
            sups = [claimed[s.id] for s in sups if not uow.assignments.for_event(s.id)]
            helpers = supervisor_candidates(txn.facts([start.date()]), start.date()) if sups else []
            self._lock(uow, [employee.id, *helpers])
            facts = txn.facts([start.date()])
            verdict = judge(check(facts, event, employee.id, start, mode=Mode.MANUAL), actor=actor,
                            confirm=confirm, override_reason=reason)
            self._pushable(event, employee)
            with RemoteBatch(self._crossmark) as batch:
                external_id = batch.schedule(event, employee, start, txn.end(event, start))
                core = uow.assignments.add(Assignment(0, event.id, employee.id, start, txn.store.id,
                                                      external_id=external_id))
                self._set_condition(uow, event, Condition.SCHEDULED)
                audit.record(uow, actor, "assignment.create", "assignment", core.id,
                             after={**(audit.snapshot(core) or {}), **verdict.audit_fields()}, at=txn.at)
                changes = [AssignmentChange(event, None, core)]
                names = {employee.id: employee.name}
                warnings = list(verdict.messages)
                index = PlanIndex(facts, [*facts.assignments, core])
                for sup in sups:
                    warnings += self._place_supervisor(txn, facts, index, sup, core, changes, names, batch)
                uow.commit()
        done = tuple(changes)
        warnings += self._notify(actor.store_id, done)
        return ScheduleResult(done, tuple(warnings), names)

    def _place_supervisor(self, txn: Txn, facts: Facts, index: PlanIndex, sup: Event, core: Assignment,
                          changes: list[AssignmentChange], names: dict[str, str],
                          batch: RemoteBatch) -> list[str]:
        day = core.start.date()
        placement = place_supervisor(facts, index, sup, day, eligible=lambda e: bool(e.rep_id))
        if placement is None:
            return [f"Nobody can take {sup.name} on {day:%a %m/%d}: the Club Supervisor and the Primary "
                    "Lead are unavailable. The Core is scheduled without it."]
        person = facts.employees[placement.employee_id]
        try:
            sid = batch.schedule(sup, person, placement.start, txn.end(sup, placement.start))
        except RemoteError as err:
            return [f"{sup.name} could not be pushed to Crossmark ({err.message}); the Core is scheduled "
                    "without it."]
        row = txn.uow.assignments.add(Assignment(0, sup.id, person.id, placement.start, txn.store.id,
                                                 external_id=sid))
        index.add(row)
        self._set_condition(txn.uow, sup, Condition.SCHEDULED)
        audit.record(txn.uow, txn.actor, "assignment.create", "assignment", row.id,
                     after={**(audit.snapshot(row) or {}), "paired_with": core.id}, at=txn.at)
        changes.append(AssignmentChange(sup, None, row))
        names[person.id] = person.name
        return [v.message for v in placement.warnings]

    def unassign(self, actor: Actor, event_id: int) -> ScheduleResult:
        """Unschedule an event; a Core takes its Supervisor along. All remotely first, or nothing."""
        authz.require(actor, authz.Action.SCHEDULE)
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            event = event_of(uow, actor.store_id, event_id)
            claimed = self._claim(uow, [event, *paired_supervisor_events(uow, event)])
            event = claimed.pop(event.id)
            own = uow.assignments.for_event(event.id)
            if not own:
                raise InvalidInput(f"{event.name} is not scheduled.", {"event": "not scheduled"})
            removals = [(event, a) for a in own]
            removals += [(sup, a) for sup in claimed.values() for a in uow.assignments.for_event(sup.id)]
            self._lock(uow, [a.employee_id for _, a in removals])
            people: dict[str, Employee] = {}
            with RemoteBatch(self._crossmark) as batch:
                warnings: list[str] = []
                try:
                    for ev, a in removals:
                        who = txn.employee(a.employee_id, people)
                        if not batch.unschedule(a, ev, who, txn.end(ev, a.start)):
                            warnings.append(f"{ev.name} had no Crossmark id; removed locally only.")
                except RemoteError as err:
                    self._compensate(txn, batch, err)
                changes = []
                for ev, a in removals:
                    uow.assignments.delete(a.id)
                    audit.record(uow, actor, "assignment.delete", "assignment", a.id, before=a, at=txn.at)
                    self._set_condition(uow, ev, Condition.UNSTAFFED)
                    changes.append(AssignmentChange(ev, a, None))
                uow.commit()
        done = tuple(changes)
        warnings += self._notify(actor.store_id, done)
        return ScheduleResult(done, tuple(warnings), {k: v.name for k, v in people.items()})

    def move(self, actor: Actor, event_id: int, new_start: datetime, *, employee_id: str | None = None,
             confirm: bool = False, override_reason: str | None = None) -> ScheduleResult:
        """Move a scheduled event to ``new_start`` (and optionally to another employee).

        A Core moving to another day takes its Supervisor to the new day at the supervisor time, to
        the Club Supervisor else the Primary Lead; if nobody can take it, it is unassigned (warning).
        """
        authz.require(actor, authz.Action.SCHEDULE)
        reason = clean_reason(override_reason)
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            new_start = self._wall(txn, new_start)
            event = event_of(uow, actor.store_id, event_id)
            if employee_id is not None:
                employee_of(uow, actor.store_id, employee_id)
            claimed = self._claim(uow, [event, *paired_supervisor_events(uow, event)])
            event = claimed.pop(event.id)
            own = uow.assignments.for_event(event.id)
            if not own:
                raise InvalidInput(f"{event.name} is not scheduled — use assign.", {"event": "not scheduled"})
            current = own[0]
            target = employee_id or current.employee_id
            if target == current.employee_id and new_start == current.start:
                raise InvalidInput(f"{event.name} is already at that time.", {"start": "unchanged"})
            day = new_start.date()
            trailing = [(sup, a) for sup in claimed.values() for a in uow.assignments.for_event(sup.id)
                        if a.start.date() != day]
            days = [day, current.start.date()]
            helpers = supervisor_candidates(txn.facts(days), day) if trailing else []
            self._lock(uow, [current.employee_id, target, *helpers, *(a.employee_id for _, a in trailing)])
            facts = txn.facts(days)
            ignore = {current.id, *(a.id for _, a in trailing)}
            verdict = judge(check(facts, event, target, new_start, mode=Mode.MANUAL, ignore=ignore),
                            actor=actor, confirm=confirm, override_reason=reason)
            people: dict[str, Employee] = {}
            person = txn.employee(target, people)
            self._pushable(event, person)
            moved = replace(current, employee_id=target, start=new_start)
            index = PlanIndex(facts, [a for a in facts.assignments if a.id not in ignore] + [moved])
            plans: list[tuple[Event, Assignment, SupervisorPlacement | None]] = []
            for sup, a in trailing:
                spot = place_supervisor(facts, index, sup, day, eligible=lambda e: bool(e.rep_id))
                if spot is not None:
                    index.add(replace(a, employee_id=spot.employee_id, start=spot.start, id=_DRAFT_ID))
                plans.append((sup, a, spot))
            warnings = list(verdict.messages)
            with RemoteBatch(self._crossmark) as batch:
                try:
                    moved, followers = self._push_move(txn, batch, event, current, moved, plans, people)
                except RemoteError as err:
                    self._compensate(txn, batch, err)
                uow.assignments.update(moved)
                audit.record(uow, actor, "assignment.move", "assignment", current.id, before=current,
                             after={**(audit.snapshot(moved) or {}), **verdict.audit_fields()}, at=txn.at)
                changes = [AssignmentChange(event, current, moved)]
                for sup, old, follower, spot in followers:
                    changes.append(AssignmentChange(sup, old, follower))
                    if follower is not None:
                        uow.assignments.update(follower)
                        audit.record(uow, actor, "assignment.move", "assignment", old.id, before=old,
                                     after=follower, at=txn.at)
                        warnings += [v.message for v in spot.warnings] if spot else []
                        continue
                    uow.assignments.delete(old.id)
                    self._set_condition(uow, sup, Condition.UNSTAFFED)
                    audit.record(uow, actor, "assignment.delete", "assignment", old.id, before=old, at=txn.at)
                    warnings.append(f"Nobody can take {sup.name} on {day:%a %m/%d}; it was unassigned.")
                uow.commit()
        done = tuple(changes)
        warnings += self._notify(actor.store_id, done)
        return ScheduleResult(done, tuple(warnings), {k: v.name for k, v in people.items()})

    def _push_move(self, txn: Txn, batch: RemoteBatch, event: Event, current: Assignment, moved: Assignment,
                   plans: list[tuple[Event, Assignment, SupervisorPlacement | None]],
                   people: dict[str, Employee]) -> tuple[Assignment, list[_Follower]]:
        """Unschedule + schedule the event, then each trailing Supervisor (remotely, in that order)."""
        before = txn.employee(current.employee_id, people)
        batch.unschedule(current, event, before, txn.end(event, current.start))
        person = txn.employee(moved.employee_id, people)
        moved = replace(moved, external_id=batch.schedule(event, person, moved.start,
                                                          txn.end(event, moved.start)))
        followers: list[_Follower] = []
        for sup, old, spot in plans:
            batch.unschedule(old, sup, txn.employee(old.employee_id, people), txn.end(sup, old.start))
            follower = None
            if spot is not None:
                helper = txn.employee(spot.employee_id, people)
                sid = batch.schedule(sup, helper, spot.start, txn.end(sup, spot.start))
                follower = replace(old, employee_id=helper.id, start=spot.start, external_id=sid)
            followers.append((sup, old, follower, spot))
        return moved, followers

    def trade(self, actor: Actor, event_a: int, event_b: int, *, confirm: bool = False,
              override_reason: str | None = None) -> ScheduleResult:
        """Swap the employees of two scheduled Core events (times stay with the events)."""
        authz.require(actor, authz.Action.SCHEDULE)
        reason = clean_reason(override_reason)
        if event_a == event_b:
            raise InvalidInput("Pick two different events to trade.", {"event_b": "same event"})
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            found = [event_of(uow, actor.store_id, event_a), event_of(uow, actor.store_id, event_b)]
            if any(e.event_type is not EventType.CORE for e in found):
                raise InvalidInput("Only Core events can be traded.", {"event": "not a Core event"})
            claimed = self._claim(uow, found)
            ea, eb = claimed[event_a], claimed[event_b]
            aa, ab = self._only_assignment(uow, ea, "event_a"), self._only_assignment(uow, eb, "event_b")
            if aa.employee_id == ab.employee_id:
                raise InvalidInput("Both events are worked by the same person.", {"event_b": "same person"})
            self._lock(uow, [aa.employee_id, ab.employee_id])
            facts = txn.facts([aa.start.date(), ab.start.date()])
            new_a = replace(aa, employee_id=ab.employee_id)
            new_b = replace(ab, employee_id=aa.employee_id)
            index = PlanIndex(facts, [a for a in facts.assignments if a.id not in (aa.id, ab.id)])
            found_violations = check(facts, ea, new_a.employee_id, aa.start, mode=Mode.MANUAL, index=index)
            index.add(new_a)
            found_violations += check(facts, eb, new_b.employee_id, ab.start, mode=Mode.MANUAL,
                                      index=index, ignore={aa.id})
            verdict = judge(found_violations, actor=actor, confirm=confirm, override_reason=reason)
            people: dict[str, Employee] = {}
            emp_a, emp_b = txn.employee(aa.employee_id, people), txn.employee(ab.employee_id, people)
            self._pushable(ea, emp_b)
            self._pushable(eb, emp_a)
            with RemoteBatch(self._crossmark) as batch:
                try:
                    batch.unschedule(aa, ea, emp_a, txn.end(ea, aa.start))
                    batch.unschedule(ab, eb, emp_b, txn.end(eb, ab.start))
                    sid_a = batch.schedule(ea, emp_b, aa.start, txn.end(ea, aa.start))
                    sid_b = batch.schedule(eb, emp_a, ab.start, txn.end(eb, ab.start))
                    new_a, new_b = replace(new_a, external_id=sid_a), replace(new_b, external_id=sid_b)
                except RemoteError as err:
                    self._compensate(txn, batch, err)
                for old, new in ((aa, new_a), (ab, new_b)):
                    uow.assignments.update(new)
                    audit.record(uow, actor, "assignment.trade", "assignment", old.id, before=old,
                                 after={**(audit.snapshot(new) or {}), **verdict.audit_fields()}, at=txn.at)
                uow.commit()
        done = (AssignmentChange(ea, aa, new_a), AssignmentChange(eb, ab, new_b))
        warnings = [*verdict.messages, *self._notify(actor.store_id, done)]
        return ScheduleResult(done, tuple(warnings), {k: v.name for k, v in people.items()})

    def reissue(self, actor: Actor, event_id: int, *, employee_id: str | None = None,
                start: datetime | None = None, include_responses: bool = False, confirm: bool = False,
                override_reason: str | None = None) -> ScheduleResult:
        """Re-open (usually unreported) work in Crossmark for a rep; the Supervisor is not touched."""
        authz.require(actor, authz.Action.SCHEDULE)
        reason = clean_reason(override_reason)
        with self._uow_factory() as uow:
            txn = self._txn(uow, actor)
            event = event_of(uow, actor.store_id, event_id)
            if employee_id is not None:
                employee_of(uow, actor.store_id, employee_id)
            event = self._claim(uow, [event])[event.id]
            current = self._only_assignment(uow, event, "event")
            if not current.external_id:
                raise InvalidInput(f"{event.name} has no Crossmark schedule id to reissue — run "
                                   "`/sched sync events` first.", {"event": "no Crossmark id"})
            target = employee_id or current.employee_id
            when = self._wall(txn, start) if start is not None else current.start
            self._lock(uow, [current.employee_id, target])
            verdict = Verdict()
            if target != current.employee_id or when != current.start:
                facts = txn.facts([when.date(), current.start.date()])
                found = [v for v in check(facts, event, target, when, mode=Mode.MANUAL, ignore={current.id})
                         if v.code not in REISSUE_EXEMPT]
                verdict = judge(found, actor=actor, confirm=confirm, override_reason=reason)
            people: dict[str, Employee] = {}
            person = txn.employee(target, people)
            txn.employee(current.employee_id, people)
            self._pushable(event, person)
            new_id = self._crossmark.reissue(event, current, person, when, txn.end(event, when),
                                             include_responses)
            after = replace(current, employee_id=target, start=when, external_id=new_id, sync_status="synced")
            uow.assignments.update(after)
            event = self._set_condition(uow, event, Condition.REISSUED)
            audit.record(uow, actor, "assignment.reissue", "assignment", current.id, before=current,
                         after={**(audit.snapshot(after) or {}), "include_responses": include_responses,
                                **verdict.audit_fields()}, at=txn.at)
            uow.commit()
        done = (AssignmentChange(event, current, after),)
        warnings = [*verdict.messages, *self._notify(actor.store_id, done, reissued=True)]
        return ScheduleResult(done, tuple(warnings), {k: v.name for k, v in people.items()})

    @staticmethod
    def _only_assignment(uow: UnitOfWork, event: Event, field: str) -> Assignment:
        rows = uow.assignments.for_event(event.id)
        if not rows:
            raise InvalidInput(f"{event.name} is not scheduled.", {field: "not scheduled"})
        return rows[0]
