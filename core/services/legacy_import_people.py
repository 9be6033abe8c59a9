"""Legacy people data → ours: employees, availability, time off, rotations and their exceptions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from core.model import (
    AvailabilityOverride,
    DateAvailability,
    Employee,
    JobTitle,
    RotationAssignment,
    RotationException,
    RotationType,
    TimeOff,
    WeeklyAvailability,
)
from core.services.legacy_import_context import ImportContext
from core.services.legacy_import_values import (
    LegacyValueError,
    as_bool,
    as_date,
    as_int,
    as_optional_bool,
    required_date,
    required_text,
    text,
)

Row = Mapping[str, Any]
WEEKDAY_COLUMNS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TITLES = {t.value.casefold(): t for t in JobTitle}
ROTATION_TITLES = {
    RotationType.JUICER: (JobTitle.JUICER_BARISTA,),
    RotationType.PRIMARY_LEAD: (JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR),
}


class _Owners:
    """Who holds each unique value (RepID, email) in the target store while the import runs."""

    def __init__(self, employees: Iterable[Employee]) -> None:
        self.rep: dict[str, str] = {}
        self.email: dict[str, str] = {}
        for e in employees:
            self.claim(e)

    def claim(self, e: Employee) -> None:
        """Record ``e`` as the holder of its RepID and email."""
        if e.rep_id:
            self.rep[e.rep_id] = e.id
        if e.email:
            self.email[e.email.casefold()] = e.id

    def release(self, e: Employee) -> None:
        """Forget ``e`` 's RepID and email (before it takes new ones)."""
        if e.rep_id and self.rep.get(e.rep_id) == e.id:
            del self.rep[e.rep_id]
        if e.email and self.email.get(e.email.casefold()) == e.id:
            del self.email[e.email.casefold()]


def import_employees(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Upsert employees by id, keeping RepIDs and emails unique in the store."""
    everyone = {e.id: e for e in ctx.uow.employees.list()}
    ctx.employees = {k: e for k, e in everyone.items() if e.store_id == ctx.store_id}
    owners = _Owners(ctx.employees.values())
    rows = list(rows)
    ctx.legacy_employee_ids = {i for i in (text(r.get("id")) for r in rows) if i is not None}
    for row in rows:
        key = text(row.get("id")) or "(no id)"
        existing = everyone.get(key)
        if existing is not None and existing.store_id != ctx.store_id:
            ctx.report.skip("employees", key, f"the id belongs to an employee of store {existing.store_id}")
            continue
        try:
            desired = _employee(ctx, row, existing, owners)
        except LegacyValueError as exc:
            ctx.report.skip("employees", key, str(exc))
            continue
        if existing is not None:
            owners.release(existing)
        owners.claim(desired)
        ctx.employees[desired.id] = ctx.upsert("employees", existing, desired, ctx.uow.employees.add,
                                               ctx.uow.employees.update)


def _employee(ctx: ImportContext, row: Row, existing: Employee | None, owners: _Owners) -> Employee:
    emp_id = required_text(row.get("id"), "id", limit=50)
    title, review = _title(ctx, emp_id, text(row.get("job_title")))
    email = text(row.get("email"), limit=120, label="email")
    if email is not None and not EMAIL_RE.match(email):
        ctx.report.warn("employees", emp_id, f"email {email!r} is not an email address; left empty")
        email = None
    if email is not None and owners.email.get(email.casefold(), emp_id) != emp_id:
        ctx.report.warn("employees", emp_id, f"email {email} already belongs to employee "
                        f"{owners.email[email.casefold()]}; left as it was")
        email = existing.email if existing else None
    rep_id = text(row.get("external_id"), limit=50, label="external_id (RepID)")
    if rep_id is not None and owners.rep.get(rep_id, emp_id) != emp_id:
        ctx.report.warn("employees", emp_id, f"RepID {rep_id} already belongs to employee "
                        f"{owners.rep[rep_id]}; left as it was")
        rep_id = existing.rep_id if existing else None
    fields: dict[str, Any] = {
        "name": required_text(row.get("name"), "name", limit=100),
        "job_title": title,
        "is_active": as_bool(row.get("is_active"), True),
        "email": email,
        "phone": text(row.get("phone"), limit=20, label="phone"),
        "termination_date": as_date(row.get("termination_date"), ctx.tz, "termination_date"),
        "rep_id": rep_id,
        "crossmark_employee_id": text(row.get("crossmark_employee_id"), limit=50),
        "mv_retail_employee_number": text(row.get("mv_retail_employee_number"), limit=50),
        "adult_beverage_trained": as_bool(row.get("adult_beverage_trained"), False),
    }
    if existing is not None:
        return replace(existing, **fields, needs_review=existing.needs_review or review)
    return Employee(id=emp_id, store_id=ctx.store_id, needs_review=review, **fields)


def _title(ctx: ImportContext, emp_id: str, raw: str | None) -> tuple[JobTitle, bool]:
    if raw is None:
        return JobTitle.EVENT_SPECIALIST, False
    found = TITLES.get(raw.casefold())
    if found is not None:
        return found, False
    valid = ", ".join(t.value for t in JobTitle)
    ctx.report.warn("employees", emp_id, f"job title {raw!r} is not one of {valid}; imported as "
                    f"{JobTitle.EVENT_SPECIALIST.value}, marked for review")
    return JobTitle.EVENT_SPECIALIST, True


def _employee_id(ctx: ImportContext, entity: str, key: str, row: Row) -> str | None:
    emp_id = text(row.get("employee_id"))
    problem = ctx.employee_problem(emp_id)
    if problem is not None:
        ctx.report.skip(entity, key, problem)
        return None
    return emp_id


def import_weekly(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """One weekly availability per employee; a NULL weekday means available (the legacy default)."""
    existing = {w.employee_id: w for w in ctx.uow.weekly_availability.list()
                if w.employee_id in ctx.employees}
    seen: set[str] = set()
    for row in rows:
        key = text(row.get("employee_id")) or "(no employee)"
        emp_id = _employee_id(ctx, "weekly_availability", key, row)
        if emp_id is None:
            continue
        if emp_id in seen:
            ctx.report.skip("weekly_availability", key, "a second weekly availability of this employee")
            continue
        seen.add(emp_id)
        try:
            days = tuple(as_bool(row.get(c), True) for c in WEEKDAY_COLUMNS)
        except LegacyValueError as exc:
            ctx.report.skip("weekly_availability", key, str(exc))
            continue
        desired = WeeklyAvailability(emp_id, days)  # type: ignore[arg-type]
        old = existing.get(emp_id)
        ctx.upsert("weekly_availability", _normal_weekly(old), desired,
                   ctx.uow.weekly_availability.add, ctx.uow.weekly_availability.update)


def _normal_weekly(w: WeeklyAvailability | None) -> WeeklyAvailability | None:
    return None if w is None else WeeklyAvailability(w.employee_id, tuple(w.days))  # type: ignore[arg-type]


def import_date_availability(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Date-specific availability, one per (employee, date)."""
    existing = {(d.employee_id, d.day): d for d in ctx.uow.date_availability.list()
                if d.employee_id in ctx.employees}
    seen: set[tuple[str, date]] = set()
    for row in rows:
        key = f"{text(row.get('employee_id'))} {text(row.get('date'))}"
        emp_id = _employee_id(ctx, "date_availability", key, row)
        if emp_id is None:
            continue
        try:
            day = required_date(row.get("date"), ctx.tz, "date")
            reason = text(row.get("reason"), limit=200, label="reason")
            available = as_bool(row.get("is_available"), True)
        except LegacyValueError as exc:
            ctx.report.skip("date_availability", key, str(exc))
            continue
        if (emp_id, day) in seen:
            ctx.report.skip("date_availability", key, "a second availability for the same date")
            continue
        seen.add((emp_id, day))
        old = existing.get((emp_id, day))
        desired = DateAvailability(old.id if old else 0, emp_id, day, available, reason)
        ctx.upsert("date_availability", old, desired, ctx.uow.date_availability.add,
                   ctx.uow.date_availability.update)


def import_overrides(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Temporary availability overrides, matched by (employee, start, end)."""
    existing = {(o.employee_id, o.start_date, o.end_date): o for o in ctx.uow.overrides.list()
                if o.employee_id in ctx.employees}
    seen: set[tuple[str, date, date]] = set()
    for row in rows:
        key = f"#{text(row.get('id'))}"
        emp_id = _employee_id(ctx, "availability_overrides", key, row)
        if emp_id is None:
            continue
        try:
            start = required_date(row.get("start_date"), ctx.tz, "start_date")
            end = required_date(row.get("end_date"), ctx.tz, "end_date")
            days = tuple(as_optional_bool(row.get(c)) for c in WEEKDAY_COLUMNS)
            reason = text(row.get("reason"), limit=500, label="reason")
            created_by = text(row.get("created_by"), limit=100, label="created_by")
        except LegacyValueError as exc:
            ctx.report.skip("availability_overrides", key, str(exc))
            continue
        if end < start:
            ctx.report.skip("availability_overrides", key, f"ends ({end}) before it starts ({start})")
            continue
        if (emp_id, start, end) in seen:
            ctx.report.skip("availability_overrides", key, "duplicates another override of the same dates")
            continue
        seen.add((emp_id, start, end))
        old = existing.get((emp_id, start, end))
        desired = AvailabilityOverride(old.id if old else 0, emp_id, start, end, days, reason, created_by)
        ctx.upsert("availability_overrides", _normal_override(old), desired, ctx.uow.overrides.add,
                   ctx.uow.overrides.update)


def _normal_override(o: AvailabilityOverride | None) -> AvailabilityOverride | None:
    return None if o is None else replace(o, days=tuple(o.days))


def import_time_off(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Time off, matched by (employee, start, end); a range overlapping an earlier one is skipped."""
    mine = [t for t in ctx.uow.time_off.list(store_id=ctx.store_id) if t.employee_id in ctx.employees]
    existing = {(t.employee_id, t.start_date, t.end_date): t for t in mine}
    taken: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for t in mine:
        taken[t.employee_id].append((t.start_date, t.end_date))
    seen: set[tuple[str, date, date]] = set()
    for row in rows:
        key = f"#{text(row.get('id'))}"
        emp_id = _employee_id(ctx, "time_off", key, row)
        if emp_id is None:
            continue
        try:
            start = required_date(row.get("start_date"), ctx.tz, "start_date")
            end = required_date(row.get("end_date"), ctx.tz, "end_date")
            reason = text(row.get("reason"), limit=200, label="reason")
        except LegacyValueError as exc:
            ctx.report.skip("time_off", key, str(exc))
            continue
        if end < start:
            ctx.report.skip("time_off", key, f"ends ({end}) before it starts ({start})")
            continue
        old = existing.get((emp_id, start, end))
        if old is None or (emp_id, start, end) in seen:
            clash = next(((s, e) for s, e in taken[emp_id] if s <= end and start <= e), None)
            if clash is not None:
                ctx.report.skip("time_off", key, f"{emp_id} {start}–{end} overlaps their time off "
                                f"{clash[0]}–{clash[1]}")
                continue
            taken[emp_id].append((start, end))
        seen.add((emp_id, start, end))
        desired = TimeOff(old.id if old else 0, emp_id, start, end, reason, ctx.store_id)
        ctx.upsert("time_off", old, desired, ctx.uow.time_off.add, ctx.uow.time_off.update)


def _rotation_type(value: Any) -> RotationType:
    cleaned = (text(value) or "").lower()
    try:
        return RotationType(cleaned)
    except ValueError:
        raise LegacyValueError(f"rotation type {value!r} is not juicer or primary_lead") from None


def _check_rotation_person(ctx: ImportContext, entity: str, key: str, emp_id: str,
                           rtype: RotationType) -> None:
    emp = ctx.employees[emp_id]
    if emp.job_title not in ROTATION_TITLES[rtype]:
        wanted = " or ".join(t.value for t in ROTATION_TITLES[rtype])
        ctx.report.warn(entity, key, f"{emp.name} ({emp.job_title.value}) is not a {wanted}; "
                        "imported as it is")
    if not emp.is_active:
        ctx.report.warn(entity, key, f"{emp.name} is inactive; imported as it is")


def import_rotations(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """The standing weekly rotation, one employee per (weekday, type)."""
    existing = {(r.weekday, r.rotation_type): r for r in ctx.uow.rotations.list(store_id=ctx.store_id)}
    seen: set[tuple[int, RotationType]] = set()
    for row in rows:
        key = f"{text(row.get('rotation_type'))} day {text(row.get('day_of_week'))}"
        emp_id = _employee_id(ctx, "rotations", key, row)
        if emp_id is None:
            continue
        try:
            weekday = as_int(row.get("day_of_week"), "day_of_week")
            rtype = _rotation_type(row.get("rotation_type"))
        except LegacyValueError as exc:
            ctx.report.skip("rotations", key, str(exc))
            continue
        if weekday is None or not 0 <= weekday <= 6:
            ctx.report.skip("rotations", key, f"day_of_week {weekday} is not 0 (Monday) to 6 (Sunday)")
            continue
        if (weekday, rtype) in seen:
            ctx.report.skip("rotations", key, "a second rotation for the same weekday and type")
            continue
        seen.add((weekday, rtype))
        _check_rotation_person(ctx, "rotations", key, emp_id, rtype)
        desired = RotationAssignment(weekday, rtype, emp_id, ctx.store_id)
        ctx.upsert("rotations", existing.get((weekday, rtype)), desired, ctx.uow.rotations.add,
                   ctx.uow.rotations.update)


def import_rotation_exceptions(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """One-off rotation replacements, one per (date, type)."""
    existing = {(x.day, x.rotation_type): x for x in ctx.uow.rotation_exceptions.list(store_id=ctx.store_id)}
    seen: set[tuple[date, RotationType]] = set()
    for row in rows:
        key = f"{text(row.get('rotation_type'))} {text(row.get('exception_date'))}"
        emp_id = _employee_id(ctx, "rotation_exceptions", key, row)
        if emp_id is None:
            continue
        try:
            day = required_date(row.get("exception_date"), ctx.tz, "exception_date")
            rtype = _rotation_type(row.get("rotation_type"))
            reason = text(row.get("reason"), limit=500, label="reason")
        except LegacyValueError as exc:
            ctx.report.skip("rotation_exceptions", key, str(exc))
            continue
        if (day, rtype) in seen:
            ctx.report.skip("rotation_exceptions", key, "a second exception for the same date and type")
            continue
        seen.add((day, rtype))
        _check_rotation_person(ctx, "rotation_exceptions", key, emp_id, rtype)
        old = existing.get((day, rtype))
        desired = RotationException(old.id if old else 0, day, rtype, emp_id, reason, ctx.store_id)
        ctx.upsert("rotation_exceptions", old, desired, ctx.uow.rotation_exceptions.add,
                   ctx.uow.rotation_exceptions.update)
