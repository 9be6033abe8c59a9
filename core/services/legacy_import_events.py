"""Legacy events and confirmed schedules → our events and assignments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from core.model import Assignment, Condition, Event, EventType
from core.rules import detect_event_type, event_number
from core.services.legacy_import_context import ImportContext
from core.services.legacy_import_values import (
    LegacyValueError,
    as_bool,
    as_int,
    as_local_datetime,
    required_date,
    required_text,
    text,
)

Row = Mapping[str, Any]
CONDITIONS = {c.value.casefold(): c for c in Condition} | {"cancelled": Condition.CANCELED}
SCHEDULED_CONDITIONS = frozenset({Condition.SCHEDULED, Condition.STAFFED})
MVRETAIL_KEY_RE = re.compile(r"^\d+_\d+$")
"""``mPlanID_storeID``: what older legacy data wrongly stored as a schedule's Crossmark id."""


def _mplan(value: Any) -> int | None:
    try:
        return as_int(value, "mPlan id")
    except LegacyValueError:
        return None


def scheduled_mplans(ctx: ImportContext, schedules: Iterable[Row]) -> set[int]:
    """mPlan ids that have at least one legacy schedule of an importable employee."""
    out: set[int] = set()
    for row in schedules:
        mplan = _mplan(row.get("event_ref_num"))
        if mplan is not None and ctx.employee_problem(text(row.get("employee_id"))) is None:
            out.add(mplan)
    return out


def import_events(ctx: ImportContext, rows: Iterable[Row], allow_auto: Mapping[int, bool],
                  scheduled: set[int]) -> None:
    """Upsert events by mPlan id; the type is detected again by our rules."""
    ctx.events = {e.mplan_id: e for e in ctx.uow.events.list(store_id=ctx.store_id)}
    seen: set[int] = set()
    for row in rows:
        key = f"mPlan {text(row.get('project_ref_num'))}"
        try:
            mplan = as_int(row.get("project_ref_num"), "project_ref_num")
            if mplan is None:
                raise LegacyValueError("project_ref_num (mPlan id) is empty")
            desired = _event(ctx, row, mplan, ctx.events.get(mplan), allow_auto, scheduled)
        except LegacyValueError as exc:
            ctx.report.skip("events", key, str(exc))
            continue
        if mplan in seen:
            ctx.report.skip("events", key, "a second event with the same mPlan id")
            continue
        seen.add(mplan)
        ctx.events[mplan] = ctx.upsert("events", ctx.events.get(mplan), desired, ctx.uow.events.add,
                                       ctx.uow.events.update)
    _warn_unpaired_supervisors(ctx, seen)


def _event(ctx: ImportContext, row: Row, mplan: int, existing: Event | None, allow_auto: Mapping[int, bool],
           scheduled: set[int]) -> Event:
    key = f"mPlan {mplan}"
    name = required_text(row.get("project_name"), "project_name")
    start = required_date(row.get("start_datetime"), ctx.tz, "start_datetime")
    due = required_date(row.get("due_datetime"), ctx.tz, "due_datetime")
    if due < start:
        raise LegacyValueError(f"due date {due} is before the start date {start}")
    etype = detect_event_type(name)
    legacy_type = text(row.get("event_type"))
    if legacy_type is not None and legacy_type != etype.value:
        ctx.report.warn("events", key, f"legacy type {legacy_type!r} re-detected from the name as "
                        f"{etype.value}")
    minutes = as_int(row.get("estimated_time"), "estimated_time")
    fields: dict[str, Any] = {
        "name": name,
        "start_date": start,
        "due_date": due,
        "event_type": etype,
        "condition": _condition(ctx, key, row, mplan in scheduled),
        "location_mvid": text(row.get("location_mvid"), limit=50, label="location_mvid"),
        "store_number": text(row.get("store_number"), limit=20, label="store_number"),
        "store_name": text(row.get("store_name"), limit=200, label="store_name"),
        "estimated_minutes": minutes if minutes is not None and minutes > 0 else None,
        "sales_tools_url": text(row.get("sales_tools_url")),
        "allow_auto_schedule": allow_auto.get(mplan, True),
    }
    if existing is not None:
        return replace(existing, **fields)
    return Event(id=0, mplan_id=mplan, store_id=ctx.store_id, **fields)


def _condition(ctx: ImportContext, key: str, row: Row, has_schedule: bool) -> Condition:
    raw = text(row.get("condition"))
    found = CONDITIONS.get(raw.casefold()) if raw is not None else Condition.UNSTAFFED
    if found is None:
        found = Condition.SCHEDULED if has_schedule else Condition.UNSTAFFED
        ctx.report.warn("events", key, f"condition {raw!r} is not an MVRetail condition; imported as "
                        f"{found.value}")
        return found
    flagged = as_bool(row.get("is_scheduled"), has_schedule)
    if found is Condition.UNSTAFFED and has_schedule:
        ctx.report.warn("events", key, "condition Unstaffed but it has a confirmed schedule; "
                        "imported as Scheduled")
        return Condition.SCHEDULED
    if found is Condition.UNSTAFFED and flagged:
        ctx.report.warn("events", key, "marked scheduled (is_scheduled) without any schedule; "
                        "imported as Unstaffed")
    elif found in SCHEDULED_CONDITIONS and not has_schedule:
        ctx.report.warn("events", key, f"condition {found.value} but no local schedule (assign it or "
                        "run a sync)")
    return found


def _warn_unpaired_supervisors(ctx: ImportContext, imported: set[int]) -> None:
    cores = {event_number(e.name) for e in ctx.events.values() if e.event_type is EventType.CORE}
    for mplan in sorted(imported):
        ev = ctx.events[mplan]
        if ev.event_type is not EventType.SUPERVISOR:
            continue
        number = event_number(ev.name)
        if number is None:
            ctx.report.warn("events", f"mPlan {mplan}", f"Supervisor event {ev.name!r} has no 6-digit "
                            "event number: it cannot be paired with a Core event")
        elif number not in cores:
            ctx.report.warn("events", f"mPlan {mplan}", f"Supervisor event without a Core event "
                            f"(no Core named {number}-…); imported unpaired")


def import_schedules(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Confirmed schedules → assignments, matched by Crossmark id, else by (event, employee, start)."""
    mine = ctx.uow.assignments.list(store_id=ctx.store_id)
    by_external = {a.external_id: a for a in mine if a.external_id}
    by_slot = {(a.event_id, a.employee_id, a.start): a for a in mine}
    claimed: set[int] = set()
    per_event: dict[int, int] = {}
    for row in rows:
        key = f"#{text(row.get('id'))}"
        emp_id = text(row.get("employee_id"))
        problem = ctx.employee_problem(emp_id)
        mplan = _mplan(row.get("event_ref_num"))
        event = ctx.events.get(mplan) if mplan is not None else None
        if problem is None and event is None:
            problem = f"its event (mPlan {text(row.get('event_ref_num'))}) was not imported"
        if problem is not None or emp_id is None or event is None:
            ctx.report.skip("schedules", key, problem or "has no employee")
            continue
        try:
            start = as_local_datetime(row.get("schedule_datetime"), ctx.tz, "schedule_datetime")
            if start is None:
                raise LegacyValueError("schedule_datetime is empty")
            external = _external_id(ctx, key, row)
        except LegacyValueError as exc:
            ctx.report.skip("schedules", key, str(exc))
            continue
        old = by_external.get(external) if external else None
        if old is None or old.id in claimed:
            old = by_slot.get((event.id, emp_id, start))
        if old is not None and old.id in claimed:
            ctx.report.skip("schedules", key, "duplicates another schedule of the same event, employee "
                            "and time")
            continue
        desired = Assignment(
            id=old.id if old else 0, event_id=event.id, employee_id=emp_id, start=start,
            store_id=ctx.store_id, external_id=external or (old.external_id if old else None),
            sync_status=text(row.get("sync_status"), limit=20) or "synced",
        )
        stored = ctx.upsert("schedules", old, desired, ctx.uow.assignments.add, ctx.uow.assignments.update)
        by_slot[(event.id, emp_id, start)] = stored
        if stored.external_id:
            by_external[stored.external_id] = stored
        claimed.add(stored.id)
        ctx.imported_assignments.add(stored.id)
        per_event[event.id] = per_event.get(event.id, 0) + 1
        if per_event[event.id] == 2:
            ctx.report.warn("schedules", key, f"{event.name} has more than one confirmed schedule")


def _external_id(ctx: ImportContext, key: str, row: Row) -> str | None:
    external = text(row.get("external_id"), limit=100, label="external_id")
    if external is not None and MVRETAIL_KEY_RE.match(external):
        ctx.report.warn("schedules", key, f"external_id {external} is an MVRetail key, not a Crossmark "
                        "scheduled-event id; imported without it (unassigning will need a sync first)")
        return None
    return external

