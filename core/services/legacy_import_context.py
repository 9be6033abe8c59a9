"""State shared by the steps of one legacy import, and the compare-then-write upsert they all use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.model import Employee, Event
from core.ports import UnitOfWork
from core.services.legacy_import_report import ImportReport, Outcome

T = TypeVar("T")


@dataclass
class ImportContext:
    """One import: the unit of work, the target store and what the steps learnt so far."""

    uow: UnitOfWork
    report: ImportReport
    store_id: int
    tz: ZoneInfo
    employees: dict[str, Employee] = field(default_factory=dict)
    """Employees of the target store after the employee step (imported or already there)."""
    events: dict[int, Event] = field(default_factory=dict)
    """Events of the target store after the event step, by mPlan id."""
    legacy_employee_ids: set[str] = field(default_factory=set)
    """Every employee id the legacy ``employees`` table holds, imported or not."""
    imported_assignments: set[int] = field(default_factory=set)
    """Ids of the assignments that stand for legacy schedules (judged by our rules at the end)."""

    def employee_problem(self, employee_id: str | None) -> str | None:
        """Why rows of ``employee_id`` cannot be imported, or ``None`` when they can."""
        if employee_id is None:
            return "has no employee"
        if employee_id in self.employees:
            return None
        if employee_id in self.legacy_employee_ids:
            return f"employee {employee_id} was not imported"
        return f"employee {employee_id} no longer exists"

    def upsert(self, entity: str, existing: T | None, desired: T, add: Callable[[T], T],
               update: Callable[[T], None]) -> T:
        """Write ``desired`` only when it differs from ``existing``; count the outcome."""
        if existing is None:
            stored = add(desired)
            self.report.count(entity, Outcome.CREATED)
            return stored
        if desired == existing:
            self.report.count(entity, Outcome.UNCHANGED)
            return existing
        update(desired)
        self.report.count(entity, Outcome.UPDATED)
        return desired
