"""The legacy web app's schema (legacy-domain.md §1) and a realistic store's data, with the awkward cases.

``build_legacy(url, ...)`` creates the tables the legacy app had (including ones the importer must
ignore) and fills them; ``minimal=True`` builds a database from an early migration: only employees,
events and schedules, without the columns added later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    text,
)

LEGACY_KEY = Fernet.generate_key().decode()
WALMART_PASSWORD = "Pretzel$ecret-42"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _days(default: bool | None) -> list[Column[Any]]:
    return [Column(d, Boolean, default=default) for d in DAYS]


def legacy_metadata(*, minimal: bool = False) -> MetaData:
    """Table definitions as the legacy Flask models create them."""
    md = MetaData()
    emp_extra: list[Column[Any]] = [] if minimal else [
        Column("termination_date", Date), Column("mv_retail_employee_number", String(50)),
        Column("crossmark_employee_id", String(50), unique=True), Column("adult_beverage_trained", Boolean),
    ]
    Table("employees", md, Column("id", String(50), primary_key=True),
          Column("name", String(100), nullable=False), Column("email", String(120), unique=True),
          Column("phone", String(20)), Column("is_active", Boolean),
          Column("is_supervisor", Boolean), Column("job_title", String(50)), Column("created_at", DateTime),
          Column("external_id", String(100), unique=True), Column("last_synced", DateTime),
          Column("sync_status", String(20)), *emp_extra)
    ev_extra: list[Column[Any]] = [] if minimal else [
        Column("sales_tools_url", Text), Column("condition", String(20)),
        Column("parent_event_ref_num", Integer),
    ]
    Table("events", md, Column("id", Integer, primary_key=True), Column("project_name", Text, nullable=False),
          Column("project_ref_num", Integer, unique=True, nullable=False), Column("location_mvid", Text),
          Column("store_number", Integer), Column("store_name", Text),
          Column("start_datetime", DateTime, nullable=False),
          Column("due_datetime", DateTime, nullable=False), Column("estimated_time", Integer),
          Column("is_scheduled", Boolean), Column("event_type", String(20)),
          Column("external_id", String(100), unique=True), Column("last_synced", DateTime),
          Column("sync_status", String(20)), *ev_extra)
    Table("schedules", md, Column("id", Integer, primary_key=True),
          Column("event_ref_num", Integer, ForeignKey("events.project_ref_num"), nullable=False),
          Column("employee_id", String(50), ForeignKey("employees.id"), nullable=False),
          Column("schedule_datetime", DateTime, nullable=False),
          Column("external_id", String(100), unique=True),
          Column("last_synced", DateTime), Column("sync_status", String(20)))
    if minimal:
        return md

    def emp() -> ForeignKey:
        return ForeignKey("employees.id")

    Table("employee_weekly_availability", md, Column("id", Integer, primary_key=True),
          Column("employee_id", String(50), emp(), unique=True), *_days(True))
    Table("employee_availability", md, Column("id", Integer, primary_key=True),
          Column("employee_id", String(50), emp()), Column("date", Date), Column("is_available", Boolean),
          Column("reason", String(200)), UniqueConstraint("employee_id", "date"))
    Table("employee_time_off", md, Column("id", Integer, primary_key=True),
          Column("employee_id", String(50), emp()),
          Column("start_date", Date), Column("end_date", Date), Column("reason", String(200)),
          Column("created_at", DateTime))
    Table("employee_availability_overrides", md, Column("id", Integer, primary_key=True),
          Column("employee_id", String(50), emp()), Column("start_date", Date), Column("end_date", Date),
          *_days(None), Column("reason", String(500)), Column("created_at", DateTime),
          Column("created_by", String(100)), CheckConstraint("end_date >= start_date"))
    Table("rotation_assignments", md, Column("id", Integer, primary_key=True), Column("day_of_week", Integer),
          Column("rotation_type", String(20)), Column("employee_id", String(50), emp()),
          Column("created_at", DateTime), UniqueConstraint("day_of_week", "rotation_type"))
    Table("schedule_exceptions", md, Column("id", Integer, primary_key=True), Column("exception_date", Date),
          Column("rotation_type", String(20)), Column("employee_id", String(50), emp()),
          Column("reason", Text),
          Column("created_at", DateTime), UniqueConstraint("exception_date", "rotation_type"))
    Table("event_scheduling_overrides", md, Column("id", Integer, primary_key=True),
          Column("event_ref_num", Integer, unique=True), Column("allow_auto_schedule", Boolean),
          Column("override_reason", Text), Column("set_by", String(100)), Column("set_at", DateTime))
    Table("system_settings", md, Column("id", Integer, primary_key=True),
          Column("setting_key", String(100), unique=True), Column("setting_value", Text),
          Column("setting_type", String(20)), Column("description", Text), Column("updated_at", DateTime),
          Column("updated_by", String(100)))
    Table("company_holidays", md, Column("id", Integer, primary_key=True), Column("name", String(200)),
          Column("holiday_date", Date), Column("is_recurring", Boolean), Column("recurring_month", Integer),
          Column("recurring_day", Integer), Column("recurring_rule", String(200)), Column("notes", Text),
          Column("is_active", Boolean), Column("created_by", String(100)), Column("created_at", DateTime))
    Table("paperwork_templates", md, Column("id", Integer, primary_key=True),
          Column("name", String(200), unique=True), Column("description", String(500)),
          Column("file_path", String(500)), Column("category", String(20)), Column("display_order", Integer),
          Column("is_active", Boolean), Column("created_at", DateTime))
    Table("scheduler_run_history", md, Column("id", Integer, primary_key=True),
          Column("run_type", String(20)),
          Column("started_at", DateTime), Column("status", String(20)))
    Table("pending_schedules", md, Column("id", Integer, primary_key=True),
          Column("scheduler_run_id", Integer),
          Column("event_ref_num", Integer), Column("employee_id", String(50)),
          Column("schedule_datetime", DateTime), Column("status", String(20)))
    Table("user_sessions", md, Column("session_id", String(64), primary_key=True),
          Column("user_id", String(100)),
          Column("session_data", Text), Column("expires_at", DateTime))
    return md


def _employee(id_: str, name: str, title: str | None, rep: str | None, email: str | None,
              **extra: Any) -> dict[str, Any]:
    row = {"id": id_, "name": name, "job_title": title, "external_id": rep, "email": email,
           "phone": None, "is_active": True, "is_supervisor": title == "Club Supervisor",
           "created_at": datetime(2025, 1, 6, 9, 0), "mv_retail_employee_number": rep,
           "crossmark_employee_id": id_ if id_.startswith("US") else None, "adult_beverage_trained": False,
           "termination_date": None}
    row.update(extra)
    return row


EMPLOYEES = [
    _employee("US100001", "Ana Lead", "Lead Event Specialist", "150001", "ana@example.com",
              phone="317-555-0101", adult_beverage_trained=True),
    _employee("US100002", "Ben Specialist", "Event Specialist", "150002", "ben@example.com"),
    _employee("US100003", "Cara Juicer", "Juicer Barista", "150003", "cara@example.com"),
    _employee("US100004", "Dan Supervisor", "Club Supervisor", "150004", "dan@example.com"),
    _employee("EVE_OLDNAME", "Eve Oldname", None, None, None, is_active=None, is_supervisor=None,
              adult_beverage_trained=None),
    _employee("US100006", "Finn Gone", "Event Specialist", "150006", "finn@example.com", is_active=False,
              termination_date=date(2025, 9, 30)),
    _employee("US100007", "Gail Captain", "Demo Captain", "150007", "gail@example.com"),
    _employee("US100008", "Hank Typo", "event specialist", "150008", "not-an-email"),
    _employee("US100009", "   ", "Event Specialist", "150009", "blank@example.com"),
]
"""8 importable (Gail's unknown title and Hank's bad email are warnings) + 1 without a name."""


def _event(mplan: int, name: str, start: date, end: date, **extra: Any) -> dict[str, Any]:
    row = {"project_ref_num": mplan, "project_name": name, "location_mvid": "157384", "store_number": 8135,
           "store_name": "Sam's Club 8135", "start_datetime": datetime.combine(start, datetime.min.time()),
           "due_datetime": datetime.combine(end, datetime.min.time()), "estimated_time": None,
           "is_scheduled": False, "event_type": None, "condition": "Unstaffed", "external_id": str(mplan),
           "sales_tools_url": None, "sync_status": "synced"}
    row.update(extra)
    return row


EVENTS = [
    _event(31785976, "606034-CORE-Super Pretzel", date(2025, 10, 1), date(2025, 10, 8), event_type="Core",
           condition="Scheduled", is_scheduled=True,
           sales_tools_url="https://crossmark.mvretail.com/salestools/606034.pdf"),
    _event(31785977, "606034-Supervisor-Super Pretzel", date(2025, 10, 1), date(2025, 10, 8),
           event_type="Supervisor", condition="Scheduled", is_scheduled=True, estimated_time=5),
    _event(31785978, "606035-CORE-Cheese Bites", date(2025, 10, 1), date(2025, 10, 9), event_type="Core",
           condition="Unstaffed", is_scheduled=True),
    _event(31785979, "606099-Supervisor-Orphan Dip", date(2025, 10, 2), date(2025, 10, 9),
           event_type="Supervisor"),
    _event(31785980, "Juicer-Production-SPCLTY Oct", date(2025, 10, 6), date(2025, 10, 10),
           event_type="Juicer", condition="Scheduled", is_scheduled=True, estimated_time=540),
    _event(31785981, "606100-DIGITAL SETUP-Fall Signs", date(2025, 10, 6), date(2025, 10, 12),
           event_type="Digital Setup"),
    _event(31785982, "606101-CORE-Late Show", date(2025, 10, 10), date(2025, 10, 20), event_type="Core",
           is_scheduled=True),
    _event(31785983, "606102-CORE-Backwards Window", date(2025, 10, 20), date(2025, 10, 10)),
    _event(31785984, "606103-CORE-Inventory Day Demo", date(2025, 10, 14), date(2025, 10, 16),
           event_type="Core", condition="Scheduled", is_scheduled=True),
]
"""8 importable, 1 with its window backwards."""

def _schedule(id_: int, mplan: int, employee: str, at: datetime, external: str,
              status: str = "synced") -> dict[str, Any]:
    return {"id": id_, "event_ref_num": mplan, "employee_id": employee, "schedule_datetime": at,
            "external_id": external, "sync_status": status}


SCHEDULES = [
    _schedule(1, 31785976, "US100001", datetime(2025, 10, 3, 10, 45), "43898785"),
    _schedule(2, 31785977, "US100004", datetime(2025, 10, 3, 12, 0), "43898786"),
    _schedule(3, 31785978, "US100002", datetime(2025, 10, 6, 11, 15), "31785978_157384", "pending_sync"),
    _schedule(4, 31785980, "US100003", datetime(2025, 10, 7, 9, 0), "43898790"),
    _schedule(5, 31785984, "US100002", datetime(2025, 10, 15, 11, 45), "43898791"),
]
ORPHAN_SCHEDULES = [
    _schedule(6, 31785982, "US999999", datetime(2025, 10, 12, 11, 15), "43898792"),
    _schedule(7, 39999999, "US100001", datetime(2025, 10, 13, 10, 45), "43898793"),
]


def _settings(fernet: Fernet) -> list[dict[str, Any]]:
    plain = {
        "core_1_start_time": "10:45", "core_1_lunch_begin_time": "13:30", "core_1_lunch_end_time": "14:00",
        "core_1_end_time": "17:15", "core_2_start_time": "25:00", "supervisor_start_time": "12:00",
        "freeosk_start_time": "10:00", "freeosk_end_time": "10:30", "other_start_time": "11:00",
        "digital_setup_1_start_time": "10:15", "edr_username": "walmart.user@example.com",
        "edr_mfa_credential_id": "", "auto_scheduler_enabled": "true", "ai_provider": "openai",
    }
    rows = [{"setting_key": k, "setting_value": v, "setting_type": "string"} for k, v in plain.items()]
    rows.append({"setting_key": "edr_password", "setting_type": "encrypted",
                 "setting_value": fernet.encrypt(WALMART_PASSWORD.encode()).decode()})
    rows.append({"setting_key": "ai_api_key", "setting_type": "encrypted",
                 "setting_value": fernet.encrypt(b"sk-not-imported").decode()})
    return rows


def _rows(md: MetaData, engine: Engine, table: str, rows: Iterable[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for row in rows:
            conn.execute(md.tables[table].insert().values(**row))


def build_legacy(url: str, *, minimal: bool = False, orphans: bool = True) -> None:
    """Create the legacy schema at ``url`` and fill it (``orphans``: rows whose employee is gone)."""
    engine = create_engine(url)
    md = legacy_metadata(minimal=minimal)
    md.create_all(engine)
    emp_columns = set(md.tables["employees"].c.keys())
    ev_columns = set(md.tables["events"].c.keys())
    _rows(md, engine, "employees", ({k: v for k, v in e.items() if k in emp_columns} for e in EMPLOYEES))
    _rows(md, engine, "events", ({k: v for k, v in e.items() if k in ev_columns} for e in EVENTS))
    _rows(md, engine, "schedules", SCHEDULES + (ORPHAN_SCHEDULES if orphans else []))
    if not minimal:
        _fill_rest(md, engine, orphans)
    engine.dispose()


def _fill_rest(md: MetaData, engine: Engine, orphans: bool) -> None:
    week = {d: i < 5 for i, d in enumerate(DAYS)}
    _rows(md, engine, "employee_weekly_availability",
          [{"employee_id": "US100001", **week}, {"employee_id": "US100002", **dict.fromkeys(DAYS)}]
          + ([{"employee_id": "US999999", **week}] if orphans else []))
    _rows(md, engine, "employee_availability", [
        {"employee_id": "US100002", "date": date(2025, 10, 6), "is_available": False, "reason": "doctor"}])
    _rows(md, engine, "employee_availability_overrides", [
        {"employee_id": "US100001", "start_date": date(2025, 10, 1), "end_date": date(2025, 10, 31),
         "saturday": True, "reason": "Covering weekends in October", "created_by": "manager"}])
    _rows(md, engine, "employee_time_off", [
        {"employee_id": "US100002", "start_date": date(2025, 10, 10), "end_date": date(2025, 10, 12),
         "reason": "family trip"},
        {"employee_id": "US100002", "start_date": date(2025, 10, 11), "end_date": date(2025, 10, 14),
         "reason": "extended"},
        {"employee_id": "US100003", "start_date": date(2025, 10, 20), "end_date": date(2025, 10, 20)}])
    _rows(md, engine, "rotation_assignments",
          [{"day_of_week": d, "rotation_type": "juicer", "employee_id": "US100003"} for d in range(5)]
          + [{"day_of_week": 5, "rotation_type": "juicer", "employee_id": "US100002"}]
          + [{"day_of_week": d, "rotation_type": "primary_lead", "employee_id": "US100001"}
             for d in range(7)])
    _rows(md, engine, "schedule_exceptions", [
        {"exception_date": date(2025, 10, 8), "rotation_type": "primary_lead", "employee_id": "US100004",
         "reason": "Ana at training"}])
    _rows(md, engine, "event_scheduling_overrides", [
        {"event_ref_num": 31785981, "allow_auto_schedule": False, "override_reason": "vendor sets it up"}])
    _rows(md, engine, "system_settings", _settings(Fernet(LEGACY_KEY.encode())))
    _rows(md, engine, "company_holidays", [
        {"name": "Thanksgiving", "holiday_date": date(2025, 11, 27), "is_recurring": False,
         "recurring_rule": "4th Thursday of November", "is_active": True},
        {"name": "Christmas", "holiday_date": date(2025, 12, 25), "is_recurring": True, "recurring_month": 12,
         "recurring_day": 25, "is_active": True, "notes": "Club closed"},
        {"name": "Store Inventory", "holiday_date": date(2025, 10, 15), "is_recurring": False,
         "is_active": None}])
    _rows(md, engine, "paperwork_templates", [
        {"name": "Event Table Activity Log", "file_path": "Event_Table_Activity_Log.pdf", "category": "event",
         "display_order": 1, "is_active": True},
        {"name": "Daily Task Checkoff Sheet", "file_path": "Daily_Task_Checkoff_Sheet.pdf",
         "category": "event", "display_order": 2, "is_active": True},
        {"name": "Juicer Compliance Checklist", "file_path": "Juicer_Compliance_Checklist.pdf",
         "category": "daily", "display_order": None, "is_active": None},
        {"name": "Weekly Planner", "file_path": "weekly.pdf", "category": "weekly", "display_order": 4}])
    _rows(md, engine, "scheduler_run_history", [{"run_type": "manual", "status": "completed"}])
    _rows(md, engine, "pending_schedules", [{"scheduler_run_id": 1, "event_ref_num": 31785982,
                                             "employee_id": "US100002", "status": "proposed"}])
    _rows(md, engine, "user_sessions", [{"session_id": "s" * 64, "user_id": "manager", "session_data": "{}"}])


def sqlite_awkward_values(path: str) -> None:
    """Rewrite some SQLite cells the way other legacy code paths stored them (ISO 'T', aware, 't'/'f')."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE schedules SET schedule_datetime = '2025-10-07T09:00:00' WHERE id = 4"))
        conn.execute(text("UPDATE schedules SET schedule_datetime = '2025-10-15T15:45:00+00:00' "
                          "WHERE id = 5"))
        conn.execute(text("UPDATE employee_availability SET date = '2025-10-06 00:00:00.000000'"))
        conn.execute(text("UPDATE employees SET is_active = 'f' WHERE id = 'US100006'"))
    engine.dispose()
