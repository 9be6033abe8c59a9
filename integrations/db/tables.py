"""Tables of the domain entities (core/model.py), one mapped class each.

Column names equal the dataclass field names so rows convert generically (see ``mappers``).
Every table carries ``store_id``; for rows whose entity has no store (availability of an employee,
proposals of a run) the repository copies it from the parent row. The bookkeeping tables live in
``ops_tables`` and are re-exported here so ``Base.metadata`` is complete after importing this module.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrations.db.base import Base, LocalDateTime, UtcDateTime, json_column_type
from integrations.db.ops_tables import (
    AuditLogRow,
    EdrCacheRow,
    JobRunRow,
    PacketPostRow,
    ProcessedSlackEventRow,
    RosterUploadRow,
    SlackInstallationRow,
    SlackOAuthStateRow,
    SyncRunRow,
    SystemSettingRow,
)

__all__ = [
    "AssignmentRow", "AuditLogRow", "AvailabilityOverrideRow", "Base", "DateAvailabilityRow",
    "EdrCacheRow", "EmployeeRow", "EventRow", "HolidayRow", "JobRunRow", "PacketPostRow",
    "PaperworkTemplateRow", "ProcessedSlackEventRow", "ProposalRow", "RemoteIntentRow", "RosterUploadRow",
    "RotationAssignmentRow", "RotationExceptionRow", "SchedulerRunRow", "SlackInstallationRow",
    "SlackLinkRow", "SlackOAuthStateRow", "StoreRow", "SyncRunRow", "SystemSettingRow",
    "TimeOffRequestRow", "TimeOffRow", "WeeklyAvailabilityRow", "metadata",
]

metadata = Base.metadata
AUTOINC = {"sqlite_autoincrement": True}


def store_fk() -> Mapped[int]:
    """The owning store of a row."""
    return mapped_column(ForeignKey("stores.id"), nullable=False, index=True)


def employee_fk(*, nullable: bool = False, on_delete: str = "CASCADE") -> Any:
    """A reference to an employee (children go with their employee)."""
    return mapped_column(String(50), ForeignKey("employees.id", ondelete=on_delete), nullable=nullable,
                         index=True)


class StoreRow(Base):
    __tablename__ = "stores"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))


class EmployeeRow(Base):
    __tablename__ = "employees"
    __table_args__ = (
        UniqueConstraint("store_id", "rep_id"),
        UniqueConstraint("store_id", "email"),
    )

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    store_id: Mapped[int] = store_fk()
    name: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(50))
    is_active: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    termination_date: Mapped[date | None] = mapped_column(Date)
    rep_id: Mapped[str | None] = mapped_column(String(50))
    crossmark_employee_id: Mapped[str | None] = mapped_column(String(50))
    mv_retail_employee_number: Mapped[str | None] = mapped_column(String(50))
    adult_beverage_trained: Mapped[bool] = mapped_column(Boolean)
    needs_review: Mapped[bool] = mapped_column(Boolean)


Index("ix_employees_store_id_lower_name", EmployeeRow.store_id, func.lower(EmployeeRow.name))


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("store_id", "mplan_id"),
        Index("ix_events_store_id_window", "store_id", "start_date", "due_date"),
        AUTOINC,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    mplan_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    event_type: Mapped[str] = mapped_column(String(20))
    condition: Mapped[str] = mapped_column(String(20))
    location_mvid: Mapped[str | None] = mapped_column(String(50))
    store_number: Mapped[str | None] = mapped_column(String(20))
    store_name: Mapped[str | None] = mapped_column(String(200))
    estimated_minutes: Mapped[int | None] = mapped_column(Integer)
    sales_tools_url: Mapped[str | None] = mapped_column(Text)
    allow_auto_schedule: Mapped[bool] = mapped_column(Boolean)
    last_synced: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AssignmentRow(Base):
    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_store_id_start", "store_id", "start"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    employee_id: Mapped[str] = mapped_column(String(50), ForeignKey("employees.id"), index=True)
    start: Mapped[datetime] = mapped_column(LocalDateTime)
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    sync_status: Mapped[str] = mapped_column(String(20))


class WeeklyAvailabilityRow(Base):
    __tablename__ = "weekly_availability"

    employee_id: Mapped[str] = mapped_column(
        String(50), ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    store_id: Mapped[int] = store_fk()
    monday: Mapped[bool] = mapped_column(Boolean)
    tuesday: Mapped[bool] = mapped_column(Boolean)
    wednesday: Mapped[bool] = mapped_column(Boolean)
    thursday: Mapped[bool] = mapped_column(Boolean)
    friday: Mapped[bool] = mapped_column(Boolean)
    saturday: Mapped[bool] = mapped_column(Boolean)
    sunday: Mapped[bool] = mapped_column(Boolean)


class DateAvailabilityRow(Base):
    __tablename__ = "date_availability"
    __table_args__ = (UniqueConstraint("employee_id", "day"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    employee_id: Mapped[str] = employee_fk()
    day: Mapped[date] = mapped_column(Date)
    is_available: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(200))


class AvailabilityOverrideRow(Base):
    __tablename__ = "availability_overrides"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    employee_id: Mapped[str] = employee_fk()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    monday: Mapped[bool | None] = mapped_column(Boolean)
    tuesday: Mapped[bool | None] = mapped_column(Boolean)
    wednesday: Mapped[bool | None] = mapped_column(Boolean)
    thursday: Mapped[bool | None] = mapped_column(Boolean)
    friday: Mapped[bool | None] = mapped_column(Boolean)
    saturday: Mapped[bool | None] = mapped_column(Boolean)
    sunday: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(100))


class TimeOffRow(Base):
    __tablename__ = "time_off"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    employee_id: Mapped[str] = employee_fk()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))


class TimeOffRequestRow(Base):
    __tablename__ = "time_off_requests"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    employee_id: Mapped[str] = employee_fk()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    time_off_id: Mapped[int | None] = mapped_column(ForeignKey("time_off.id", ondelete="SET NULL"))


class RotationAssignmentRow(Base):
    __tablename__ = "rotation_assignments"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    employee_id: Mapped[str] = employee_fk()


class RotationExceptionRow(Base):
    __tablename__ = "rotation_exceptions"
    __table_args__ = (UniqueConstraint("store_id", "day", "rotation_type"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    day: Mapped[date] = mapped_column(Date)
    rotation_type: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[str] = employee_fk()
    reason: Mapped[str | None] = mapped_column(String(500))


class HolidayRow(Base):
    __tablename__ = "company_holidays"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    name: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date, index=True)
    is_recurring: Mapped[bool] = mapped_column(Boolean)
    recurring_month: Mapped[int | None] = mapped_column(Integer)
    recurring_day: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)


class SlackLinkRow(Base):
    __tablename__ = "slack_links"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(20))
    employee_id: Mapped[str | None] = employee_fk(nullable=True, on_delete="SET NULL")
    store_id: Mapped[int] = store_fk()


class SchedulerRunRow(Base):
    __tablename__ = "scheduler_runs"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    horizon_start: Mapped[date] = mapped_column(Date)
    horizon_end: Mapped[date] = mapped_column(Date)
    options: Mapped[dict[str, Any]] = mapped_column(json_column_type())
    status: Mapped[str] = mapped_column(String(30), index=True)
    solver_status: Mapped[str | None] = mapped_column(String(30))
    gap: Mapped[float | None] = mapped_column(Float)
    wall_seconds: Mapped[float | None] = mapped_column(Float)
    counters: Mapped[dict[str, Any]] = mapped_column(json_column_type())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    run_id: Mapped[int] = mapped_column(ForeignKey("scheduler_runs.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[str | None] = employee_fk(nullable=True)
    start: Mapped[datetime | None] = mapped_column(LocalDateTime)
    status: Mapped[str] = mapped_column(String(20))
    reason_codes: Mapped[list[str]] = mapped_column(json_column_type())
    reason_text: Mapped[str | None] = mapped_column(Text)
    bumps_assignment_id: Mapped[int | None] = mapped_column(Integer)
    pair_key: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    assignment_id: Mapped[int | None] = mapped_column(Integer)


class RemoteIntentRow(Base):
    """The outbox: one Crossmark change of an approval, committed before it is made."""

    __tablename__ = "remote_intents"
    __table_args__ = (Index("ix_remote_intents_status", "store_id", "status"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(Integer)
    proposal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    assignment_id: Mapped[int | None] = mapped_column(Integer)
    employee_id: Mapped[str | None] = mapped_column(String(50))
    start: Mapped[datetime | None] = mapped_column(LocalDateTime)
    external_id: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PaperworkTemplateRow(Base):
    __tablename__ = "paperwork_templates"
    __table_args__ = (UniqueConstraint("store_id", "name"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = store_fk()
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(20))
    display_order: Mapped[int] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean)
