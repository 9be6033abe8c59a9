"""Plumbing shared by the manual scheduling actions: one transaction, locks, remote compensation."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NoReturn

from core.errors import InvalidInput, RemoteError
from core.model import Actor, Condition, Employee, Event, Store, TimeSettings
from core.ports import Clock, CrossmarkPort, Notifier, UnitOfWork, UnitOfWorkFactory
from core.rules import Facts, end_of
from core.services import audit
from core.services.lookups import store_now, store_of, zone_of
from core.services.remote_batch import RemoteBatch
from core.services.schedule_changes import AssignmentChange, personal_notices
from core.services.time_settings import load_time_settings

log = logging.getLogger(__name__)


@dataclass
class Txn:
    """One scheduling transaction: the unit of work and what every rule check needs."""

    uow: UnitOfWork
    actor: Actor
    store: Store
    settings: TimeSettings
    at: datetime
    """The aware instant of the action (audit rows)."""
    today: date

    def facts(self, days: Iterable[date]) -> Facts:
        """The rule snapshot around ``days`` (whole weeks)."""
        chosen = sorted(days)
        return Facts.load(self.uow, self.store.id, chosen[0], chosen[-1], today=self.today,
                          settings=self.settings)

    def end(self, event: Event, start: datetime) -> datetime:
        """When work on ``event`` starting at ``start`` ends."""
        return end_of(self.settings, event, start)

    def employee(self, employee_id: str, cache: dict[str, Employee]) -> Employee:
        """An employee of the store (cached per action)."""
        if employee_id not in cache:
            found = self.uow.employees.get(employee_id)
            if found is None:
                raise InvalidInput(f"Employee {employee_id} no longer exists.", {"employee": "unknown"})
            cache[employee_id] = found
        return cache[employee_id]


class SchedulingBase:
    """Ports and the shared steps of ``SchedulingService``."""

    def __init__(self, uow_factory: UnitOfWorkFactory, crossmark: CrossmarkPort,
                 notifier: Notifier | None, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._crossmark = crossmark
        self._notifier = notifier
        self._clock = clock

    def _txn(self, uow: UnitOfWork, actor: Actor) -> Txn:
        store = store_of(uow, actor.store_id)
        return Txn(uow, actor, store, load_time_settings(uow, store.id), self._clock.now(),
                   store_now(self._clock, store).date())

    @staticmethod
    def _wall(txn: Txn, start: datetime) -> datetime:
        """A naive store-local minute: aware inputs are converted, seconds dropped."""
        if start.tzinfo is not None:
            start = start.astimezone(zone_of(txn.store)).replace(tzinfo=None)
        return start.replace(second=0, microsecond=0)

    @staticmethod
    def _claim(uow: UnitOfWork, events: Iterable[Event]) -> dict[int, Event]:
        """Row-lock the events (by id, so concurrent actions queue instead of deadlocking)."""
        claimed: dict[int, Event] = {}
        for event in sorted({e.id: e for e in events}.values(), key=lambda e: e.id):
            uow.events.update(event)
            fresh = uow.events.get(event.id)
            claimed[event.id] = fresh if fresh is not None else event
        return claimed

    @staticmethod
    def _lock(uow: UnitOfWork, employee_ids: Iterable[str]) -> None:
        """Row-lock employees in id order before reading what they already work."""
        for employee_id in sorted(set(employee_ids)):
            uow.lock_employee(employee_id)

    @staticmethod
    def _pushable(event: Event, employee: Employee) -> None:
        """Crossmark needs the rep's RepID and the event's location to take a schedule."""
        if not employee.rep_id:
            raise InvalidInput(f"{employee.name} has no Crossmark RepID yet — run `/sched sync reps` "
                               "or set it in `/sched team`.", {"employee": "no RepID"})
        if not event.location_mvid:
            raise InvalidInput(f"{event.name} has no Crossmark location — run `/sched sync events`.",
                               {"event": "no location"})

    def _compensate(self, txn: Txn, batch: RemoteBatch, err: RemoteError) -> NoReturn:
        """Undo the remote calls already made, keep local rows as they were, and raise."""
        report = batch.undo()
        for assignment_id, new_id in report.new_ids.items():
            row = txn.uow.assignments.get(assignment_id)
            if row is not None:
                txn.uow.assignments.update(replace(row, external_id=new_id, sync_status="synced"))
                audit.record(txn.uow, txn.actor, "assignment.repush", "assignment", assignment_id,
                             before={"external_id": row.external_id}, after={"external_id": new_id},
                             at=txn.at)
        for assignment_id in report.lost:
            row = txn.uow.assignments.get(assignment_id)
            if row is not None:
                txn.uow.assignments.update(replace(row, sync_status="remote_missing"))
                audit.record(txn.uow, txn.actor, "assignment.remote_missing", "assignment",
                             assignment_id, before={"sync_status": row.sync_status},
                             after={"sync_status": "remote_missing"}, at=txn.at)
        if report.new_ids or report.lost:
            txn.uow.commit()
        message = f"Crossmark refused the change: {err.message}. Nothing was changed."
        if report.problems:
            message = (f"Crossmark refused the change: {err.message}. Undoing the earlier steps was "
                       f"incomplete: {'; '.join(report.problems)}. Run `/sched sync events`.")
        raise RemoteError(message) from err

    @staticmethod
    def _set_condition(uow: UnitOfWork, event: Event, condition: Condition) -> Event:
        if event.condition is condition:
            return event
        changed = replace(event, condition=condition)
        uow.events.update(changed)
        return changed

    def _notify(self, store_id: int, changes: tuple[AssignmentChange, ...], *,
                reissued: bool = False) -> list[str]:
        """DM everyone whose schedule changed; delivery problems become warnings, never errors."""
        if self._notifier is None:
            return []
        problems: list[str] = []
        for employee_id, text in personal_notices(changes, reissued=reissued).items():
            try:
                self._notifier.notify_employee(store_id, employee_id, text)
            except Exception as err:
                log.warning("could not notify employee %s: %s", employee_id, type(err).__name__)
                problems.append(f"Could not notify {employee_id} by DM.")
        return problems
