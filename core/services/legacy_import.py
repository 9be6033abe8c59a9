"""Import the legacy web app's database into schedbot (product.md §6 ``import-legacy``).

One transaction, idempotent: every legacy row is mapped to our entity, compared with what is already
stored and written only when different. Rows that cannot be mapped are skipped and listed with the
reason; legacy data that breaks our hard rules is imported as it is and listed as a warning (the rules
judge the imported schedules in MANUAL mode). A dry run does the same work and rolls it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.model import DEFAULT_STORE_ID, SYSTEM_ACTOR, Actor, Store
from core.ports import SecretBox, UnitOfWork, UnitOfWorkFactory
from core.rules import Code, Facts, Mode, validate_plan
from core.services import audit, authz
from core.services.legacy_import_context import ImportContext
from core.services.legacy_import_events import import_events, import_schedules, scheduled_mplans
from core.services.legacy_import_people import (
    import_date_availability,
    import_employees,
    import_overrides,
    import_rotation_exceptions,
    import_rotations,
    import_time_off,
    import_weekly,
)
from core.services.legacy_import_report import ImportReport
from core.services.legacy_import_store import import_holidays, import_settings, import_templates
from core.services.legacy_import_values import (
    REQUIRED_TABLES,
    LegacyData,
    LegacyValueError,
    as_bool,
    as_int,
)
from core.services.time_settings import load_time_settings

__all__ = ["ImportReport", "LegacyData", "import_legacy"]

HISTORY_CODES = frozenset({Code.PAST, Code.EVENT_CLOSED})
"""Codes that every past assignment of a finished event would raise: not worth a warning."""


def import_legacy(uow_factory: UnitOfWorkFactory, data: LegacyData, *, now: datetime,
                  store_number: str | None = None, legacy_box: SecretBox | None = None,
                  dry_run: bool = False, actor: Actor = SYSTEM_ACTOR,
                  source: str = "the legacy database") -> ImportReport:
    """Import ``data`` into the store ``store_number`` (default store when None).

    ``legacy_box`` decrypts the legacy Fernet-encrypted Walmart password; without it the password is
    skipped (and reported). ``source`` names the legacy database in the report (never a password).
    Raises ``InvalidInput`` when ``data`` is not a legacy database or the store does not exist.
    """
    authz.require(actor, authz.Action.SETTINGS)
    absent = [t for t in REQUIRED_TABLES if not data.has(t)]
    if absent:
        raise InvalidInput(f"{source} does not look like the legacy schedule database: table "
                           f"{', '.join(absent)} is missing.", {"database": "not a legacy database"})
    report = ImportReport(source=source, dry_run=dry_run, missing_tables=data.missing())
    with uow_factory() as uow:
        store = _store(uow, store_number)
        ctx = ImportContext(uow, report, store.id, ZoneInfo(store.timezone))
        import_employees(ctx, data.rows("employees"))
        import_weekly(ctx, data.rows("employee_weekly_availability"))
        import_date_availability(ctx, data.rows("employee_availability"))
        import_overrides(ctx, data.rows("employee_availability_overrides"))
        import_time_off(ctx, data.rows("employee_time_off"))
        import_rotations(ctx, data.rows("rotation_assignments"))
        import_rotation_exceptions(ctx, data.rows("schedule_exceptions"))
        import_holidays(ctx, data.rows("company_holidays"))
        schedules = data.rows("schedules")
        import_events(ctx, data.rows("events"), _allow_auto(data.rows("event_scheduling_overrides")),
                      scheduled_mplans(ctx, schedules))
        import_schedules(ctx, schedules)
        import_templates(ctx, data.rows("paperwork_templates"))
        import_settings(ctx, data.rows("system_settings"), legacy_box)
        _warn_rule_breaks(ctx)
        if report.changed:
            audit.record(uow, actor, "legacy.import", "import", "legacy", at=now, store_id=store.id,
                         after={name: {"created": t.created, "updated": t.updated}
                                for name, t in report.counts.items() if t.created or t.updated})
        if not dry_run:
            uow.commit()
    return report


def _store(uow: UnitOfWork, number: str | None) -> Store:
    if number is None:
        store = uow.stores.get(DEFAULT_STORE_ID)
        if store is None:
            raise InvalidInput("The default store is missing: run `schedbot db upgrade` first.")
        return store
    found = [s for s in uow.stores.list() if s.number == number]
    if not found:
        known = ", ".join(sorted(s.number for s in uow.stores.list())) or "none"
        raise InvalidInput(f"There is no store {number} (stores: {known}).", {"store": "unknown store"})
    return found[0]


def _allow_auto(rows: Iterable[Mapping[str, Any]]) -> dict[int, bool]:
    out: dict[int, bool] = {}
    for row in rows:
        try:
            mplan = as_int(row.get("event_ref_num"), "event_ref_num")
            allowed = as_bool(row.get("allow_auto_schedule"), True)
        except LegacyValueError:
            continue
        if mplan is not None:
            out[mplan] = allowed
    return out


def _warn_rule_breaks(ctx: ImportContext) -> None:
    """Judge the imported schedules with our rules (MANUAL mode) and list every hard break."""
    if not ctx.imported_assignments:
        return
    uow, store_id, ids = ctx.uow, ctx.store_id, set(ctx.employees)
    assignments = uow.assignments.list(store_id=store_id)
    facts = Facts.build(
        today=date.min, settings=load_time_settings(uow, store_id), employees=ctx.employees.values(),
        events=ctx.events.values(), assignments=assignments,
        weekly=[w for w in uow.weekly_availability.list() if w.employee_id in ids],
        date_availability=[d for d in uow.date_availability.list() if d.employee_id in ids],
        overrides=[o for o in uow.overrides.list() if o.employee_id in ids],
        time_off=uow.time_off.list(store_id=store_id), holidays=uow.holidays.list(store_id=store_id),
        rotations=[(r.weekday, r.rotation_type, r.employee_id)
                   for r in uow.rotations.list(store_id=store_id)],
        rotation_exceptions=[(x.day, x.rotation_type, x.employee_id)
                             for x in uow.rotation_exceptions.list(store_id=store_id)],
    )
    for a, v in validate_plan(facts, assignments, mode=Mode.MANUAL, new_only=ctx.imported_assignments):
        if not v.hard or v.code in HISTORY_CODES:
            continue
        event = facts.events[a.event_id]
        ctx.report.warn("schedules", f"{event.name} / {a.employee_id} {a.start:%Y-%m-%d %H:%M}",
                        f"{v.message} (imported as it is)")
