"""Who is available when: availability precedence, time off, holidays, rotations."""

from __future__ import annotations

from datetime import date

from core.model import Holiday, RotationType, TimeOff
from core.rules.facts import Facts
from core.rules.violations import Code, Violation

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def availability_violation(facts: Facts, employee_id: str, day: date) -> Violation | None:
    """Precedence override > date-specific > weekly (product.md §5.5)."""
    name = facts.employees[employee_id].name if employee_id in facts.employees else employee_id
    for o in facts.overrides.get(employee_id, ()):
        if o.start_date <= day <= o.end_date:
            value = o.days[day.weekday()] if len(o.days) > day.weekday() else None
            if value is not None:
                if value:
                    return None
                why = f" ({o.reason})" if o.reason else ""
                return Violation(Code.OVERRIDE, f"{name} is not available on {WEEKDAYS[day.weekday()]}s "
                                 f"{o.start_date:%m/%d}–{o.end_date:%m/%d}{why}", overridable=True)
    rec = facts.date_availability.get((employee_id, day))
    if rec is not None:
        if rec.is_available:
            return None
        why = f" ({rec.reason})" if rec.reason else ""
        return Violation(Code.DATE_UNAVAILABLE, f"{name} is not available on {day:%a %m/%d}{why}",
                         overridable=True)
    weekly = facts.weekly.get(employee_id)
    if weekly is not None and not weekly.days[day.weekday()]:
        return Violation(Code.WEEKDAY, f"{name} does not work on {WEEKDAYS[day.weekday()]}s",
                         overridable=True)
    return None


def time_off_on(facts: Facts, employee_id: str, day: date) -> TimeOff | None:
    for t in facts.time_off.get(employee_id, ()):
        if t.start_date <= day <= t.end_date:
            return t
    return None


def holiday_on(facts: Facts, day: date) -> Holiday | None:
    for h in facts.holidays:
        if h.falls_on(day):
            return h
    return None


def rotation_employee(facts: Facts, day: date, rotation: RotationType) -> str | None:
    """R-ROT-2: a one-off exception wins over the weekly rotation."""
    exc = facts.rotation_exceptions.get((day, rotation))
    if exc is not None:
        return exc
    return facts.rotations.get((day.weekday(), rotation))


def day_blockers(facts: Facts, employee_id: str, day: date) -> list[Violation]:
    """Everything that keeps a person off work on ``day`` regardless of the event."""
    out: list[Violation] = []
    emp = facts.employees.get(employee_id)
    if emp is None:
        return [Violation(Code.UNKNOWN_EMPLOYEE, f"Unknown employee {employee_id}")]
    if not emp.is_active:
        out.append(Violation(Code.INACTIVE, f"{emp.name} is inactive"))
    elif emp.termination_date is not None and day > emp.termination_date:
        out.append(Violation(Code.TERMINATED, f"{emp.name} leaves on {emp.termination_date:%m/%d/%Y}",
                             overridable=True))
    hol = holiday_on(facts, day)
    if hol is not None:
        out.append(Violation(Code.HOLIDAY, f"Cannot schedule on {day:%m/%d/%Y} - Company Holiday: "
                             f"{hol.name}", overridable=True))
    off = time_off_on(facts, employee_id, day)
    if off is not None:
        out.append(Violation(Code.TIME_OFF, f"{emp.name} has time off {off.start_date:%m/%d}–"
                             f"{off.end_date:%m/%d}", overridable=True))
    av = availability_violation(facts, employee_id, day)
    if av is not None:
        out.append(av)
    return out
