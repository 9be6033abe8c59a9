"""The weekly Juicer / Primary Lead rotation and its one-off exceptions (R-ROT-1..5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from core.errors import InvalidInput, NotFound
from core.model import (
    Actor,
    Employee,
    JobTitle,
    RotationAssignment,
    RotationException,
    RotationType,
)
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services import audit, authz
from core.services.lookups import employee_of, store_today

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ELIGIBLE: dict[RotationType, frozenset[JobTitle]] = {
    RotationType.JUICER: frozenset({JobTitle.JUICER_BARISTA}),
    RotationType.PRIMARY_LEAD: frozenset({JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR}),
}
LABEL = {RotationType.JUICER: "Juicer", RotationType.PRIMARY_LEAD: "Primary Lead"}
MAX_REASON = 200

WeeklyPlan = Mapping[RotationType, Mapping[int, str | None]]
"""Rotation type → weekday (0 = Monday) → employee id (``None`` or absent: nobody)."""


@dataclass(frozen=True)
class RotationView:
    """The weekly rotation (with names) and the exceptions from a date on."""

    weekly: dict[tuple[RotationType, int], Employee]
    exceptions: tuple[RotationException, ...]


def _fit(employee: Employee | None, rotation: RotationType, where: str) -> str | None:
    if employee is None:
        return f"{where}: unknown employee"
    if not employee.is_active:
        return f"{where}: {employee.name} is inactive"
    if employee.job_title not in ELIGIBLE[rotation]:
        allowed = " or ".join(sorted(t.value for t in ELIGIBLE[rotation]))
        return f"{where}: {employee.name} is a {employee.job_title}, the {LABEL[rotation]} must be {allowed}"
    return None


class RotationService:
    """Managers edit the rotation; everyone may look at it."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def view(self, actor: Actor, since: date | None = None) -> RotationView:
        """The weekly rotation and the exceptions from ``since`` (default today) on."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        with self._uow_factory() as uow:
            first = since or store_today(uow, self._clock, actor.store_id)
            people = {e.id: e for e in uow.employees.list(store_id=actor.store_id)}
            weekly = {(r.rotation_type, r.weekday): people[r.employee_id]
                      for r in uow.rotations.list(store_id=actor.store_id) if r.employee_id in people}
            exceptions = [x for x in uow.rotation_exceptions.list(store_id=actor.store_id) if x.day >= first]
        return RotationView(weekly, tuple(sorted(exceptions, key=lambda x: (x.day, x.rotation_type))))

    def set_weekly(self, actor: Actor, plan: WeeklyPlan) -> list[RotationAssignment]:
        """Replace the weekly rotation of every type in ``plan`` at once (types not in ``plan`` stay).

        Any invalid entry (weekday, unknown or inactive person, wrong job title) rejects the whole save.
        """
        authz.require(actor, authz.Action.EDIT_ROTATIONS)
        problems: dict[str, str] = {}
        wanted: list[RotationAssignment] = []
        with self._uow_factory() as uow:
            people = {e.id: e for e in uow.employees.list(store_id=actor.store_id)}
            for rotation, days in plan.items():
                if not isinstance(rotation, RotationType):
                    problems[str(rotation)] = "unknown rotation type"
                    continue
                for weekday, employee_id in days.items():
                    key = f"{rotation.value}.{weekday}"
                    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                        problems[key] = "weekday must be 0 (Monday) to 6 (Sunday)"
                        continue
                    if employee_id is None:
                        continue
                    why = _fit(people.get(employee_id), rotation,
                               f"{LABEL[rotation]} on {WEEKDAY_NAMES[weekday]}")
                    if why is not None:
                        problems[key] = why
                    wanted.append(RotationAssignment(weekday, rotation, employee_id, actor.store_id))
            if problems:
                raise InvalidInput("The rotation was not saved: " + "; ".join(problems.values()), problems)
            before = [r for r in uow.rotations.list(store_id=actor.store_id) if r.rotation_type in plan]
            if sorted(before, key=_order) == sorted(wanted, key=_order):
                return wanted
            for row in before:
                uow.rotations.delete((row.store_id, row.weekday, str(row.rotation_type)))
            for row in wanted:
                uow.rotations.add(row)
            audit.record(uow, actor, "rotation.set", "rotation", "weekly",
                         before={"rows": [audit.snapshot(r) for r in before]},
                         after={"rows": [audit.snapshot(r) for r in wanted]}, at=self._clock.now())
            uow.commit()
        return sorted(wanted, key=_order)

    def add_exception(self, actor: Actor, day: date, rotation: RotationType, employee_id: str,
                      reason: str | None = None) -> RotationException:
        """Someone else takes the rotation on one date (replaces an earlier exception of that date)."""
        authz.require(actor, authz.Action.EDIT_ROTATIONS)
        text = (reason or "").strip() or None
        if text is not None and len(text) > MAX_REASON:
            raise InvalidInput("The reason is too long.", {"reason": f"at most {MAX_REASON} characters"})
        with self._uow_factory() as uow:
            employee = employee_of(uow, actor.store_id, employee_id)
            why = _fit(employee, rotation, f"{LABEL[rotation]} on {day:%a %m/%d}")
            if why is not None:
                raise InvalidInput(why, {"employee": why})
            if day < store_today(uow, self._clock, actor.store_id):
                raise InvalidInput("That day is in the past.", {"day": "in the past"})
            same = [x for x in uow.rotation_exceptions.list(store_id=actor.store_id)
                    if x.day == day and x.rotation_type is rotation]
            if same:
                row = replace(same[0], employee_id=employee_id, reason=text)
                uow.rotation_exceptions.update(row)
            else:
                row = uow.rotation_exceptions.add(RotationException(0, day, rotation, employee_id, text,
                                                                    actor.store_id))
            audit.record(uow, actor, "rotation.exception", "rotation_exception", row.id,
                         before=same[0] if same else None, after=row, at=self._clock.now())
            uow.commit()
        return row

    def remove_exception(self, actor: Actor, exception_id: int) -> None:
        """Delete a one-off exception (the weekly rotation applies again that day)."""
        authz.require(actor, authz.Action.EDIT_ROTATIONS)
        with self._uow_factory() as uow:
            row = self._exception(uow, actor, exception_id)
            uow.rotation_exceptions.delete(exception_id)
            audit.record(uow, actor, "rotation.exception_remove", "rotation_exception", exception_id,
                         before=row, at=self._clock.now())
            uow.commit()

    @staticmethod
    def _exception(uow: UnitOfWork, actor: Actor, exception_id: int) -> RotationException:
        row = uow.rotation_exceptions.get(exception_id)
        if row is None or row.store_id != actor.store_id:
            raise NotFound(f"Rotation exception #{exception_id} does not exist.")
        return row


def _order(row: RotationAssignment) -> tuple[str, int, str]:
    return (row.rotation_type.value, row.weekday, row.employee_id)
