"""Conversion between table rows and core dataclasses.

Columns carry the dataclass field names, so one generic ``EntityMap`` converts every entity: enum
fields are stored as their values, weekday tuples as seven columns, everything else as is.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Table, and_

from core import model
from integrations.db import tables

T = TypeVar("T")

WEEKDAY_COLUMNS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _enum_fields(entity: type[Any]) -> dict[str, type[Enum]]:
    found: dict[str, type[Enum]] = {}
    for name, hint in typing.get_type_hints(entity).items():
        candidates = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, Enum):
                found[name] = candidate
    return found


@dataclass(frozen=True)
class Parent:
    """Where a row without its own store finds it: ``field`` of the entity is the parent's key."""

    field: str
    table: Table
    column: str = "id"


@dataclass
class EntityMap(Generic[T]):
    """How one dataclass maps to one table."""

    entity: type[T]
    table: Table
    key: tuple[str, ...]
    auto_id: bool = False
    parent: Parent | None = None
    weekday_field: str | None = None
    enums: dict[str, type[Enum]] = field(init=False)
    fields: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.enums = _enum_fields(self.entity)
        self.fields = tuple(f.name for f in dataclasses.fields(self.entity))  # type: ignore[arg-type]

    def to_values(self, obj: T) -> dict[str, Any]:
        """Column values of ``obj`` (without a store derived from a parent)."""
        values: dict[str, Any] = {}
        for name in self.fields:
            value = getattr(obj, name)
            if name == self.weekday_field:
                values.update(zip(WEEKDAY_COLUMNS, value, strict=True))
            elif isinstance(value, Enum):
                values[name] = value.value
            elif isinstance(value, list | dict):
                values[name] = copy.deepcopy(value)
            else:
                values[name] = value
        return values

    def from_row(self, row: Mapping[Any, Any]) -> T:
        """The dataclass of a row (``row`` is a ``RowMapping``)."""
        kwargs: dict[str, Any] = {}
        for name in self.fields:
            if name == self.weekday_field:
                kwargs[name] = tuple(row[c] for c in WEEKDAY_COLUMNS)
                continue
            value = row[name]
            enum = self.enums.get(name)
            if enum is not None and value is not None:
                value = enum(value)
            kwargs[name] = value
        return self.entity(**kwargs)

    def key_of(self, obj: T) -> tuple[Any, ...]:
        """The primary key values of ``obj``."""
        return tuple(_plain(getattr(obj, name)) for name in self.key)

    def key_clause(self, key: Any) -> ColumnElement[bool]:
        """WHERE clause selecting the row with primary key ``key`` (a tuple for composite keys)."""
        parts = key if len(self.key) > 1 else (key,)
        if len(parts) != len(self.key):
            raise TypeError(f"{self.table.name} key needs {len(self.key)} parts")
        return and_(*(self.table.c[name] == _plain(part) for name, part in zip(self.key, parts, strict=True)))

    def where_clause(self, where: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        """Equality conditions for ``list(**where)``; unknown fields raise TypeError."""
        clauses: list[ColumnElement[bool]] = []
        for name, value in where.items():
            if name not in self.fields or name == self.weekday_field:
                raise TypeError(f"{self.table.name} has no filterable field {name!r}")
            column = self.table.c[name]
            clauses.append(column.is_(None) if value is None else column == _plain(value))
        return clauses


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _map(entity: type[T], row: type[tables.Base], key: tuple[str, ...] = ("id",), **kw: Any) -> EntityMap[T]:
    return EntityMap(entity, row.__table__, key, **kw)  # type: ignore[arg-type]


def _employee_parent() -> Parent:
    return Parent("employee_id", tables.EmployeeRow.__table__)  # type: ignore[arg-type]


STORES = _map(model.Store, tables.StoreRow, auto_id=True)
EMPLOYEES = _map(model.Employee, tables.EmployeeRow)
EVENTS = _map(model.Event, tables.EventRow, auto_id=True)
ASSIGNMENTS = _map(model.Assignment, tables.AssignmentRow, auto_id=True)
WEEKLY_AVAILABILITY = _map(model.WeeklyAvailability, tables.WeeklyAvailabilityRow, ("employee_id",),
                           parent=_employee_parent(), weekday_field="days")
DATE_AVAILABILITY = _map(model.DateAvailability, tables.DateAvailabilityRow, auto_id=True,
                         parent=_employee_parent())
OVERRIDES = _map(model.AvailabilityOverride, tables.AvailabilityOverrideRow, auto_id=True,
                 parent=_employee_parent(), weekday_field="days")
TIME_OFF = _map(model.TimeOff, tables.TimeOffRow, auto_id=True)
TIME_OFF_REQUESTS = _map(model.TimeOffRequest, tables.TimeOffRequestRow, auto_id=True)
ROTATIONS = _map(model.RotationAssignment, tables.RotationAssignmentRow,
                 ("store_id", "weekday", "rotation_type"))
ROTATION_EXCEPTIONS = _map(model.RotationException, tables.RotationExceptionRow, auto_id=True)
HOLIDAYS = _map(model.Holiday, tables.HolidayRow, auto_id=True)
SLACK_LINKS = _map(model.SlackLink, tables.SlackLinkRow, ("slack_user_id",))
AUDIT = _map(model.AuditEntry, tables.AuditLogRow, auto_id=True)
RUNS = _map(model.SchedulerRun, tables.SchedulerRunRow, auto_id=True)
PROPOSALS = _map(model.Proposal, tables.ProposalRow, auto_id=True,
                 parent=Parent("run_id", tables.SchedulerRunRow.__table__))  # type: ignore[arg-type]
TEMPLATES = _map(model.PaperworkTemplate, tables.PaperworkTemplateRow, auto_id=True)
SYNC_RUNS = _map(model.SyncRun, tables.SyncRunRow, auto_id=True)
ROSTER_UPLOADS = _map(model.RosterUpload, tables.RosterUploadRow)
INTENTS = _map(model.RemoteIntent, tables.RemoteIntentRow, auto_id=True)
