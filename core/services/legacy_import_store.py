"""Legacy store-wide data → ours: company holidays, paperwork templates and settings."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from core.model import Holiday, PaperworkTemplate
from core.ports import SecretBox
from core.services.legacy_import_context import ImportContext
from core.services.legacy_import_report import Outcome
from core.services.legacy_import_values import (
    LegacyValueError,
    as_bool,
    as_int,
    required_date,
    required_text,
    text,
)
from core.services.time_settings import TIME_KEYS, parse_hhmm

Row = Mapping[str, Any]
PLAIN_CREDENTIALS = ("edr_username", "edr_mfa_credential_id")
ENCRYPTED_CREDENTIAL = "edr_password"
TEMPLATE_CATEGORIES = frozenset({"event", "daily"})


def import_holidays(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Company holidays (recurring ones keep their month/day), matched by (name, date)."""
    existing = {(h.name.casefold(), h.day): h for h in ctx.uow.holidays.list(store_id=ctx.store_id)}
    seen: set[tuple[str, date]] = set()
    for row in rows:
        key = f"{text(row.get('name'))!r} {text(row.get('holiday_date'))}"
        try:
            name = required_text(row.get("name"), "name", limit=200)
            day = required_date(row.get("holiday_date"), ctx.tz, "holiday_date")
            recurring = as_bool(row.get("is_recurring"), False)
            month = as_int(row.get("recurring_month"), "recurring_month")
            dom = as_int(row.get("recurring_day"), "recurring_day")
            _check_month_day(recurring, month, dom)
            notes = _notes(text(row.get("notes")), text(row.get("recurring_rule")))
            active = as_bool(row.get("is_active"), True)
        except LegacyValueError as exc:
            ctx.report.skip("holidays", key, str(exc))
            continue
        if (name.casefold(), day) in seen:
            ctx.report.skip("holidays", key, "a second holiday with the same name and date")
            continue
        seen.add((name.casefold(), day))
        old = existing.get((name.casefold(), day))
        desired = Holiday(id=old.id if old else 0, name=old.name if old else name, day=day,
                          store_id=ctx.store_id, is_recurring=recurring,
                          recurring_month=month if recurring else None,
                          recurring_day=dom if recurring else None, is_active=active, notes=notes)
        ctx.upsert("holidays", old, desired, ctx.uow.holidays.add, ctx.uow.holidays.update)


def _check_month_day(recurring: bool, month: int | None, day: int | None) -> None:
    if not recurring or (month is None and day is None):
        return
    if month is None or day is None or not 1 <= month <= 12:
        raise LegacyValueError(f"recurring month/day {month}/{day} is not a date")
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise LegacyValueError(f"recurring month/day {month}/{day} is not a date")


def _notes(notes: str | None, rule: str | None) -> str | None:
    if rule is None:
        return notes
    line = f"Legacy rule (not evaluated): {rule}"
    return line if notes is None else f"{notes}\n{line}"


def import_templates(ctx: ImportContext, rows: Iterable[Row]) -> None:
    """Paperwork templates by name; the file path stays relative to the legacy ``app/docs``."""
    existing = {t.name: t for t in ctx.uow.templates.list(store_id=ctx.store_id)}
    seen: set[str] = set()
    for row in rows:
        key = repr(text(row.get("name")))
        try:
            name = required_text(row.get("name"), "name", limit=200)
            path = required_text(row.get("file_path"), "file_path", limit=500)
            category = (text(row.get("category")) or "").lower()
            if category not in TEMPLATE_CATEGORIES:
                raise LegacyValueError(f"category {row.get('category')!r} is not 'event' or 'daily'")
            order = as_int(row.get("display_order"), "display_order") or 0
            active = as_bool(row.get("is_active"), True)
        except LegacyValueError as exc:
            ctx.report.skip("paperwork_templates", key, str(exc))
            continue
        if name in seen:
            ctx.report.skip("paperwork_templates", key, "a second template with the same name")
            continue
        seen.add(name)
        old = existing.get(name)
        desired = PaperworkTemplate(old.id if old else 0, name, path, category, order, active, ctx.store_id)
        ctx.upsert("paperwork_templates", old, desired, ctx.uow.templates.add, ctx.uow.templates.update)


def import_settings(ctx: ImportContext, rows: Iterable[Row], legacy_box: SecretBox | None) -> None:
    """Event times and the Walmart credentials; the password is re-encrypted with our key."""
    ignored: list[str] = []
    for row in rows:
        key = text(row.get("setting_key"))
        if key is None:
            continue
        try:
            if key in TIME_KEYS:
                _set(ctx, key, _hhmm(row.get("setting_value"), key), secret=False)
            elif key in PLAIN_CREDENTIALS:
                value = text(row.get("setting_value"))
                if value is not None:
                    _set(ctx, key, value, secret=False)
            elif key == ENCRYPTED_CREDENTIAL:
                _password(ctx, row, legacy_box)
            else:
                ignored.append(key)
        except LegacyValueError as exc:
            ctx.report.skip("settings", key, str(exc))
    if ignored:
        ctx.report.notes.append("Legacy settings not imported (not used by schedbot): "
                                + ", ".join(sorted(ignored)))


def _hhmm(value: Any, key: str) -> str:
    raw = text(value) or ""
    parsed = parse_hhmm(raw)
    if parsed is None:
        raise LegacyValueError(f"{raw!r} is not a time of day (HH:MM)")
    return parsed.strftime("%H:%M")


def _password(ctx: ImportContext, row: Row, legacy_box: SecretBox | None) -> None:
    stored = text(row.get("setting_value"))
    if stored is None:
        return
    kind = (text(row.get("setting_type")) or "encrypted").lower()
    if kind != "encrypted":
        _set(ctx, ENCRYPTED_CREDENTIAL, stored, secret=True)
        return
    if legacy_box is None:
        raise LegacyValueError("encrypted with the legacy key; pass --legacy-key to import it")
    try:
        plain = legacy_box.decrypt(stored)
    except ValueError:
        raise LegacyValueError("cannot be decrypted with the given legacy key") from None
    try:
        _set(ctx, ENCRYPTED_CREDENTIAL, plain, secret=True)
    except RuntimeError as exc:
        raise LegacyValueError(str(exc)) from None


def _set(ctx: ImportContext, key: str, value: str, *, secret: bool) -> None:
    try:
        current = ctx.uow.settings.get(ctx.store_id, key)
    except ValueError:
        current = ""
    if current == value:
        ctx.report.count("settings", Outcome.UNCHANGED)
        return
    ctx.uow.settings.set(ctx.store_id, key, value, secret=secret)
    ctx.report.count("settings", Outcome.CREATED if current is None else Outcome.UPDATED)
