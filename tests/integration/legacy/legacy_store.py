"""A generated legacy store of any size (``build_legacy_store``): a busy team's whole legacy database.

Where ``legacy_schema`` holds a small hand-written store full of awkward cases, this one is regular and
sized by arguments — used by ``benchmarks/import_legacy.py`` (80 employees, 600 events) and by the test
that runs the auto-scheduler on imported data. Every table the importer reads is filled: people with
titles, weekly and date availability, overrides, time off, rotations and their exceptions, holidays,
events of every type (Core + Supervisor pairs sharing an event number), confirmed schedules for the
first four weeks, event-time settings, the encrypted Walmart password and paperwork templates.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import create_engine

from devtools.sandbox.catalog import FIRST_NAMES, LAST_NAMES
from tests.integration.legacy.legacy_schema import DAYS, LEGACY_KEY, WALMART_PASSWORD, legacy_metadata

Row = dict[str, Any]
CORE_SLOTS = (time(10, 45), time(11, 15), time(11, 45), time(12, 15))
SCHEDULED_DAYS = 28
"""Core pairs opening in the first four weeks get confirmed schedules; later ones are left to plan."""
EVENT_MIX = (("core", 0.35), ("juicer", 0.08), ("freeosk", 0.08), ("digital", 0.06))
"""Share of the events per kind (each Core brings its Supervisor twin); the rest are Other."""


@dataclass
class LegacyStore:
    """The rows of every legacy table, by table name."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def count(self, table: str) -> int:
        return len(self.tables[table])


def legacy_store(*, employees: int = 80, events: int = 600, first_day: date = date(2025, 10, 6),
                 days: int = 56, scheduled_days: int = SCHEDULED_DAYS, seed: int = 6) -> LegacyStore:
    """The rows of a store with ``employees`` people and ``events`` events opening over ``days`` days;
    Core pairs opening in the first ``scheduled_days`` days are confirmed."""
    if employees < 12:
        raise ValueError("a legacy store needs at least 12 employees (every title, rotations)")
    rng = random.Random(seed)
    store = LegacyStore()
    people = _employees(store, rng, employees)
    _availability(store, rng, people, first_day, days)
    _rotations(store, people, first_day)
    _holidays(store)
    _events(store, rng, events, first_day, days)
    _schedules(store, people, first_day, scheduled_days)
    _settings_and_templates(store)
    return store


def build_legacy_store(url: str, **size: Any) -> LegacyStore:
    """Create the legacy schema at ``url`` and fill it with ``legacy_store(**size)``."""
    store = legacy_store(**size)
    engine = create_engine(url)
    md = legacy_metadata()
    md.create_all(engine)
    with engine.begin() as conn:
        for name in md.tables:
            rows = store.tables[name]
            if rows:
                columns = {key for row in rows for key in row}
                conn.execute(md.tables[name].insert(), [{c: row.get(c) for c in columns} for row in rows])
    engine.dispose()
    return store


def _employees(store: LegacyStore, rng: random.Random, count: int) -> list[Row]:
    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    rows = []
    for i in range(count):
        title = ("Club Supervisor" if i == 0 else "Lead Event Specialist" if i <= 4
                 else "Juicer Barista" if i <= 8 else "Event Specialist")
        first, last = names[i]
        gone = i > 8 and i % 20 == 0
        rows.append({"id": f"US{200001 + i}", "name": f"{first} {last}", "job_title": title,
                     "email": f"{first}.{last}{i}@example.com".lower(), "phone": f"317-555-{1000 + i}",
                     "is_active": not gone, "is_supervisor": i == 0,
                     "created_at": datetime(2025, 1, 6, 9, 0), "external_id": str(160001 + i),
                     "mv_retail_employee_number": str(160001 + i), "crossmark_employee_id": f"US{200001 + i}",
                     "adult_beverage_trained": i % 3 == 0, "last_synced": None, "sync_status": "synced",
                     "termination_date": date(2025, 9, 30) if gone else None})
    store.tables["employees"] = rows
    return [r for r in rows if r["is_active"]]


def _availability(store: LegacyStore, rng: random.Random, people: list[Row], first: date, days: int) -> None:
    t = store.tables
    for n, person in enumerate(people):
        emp = person["id"]
        off = {rng.randrange(7)} if n % 2 else set()
        t["employee_weekly_availability"].append({"employee_id": emp, **{d: i not in off for i, d in
                                                                         enumerate(DAYS)}})
        if n % 4 == 1:
            t["employee_availability"].append({"employee_id": emp, "is_available": False,
                                               "reason": "appointment",
                                               "date": first + timedelta(rng.randrange(days))})
        if n % 8 == 3:
            start = first + timedelta(days=rng.randrange(days - 3))
            t["employee_time_off"].append({"employee_id": emp, "start_date": start,
                                           "end_date": start + timedelta(days=2), "reason": "trip",
                                           "created_at": datetime(2025, 9, 1, 9, 0)})
        if n % 16 == 5:
            t["employee_availability_overrides"].append(
                {"employee_id": emp, "start_date": first, "end_date": first + timedelta(days=days),
                 "saturday": True, "sunday": False, "reason": "weekend cover", "created_by": "manager",
                 "created_at": datetime(2025, 9, 1, 9, 0)})


def _rotations(store: LegacyStore, people: list[Row], first: date) -> None:
    leads = [p["id"] for p in people if p["job_title"] == "Lead Event Specialist"]
    juicers = [p["id"] for p in people if p["job_title"] == "Juicer Barista"]
    t = store.tables
    t["rotation_assignments"] = (
        [{"day_of_week": d, "rotation_type": "primary_lead", "employee_id": leads[d % len(leads)]}
         for d in range(7)]
        + [{"day_of_week": d, "rotation_type": "juicer", "employee_id": juicers[d % len(juicers)]}
           for d in range(6)])
    t["schedule_exceptions"] = [
        {"exception_date": first + timedelta(days=7 * k + 2), "rotation_type": "primary_lead",
         "employee_id": leads[(k + 1) % len(leads)], "reason": "training"} for k in range(4)]


def _holidays(store: LegacyStore) -> None:
    store.tables["company_holidays"] = [
        {"name": "Thanksgiving", "holiday_date": date(2025, 11, 27), "is_recurring": False,
         "is_active": True},
        {"name": "Christmas", "holiday_date": date(2025, 12, 25), "is_recurring": True, "recurring_month": 12,
         "recurring_day": 25, "is_active": True, "notes": "Club closed"},
        {"name": "New Year", "holiday_date": date(2026, 1, 1), "is_recurring": True, "recurring_month": 1,
         "recurring_day": 1, "is_active": True}]


def _event(mplan: int, name: str, start: date, length: int, **extra: Any) -> Row:
    row = {"project_ref_num": mplan, "project_name": name, "location_mvid": "157384", "store_number": 8135,
           "store_name": "Sam's Club 8135", "start_datetime": datetime.combine(start, time.min),
           "due_datetime": datetime.combine(start + timedelta(days=length), time.min), "estimated_time": None,
           "is_scheduled": False, "event_type": None, "condition": "Unstaffed", "external_id": str(mplan),
           "sales_tools_url": None, "sync_status": "synced", "parent_event_ref_num": None}
    row.update(extra)
    return row


def _events(store: LegacyStore, rng: random.Random, count: int, first: date, days: int) -> None:
    rows: list[Row] = []
    mplan, number = 32000001, 610000

    def add(name: str, start: date, length: int, **extra: Any) -> None:
        nonlocal mplan
        rows.append(_event(mplan, name, start, length, **extra))
        mplan += 1

    for kind, share in EVENT_MIX:
        many = round(count * share) // (2 if kind == "core" else 1)
        for k in range(many):
            number += 1
            spread = (k * days // many + rng.randrange(3)) % days
            start, length = first + timedelta(days=spread), rng.randint(3, 7)
            if kind == "core":
                add(f"{number}-CORE-Product {k:03d}", start, length, event_type="Core",
                    sales_tools_url=f"https://crossmark.mvretail.com/salestools/{number}.pdf")
                add(f"{number}-Supervisor-Product {k:03d}", start, length, event_type="Supervisor",
                    estimated_time=5)
            elif kind == "juicer":
                add(f"{number}-JUICER-PRODUCTION-SPCLTY {k:03d}", start, 1, event_type="Juicer",
                    estimated_time=540)
            elif kind == "freeosk":
                add(f"{number}-FREEOSK-Kiosk {k:03d}", start, length, event_type="Freeosk")
            else:
                phase = ("SETUP", "REFRESH", "TEARDOWN")[k % 3]
                add(f"{number}-DIGITAL {phase}-Signs {k:03d}", start, 2, event_type="Digital Setup")
    while len(rows) < count:
        number += 1
        add(f"{number}-Club Reset Support {len(rows):03d}", first + timedelta(days=rng.randrange(days)), 4,
            event_type="Other")
    store.tables["events"] = rows
    store.tables["event_scheduling_overrides"] = [
        {"event_ref_num": r["project_ref_num"], "allow_auto_schedule": False,
         "override_reason": "vendor sets it up", "set_by": "manager"}
        for r in rows if "DIGITAL" in r["project_name"]][:5]


def _schedules(store: LegacyStore, people: list[Row], first: date, scheduled_days: int) -> None:
    """Confirm the Core + Supervisor pairs opening in the first weeks, one Core per person a day."""
    specialists = [p for p in people if p["job_title"] in ("Event Specialist", "Lead Event Specialist")]
    weekly = {w["employee_id"]: w for w in store.tables["employee_weekly_availability"]}
    supervisor = next(p["id"] for p in people if p["job_title"] == "Club Supervisor")
    events = store.tables["events"]
    twins = {e["project_name"].split("-")[0]: e for e in events if "-Supervisor-" in e["project_name"]}
    busy: dict[date, set[str]] = defaultdict(set)
    slots: dict[date, int] = defaultdict(int)
    turn = 0
    for event in events:
        day = event["start_datetime"].date()
        if "-CORE-" not in event["project_name"] or day >= first + timedelta(days=scheduled_days):
            continue
        if slots[day] >= len(CORE_SLOTS) or day.weekday() == 6:
            continue
        for _ in range(len(specialists)):
            person = specialists[turn % len(specialists)]
            turn += 1
            if person["id"] not in busy[day] and weekly[person["id"]][DAYS[day.weekday()]]:
                break
        else:
            continue
        busy[day].add(person["id"])
        twin = twins[event["project_name"].split("-")[0]]
        core_at = datetime.combine(day, CORE_SLOTS[slots[day]])
        supervisor_at = datetime.combine(day, time(12, 0)) + timedelta(minutes=5 * slots[day])
        slots[day] += 1
        for row, emp, at in ((event, person["id"], core_at), (twin, supervisor, supervisor_at)):
            row.update(condition="Scheduled", is_scheduled=True)
            n = len(store.tables["schedules"]) + 1
            store.tables["schedules"].append(
                {"id": n, "event_ref_num": row["project_ref_num"], "employee_id": emp,
                 "schedule_datetime": at, "external_id": str(45000000 + n), "sync_status": "synced",
                 "last_synced": None})


def _settings_and_templates(store: LegacyStore) -> None:
    slots = (("10:45", "13:30", "14:00", "17:15"), ("11:15", "14:15", "14:45", "17:45"),
             ("11:45", "14:45", "15:15", "18:15"), ("12:15", "15:45", "16:15", "18:45"))
    times = {f"core_{i}_{part}_time": value for i, slot in enumerate(slots, 1)
             for part, value in zip(("start", "lunch_begin", "lunch_end", "end"), slot, strict=True)}
    times |= {"supervisor_start_time": "12:00", "freeosk_start_time": "10:00", "other_start_time": "11:00",
              "digital_setup_1_start_time": "10:15", "edr_username": "walmart.user@example.com",
              "auto_scheduler_enabled": "true"}
    rows = [{"setting_key": k, "setting_value": v, "setting_type": "string"} for k, v in times.items()]
    secret = Fernet(LEGACY_KEY.encode()).encrypt(WALMART_PASSWORD.encode()).decode()
    rows.append({"setting_key": "edr_password", "setting_value": secret, "setting_type": "encrypted"})
    store.tables["system_settings"] = rows
    store.tables["paperwork_templates"] = [
        {"name": "Event Table Activity Log", "file_path": "Event_Table_Activity_Log.pdf", "category": "event",
         "display_order": 1, "is_active": True},
        {"name": "Daily Task Checkoff Sheet", "file_path": "Daily_Task_Checkoff_Sheet.pdf",
         "category": "event", "display_order": 2, "is_active": True},
        {"name": "Juicer Compliance Checklist", "file_path": "Juicer_Compliance_Checklist.pdf",
         "category": "daily", "display_order": 3, "is_active": True}]
