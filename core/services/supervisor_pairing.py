"""Placing a Core's paired Supervisor event (product.md §5.3)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.model import Employee, Event, EventType, JobTitle, RotationType
from core.ports import UnitOfWork
from core.rules import (
    Code,
    Facts,
    Mode,
    PlanIndex,
    Violation,
    allowed_start_times,
    check,
    pair_key,
    rotation_employee,
)
from core.rules.validator import CLOSED_CONDITIONS

PAIR_SEARCH_DAYS = 45
"""How far around a Core's window its Supervisor event's window may lie."""


@dataclass(frozen=True)
class SupervisorPlacement:
    """Who takes the Supervisor event and when, with the warnings that placement carries."""

    employee_id: str
    start: datetime
    warnings: tuple[Violation, ...] = ()


def paired_supervisor_events(uow: UnitOfWork, core: Event) -> list[Event]:
    """Open Supervisor events sharing the Core's 6-digit event number (R-TYPE-4)."""
    key = pair_key(core)
    if core.event_type is not EventType.CORE or key is None:
        return []
    margin = timedelta(days=PAIR_SEARCH_DAYS)
    nearby = uow.events.overlapping(core.store_id, core.start_date - margin, core.due_date + margin)
    return [e for e in nearby if e.event_type is EventType.SUPERVISOR and pair_key(e) == key
            and e.id != core.id and e.condition not in CLOSED_CONDITIONS]


def supervisor_candidates(facts: Facts, day: date) -> list[str]:
    """Club Supervisors working that day (by name), then the day's Primary Lead."""
    clubs = sorted((e for e in facts.employees.values()
                    if e.job_title is JobTitle.CLUB_SUPERVISOR and e.works_on(day)),
                   key=lambda e: (e.name.casefold(), e.id))
    ids = [e.id for e in clubs]
    lead = rotation_employee(facts, day, RotationType.PRIMARY_LEAD)
    if lead is not None and lead not in ids:
        ids.append(lead)
    return ids


def place_supervisor(facts: Facts, index: PlanIndex, supervisor: Event, day: date, *,
                     ignore: Collection[int] = (),
                     eligible: Callable[[Employee], bool] = lambda e: True) -> SupervisorPlacement | None:
    """The first candidate free at the first free supervisor time of ``day``, or None.

    Several Supervisor events of one person on one day are staggered by the allowed start times
    (12:00, 12:05, …): a time that overlaps the person's other work is skipped.
    """
    for employee_id in supervisor_candidates(facts, day):
        employee = facts.employees.get(employee_id)
        if employee is None or not eligible(employee):
            continue
        for t in allowed_start_times(facts.settings, supervisor):
            start = datetime.combine(day, t)
            found = check(facts, supervisor, employee_id, start, mode=Mode.MANUAL, index=index,
                          ignore=ignore)
            blocking = [v for v in found if v.hard]
            if not blocking:
                return SupervisorPlacement(employee_id, start, tuple(found))
            if any(v.code is not Code.OVERLAP for v in blocking):
                break
    return None
