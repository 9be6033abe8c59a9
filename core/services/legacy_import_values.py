"""The legacy database as plain data, and tolerant conversion of its column values.

The legacy web app ran on SQLite and on PostgreSQL through several migrations, so one column may hold
a ``datetime`` (PostgreSQL), an ISO string (SQLite), a naive or an aware value, ``1``/``0`` or
``'true'`` for booleans, or ``NULL`` where the legacy code allowed it. Every converter here accepts all
of those and raises ``LegacyValueError`` with a human reason for anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

LEGACY_TABLES: tuple[str, ...] = (
    "employees",
    "employee_weekly_availability",
    "employee_availability",
    "employee_availability_overrides",
    "employee_time_off",
    "rotation_assignments",
    "schedule_exceptions",
    "company_holidays",
    "events",
    "event_scheduling_overrides",
    "schedules",
    "system_settings",
    "paperwork_templates",
)
"""Every legacy table the importer reads (legacy-domain.md §1); all but ``employees`` are optional."""

REQUIRED_TABLES: tuple[str, ...] = ("employees",)

_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


class LegacyValueError(ValueError):
    """A legacy value that cannot be mapped; ``str(err)`` is the reason shown in the report."""


@dataclass(frozen=True)
class LegacyTable:
    """One legacy table as read: its column names and its rows (column name → raw value)."""

    name: str
    columns: frozenset[str]
    rows: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class LegacyData:
    """Whatever legacy tables exist, read without interpretation."""

    tables: Mapping[str, LegacyTable] = field(default_factory=dict)

    def has(self, table: str) -> bool:
        """True when the legacy database has ``table``."""
        return table in self.tables

    def rows(self, table: str) -> tuple[Mapping[str, Any], ...]:
        """The rows of ``table``; none when the table is missing."""
        found = self.tables.get(table)
        return found.rows if found is not None else ()

    def missing(self) -> list[str]:
        """Known legacy tables that this database does not have."""
        return [t for t in LEGACY_TABLES if t not in self.tables]


def text(value: Any, *, limit: int | None = None, label: str = "value") -> str | None:
    """A stripped string, ``None`` for NULL or blank; longer than ``limit`` is an error."""
    if value is None:
        return None
    out = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    out = out.strip()
    if not out:
        return None
    if limit is not None and len(out) > limit:
        raise LegacyValueError(f"{label} is longer than {limit} characters")
    return out


def required_text(value: Any, label: str, *, limit: int | None = None) -> str:
    """Like ``text`` but NULL or blank is an error naming ``label``."""
    out = text(value, limit=limit, label=label)
    if out is None:
        raise LegacyValueError(f"{label} is empty")
    return out


def as_bool(value: Any, default: bool) -> bool:
    """A boolean from bool, 0/1 or text; NULL gives ``default``."""
    found = as_optional_bool(value)
    return default if found is None else found


def as_optional_bool(value: Any) -> bool | None:
    """A boolean, or ``None`` for NULL (the nullable weekday columns of overrides)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    cleaned = str(value).strip().lower()
    if cleaned == "":
        return None
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise LegacyValueError(f"{value!r} is not a boolean")


def as_int(value: Any, label: str = "value") -> int | None:
    """An integer from int or text; NULL or blank gives ``None``."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    cleaned = str(value).strip()
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        try:
            number = float(cleaned)
        except ValueError:
            raise LegacyValueError(f"{label} {value!r} is not a number") from None
        if not number.is_integer():
            raise LegacyValueError(f"{label} {value!r} is not a whole number") from None
        return int(number)


def _parse_datetime(value: str, label: str) -> datetime:
    cleaned = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        pass
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"):
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise LegacyValueError(f"{label} {value!r} is not a date/time")


def as_local_datetime(value: Any, tz: ZoneInfo, label: str = "date/time") -> datetime | None:
    """A naive store-local wall-clock datetime: naive values are already local, aware ones convert."""
    if value is None:
        return None
    if isinstance(value, datetime):
        found = value
    elif isinstance(value, date):
        found = datetime.combine(value, time())
    else:
        if not str(value).strip():
            return None
        found = _parse_datetime(str(value), label)
    if found.tzinfo is not None:
        found = found.astimezone(tz).replace(tzinfo=None)
    return found


def as_date(value: Any, tz: ZoneInfo, label: str = "date") -> date | None:
    """A store-local calendar date from a date, a datetime or text."""
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    found = as_local_datetime(value, tz, label)
    return found.date() if found is not None else None


def required_date(value: Any, tz: ZoneInfo, label: str) -> date:
    """Like ``as_date`` but NULL is an error naming ``label``."""
    found = as_date(value, tz, label)
    if found is None:
        raise LegacyValueError(f"{label} is empty")
    return found

