"""Legacy import field mapping and reporting, read from a real legacy SQLite file into the fake UoW."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.errors import InvalidInput, PermissionDenied
from core.model import (
    Actor,
    Condition,
    Employee,
    EventType,
    JobTitle,
    Role,
    RotationType,
    Store,
)
from core.services.legacy_import import ImportReport, import_legacy
from core.services.legacy_import_report import Severity
from integrations.crypto import FernetSecretBox, generate_key
from integrations.legacy.reader import read_legacy
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory
from tests.integration.legacy.legacy_schema import WALMART_PASSWORD, build_legacy

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
Run = Callable[..., ImportReport]


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def run(db: FakeDatabase, legacy_url: str, legacy_box: FernetSecretBox) -> Run:
    def go(**kwargs: object) -> ImportReport:
        options: dict[str, object] = {"legacy_box": legacy_box, "source": "legacy.db"}
        options.update(kwargs)
        return import_legacy(fake_uow_factory(db), read_legacy(legacy_url), now=NOW, **options)  # type: ignore[arg-type]
    return go


def reasons(report: ImportReport, entity: str, severity: Severity) -> list[str]:
    return [i.reason for i in report.issues if i.entity == entity and i.severity is severity]


def test_every_legacy_entity_is_counted_created_or_skipped(run: Run) -> None:
    report = run()
    expected = {
        "employees": (8, 1), "weekly_availability": (2, 1), "date_availability": (1, 0),
        "availability_overrides": (1, 0), "time_off": (2, 1), "rotations": (13, 0),
        "rotation_exceptions": (1, 0), "holidays": (3, 0), "events": (8, 1), "schedules": (5, 2),
        "settings": (10, 1), "paperwork_templates": (3, 1),
    }
    assert {k: (t.created, t.skipped) for k, t in report.counts.items()} == expected
    assert all(t.updated == 0 and t.unchanged == 0 for t in report.counts.values())
    assert "Import committed." in report.render()


def test_employees_keep_ids_titles_status_rep_ids_and_crossmark_ids(run: Run, db: FakeDatabase) -> None:
    run()
    with FakeUnitOfWork(db) as uow:
        ana = uow.employees.get("US100001")
        eve = uow.employees.get("EVE_OLDNAME")
        finn = uow.employees.get("US100006")
        hank = uow.employees.get("US100008")
    assert ana == Employee(id="US100001", name="Ana Lead", job_title=JobTitle.LEAD, email="ana@example.com",
                           phone="317-555-0101", rep_id="150001", crossmark_employee_id="US100001",
                           mv_retail_employee_number="150001", adult_beverage_trained=True)
    assert eve is not None and (eve.job_title, eve.is_active, eve.rep_id, eve.email) == (
        JobTitle.EVENT_SPECIALIST, True, None, None)
    assert finn is not None and (finn.is_active, finn.termination_date) == (False, date(2025, 9, 30))
    assert hank is not None and (hank.job_title, hank.email) == (JobTitle.EVENT_SPECIALIST, None)


def test_unknown_job_title_is_imported_for_review_and_listed(run: Run, db: FakeDatabase) -> None:
    report = run()
    with FakeUnitOfWork(db) as uow:
        gail = uow.employees.get("US100007")
    assert gail is not None and gail.job_title is JobTitle.EVENT_SPECIALIST and gail.needs_review
    assert any("'Demo Captain'" in r and "Lead Event Specialist" in r
               for r in reasons(report, "employees", Severity.WARNING))


def test_events_keep_mplan_window_and_details_and_type_is_detected_again(run: Run, db: FakeDatabase) -> None:
    run()
    with FakeUnitOfWork(db) as uow:
        core = uow.events.by_mplan(1, 31785976)
        digital = uow.events.by_mplan(1, 31785981)
        supervisor = uow.events.by_mplan(1, 31785977)
    assert core is not None and digital is not None and supervisor is not None
    assert (core.name, core.start_date, core.due_date) == ("606034-CORE-Super Pretzel", date(2025, 10, 1),
                                                           date(2025, 10, 8))
    assert (core.event_type, core.condition, core.location_mvid, core.store_number) == (
        EventType.CORE, Condition.SCHEDULED, "157384", "8135")
    assert core.sales_tools_url == "https://crossmark.mvretail.com/salestools/606034.pdf"
    assert (supervisor.event_type, supervisor.estimated_minutes) == (EventType.SUPERVISOR, 5)
    assert (digital.event_type, digital.allow_auto_schedule) == (EventType.DIGITALS, False)


def test_schedules_become_assignments_at_store_local_times_with_crossmark_ids(
        run: Run, db: FakeDatabase) -> None:
    run()
    with FakeUnitOfWork(db) as uow:
        events = {e.id: e.mplan_id for e in uow.events.list()}
        got = sorted((events[a.event_id], a.employee_id, a.start, a.external_id)
                     for a in uow.assignments.list())
    assert got == [
        (31785976, "US100001", datetime(2025, 10, 3, 10, 45), "43898785"),
        (31785977, "US100004", datetime(2025, 10, 3, 12, 0), "43898786"),
        (31785978, "US100002", datetime(2025, 10, 6, 11, 15), None),
        (31785980, "US100003", datetime(2025, 10, 7, 9, 0), "43898790"),
        (31785984, "US100002", datetime(2025, 10, 15, 11, 45), "43898791"),
    ]


def test_rows_that_cannot_be_mapped_are_listed_with_their_reason(run: Run) -> None:
    report = run()
    skipped = {(i.entity, i.row): i.reason for i in report.skipped}
    assert skipped[("employees", "US100009")] == "name is empty"
    assert skipped[("schedules", "#6")] == "employee US999999 no longer exists"
    assert skipped[("schedules", "#7")] == "its event (mPlan 39999999) was not imported"
    assert "overlaps their time off 2025-10-10–2025-10-12" in skipped[("time_off", "#2")]
    assert "before the start date" in skipped[("events", "mPlan 31785983")]
    assert "'25:00' is not a time of day" in skipped[("settings", "core_2_start_time")]
    assert "'weekly'" in skipped[("paperwork_templates", "'Weekly Planner'")]
    rendered = report.render()
    assert "Not imported (8):" in rendered and "schedules #6: employee US999999 no longer exists" in rendered


def test_hard_rule_breaks_are_imported_as_they_are_and_listed(run: Run, db: FakeDatabase) -> None:
    report = run()
    warnings = reasons(report, "schedules", Severity.WARNING)
    assert any("Company Holiday: Store Inventory" in w for w in warnings)
    assert any("not available on Mon 10/06 (doctor)" in w for w in warnings)
    with FakeUnitOfWork(db) as uow:
        holiday_demo = uow.events.by_mplan(1, 31785984)
        assert holiday_demo is not None and len(uow.assignments.for_event(holiday_demo.id)) == 1


def test_condition_and_is_scheduled_mismatches_are_reported(run: Run, db: FakeDatabase) -> None:
    report = run()
    warnings = {i.row: i.reason for i in report.warnings if i.entity == "events"}
    with FakeUnitOfWork(db) as uow:
        cheese = uow.events.by_mplan(1, 31785978)
        late = uow.events.by_mplan(1, 31785982)
    assert cheese is not None and cheese.condition is Condition.SCHEDULED
    assert late is not None and late.condition is Condition.UNSTAFFED
    assert "imported as Scheduled" in warnings["mPlan 31785978"]
    assert "without any schedule" in warnings["mPlan 31785982"]
    assert "Supervisor event without a Core event" in warnings["mPlan 31785979"]


def test_availability_time_off_and_rotations_are_mapped(run: Run, db: FakeDatabase) -> None:
    run()
    with FakeUnitOfWork(db) as uow:
        ana_week = uow.weekly_availability.get("US100001")
        ben_week = uow.weekly_availability.get("US100002")
        [dated] = uow.date_availability.list()
        [override] = uow.overrides.list()
        time_off = sorted((t.employee_id, t.start_date, t.end_date) for t in uow.time_off.list())
        rotations = {(r.weekday, r.rotation_type): r.employee_id for r in uow.rotations.list()}
        [exception] = uow.rotation_exceptions.list()
    assert ana_week is not None and tuple(ana_week.days) == (True,) * 5 + (False, False)
    assert ben_week is not None and tuple(ben_week.days) == (True,) * 7
    assert (dated.employee_id, dated.day, dated.is_available, dated.reason) == (
        "US100002", date(2025, 10, 6), False, "doctor")
    assert tuple(override.days) == (None,) * 5 + (True, None)
    assert (override.created_by, override.end_date) == ("manager", date(2025, 10, 31))
    assert time_off == [("US100002", date(2025, 10, 10), date(2025, 10, 12)),
                        ("US100003", date(2025, 10, 20), date(2025, 10, 20))]
    assert rotations[(0, RotationType.JUICER)] == "US100003"
    assert rotations[(6, RotationType.PRIMARY_LEAD)] == "US100001"
    assert (exception.day, exception.rotation_type, exception.employee_id) == (
        date(2025, 10, 8), RotationType.PRIMARY_LEAD, "US100004")


def test_holidays_templates_and_event_times_are_mapped(run: Run, db: FakeDatabase) -> None:
    report = run()
    with FakeUnitOfWork(db) as uow:
        holidays = {h.name: h for h in uow.holidays.list()}
        templates = {t.name: (t.path, t.category, t.display_order, t.is_active) for t in uow.templates.list()}
        settings = uow.settings.all(1)
    assert holidays["Christmas"].is_recurring and (holidays["Christmas"].recurring_month,
                                                   holidays["Christmas"].recurring_day) == (12, 25)
    assert holidays["Thanksgiving"].notes == "Legacy rule (not evaluated): 4th Thursday of November"
    assert holidays["Store Inventory"].is_active
    assert templates["Juicer Compliance Checklist"] == ("Juicer_Compliance_Checklist.pdf", "daily", 0, True)
    assert templates["Event Table Activity Log"] == ("Event_Table_Activity_Log.pdf", "event", 1, True)
    assert settings["core_1_start_time"] == "10:45" and settings["digital_setup_1_start_time"] == "10:15"
    assert settings["edr_username"] == "walmart.user@example.com"
    assert "edr_mfa_credential_id" not in settings and "ai_api_key" not in settings
    assert "ai_api_key, ai_provider, auto_scheduler_enabled, freeosk_end_time" in report.render()


def test_walmart_password_is_decrypted_with_the_legacy_key(run: Run, db: FakeDatabase) -> None:
    run()
    with FakeUnitOfWork(db) as uow:
        assert uow.settings.get(1, "edr_password") == WALMART_PASSWORD


@pytest.mark.parametrize("box", [None, FernetSecretBox(generate_key())], ids=["no key", "wrong key"])
def test_password_that_cannot_be_decrypted_is_skipped_with_the_reason(
        run: Run, db: FakeDatabase, box: FernetSecretBox | None) -> None:
    report = run(legacy_box=box)
    reason = {i.row: i.reason for i in report.skipped}["edr_password"]
    assert ("--legacy-key" in reason) if box is None else ("cannot be decrypted" in reason)
    assert WALMART_PASSWORD not in report.render()
    with FakeUnitOfWork(db) as uow:
        assert uow.settings.get(1, "edr_password") is None


def test_a_second_run_changes_nothing_and_says_so(run: Run, db: FakeDatabase) -> None:
    run()
    audit_rows = len(FakeUnitOfWork(db).audit.list())
    again = run()
    assert not again.changed
    assert all(t.created == 0 and t.updated == 0 for t in again.counts.values())
    assert again.counts["schedules"].unchanged == 5
    assert "Nothing changed: the database already matches the legacy data." in again.render()
    assert len(FakeUnitOfWork(db).audit.list()) == audit_rows == 1


def test_a_changed_legacy_row_is_updated_on_the_next_run(
        run: Run, db: FakeDatabase, legacy_path: Path) -> None:
    run()
    engine = create_engine(f"sqlite:///{legacy_path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE employees SET job_title = 'Lead Event Specialist' WHERE id = 'US100002'"))
    engine.dispose()
    again = run()
    assert (again.counts["employees"].updated, again.counts["employees"].unchanged) == (1, 7)
    with FakeUnitOfWork(db) as uow:
        ben = uow.employees.get("US100002")
    assert ben is not None and ben.job_title is JobTitle.LEAD


def test_a_rep_id_held_by_another_schedbot_employee_is_kept_and_listed(run: Run, db: FakeDatabase) -> None:
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee(id="150001", name="Ana From Sync", rep_id="150001"))
        uow.commit()
    report = run()
    with FakeUnitOfWork(db) as uow:
        ana = uow.employees.get("US100001")
    assert ana is not None and ana.rep_id is None
    assert any("RepID 150001 already belongs to employee 150001" in r
               for r in reasons(report, "employees", Severity.WARNING))


def test_dry_run_reports_the_same_and_writes_nothing(run: Run, db: FakeDatabase) -> None:
    dry = run(dry_run=True)
    assert dry.counts["employees"].created == 8 and dry.changed
    assert "dry run: nothing was written" in dry.render()
    with FakeUnitOfWork(db) as uow:
        assert uow.employees.list() == [] and uow.events.list() == [] and uow.audit.list() == []
        assert uow.settings.all(1) == {}
    real = run()
    assert real.counts == dry.counts and real.issues == dry.issues


def test_a_database_from_an_early_migration_still_imports(db: FakeDatabase, tmp_path: Path) -> None:
    path = tmp_path / "early.db"
    build_legacy(f"sqlite:///{path}", minimal=True)
    report = import_legacy(fake_uow_factory(db), read_legacy(f"sqlite:///{path}"), now=NOW)
    assert report.counts["employees"].created == 8 and report.counts["events"].created == 8
    assert report.counts["schedules"].created == 5
    assert "employee_time_off" in report.missing_tables and "system_settings" in report.missing_tables
    with FakeUnitOfWork(db) as uow:
        finn = uow.employees.get("US100006")
        core = uow.events.by_mplan(1, 31785976)
    assert finn is not None and finn.termination_date is None
    assert core is not None and core.condition is Condition.SCHEDULED


def test_a_database_without_the_employees_table_is_refused(db: FakeDatabase, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    engine.dispose()
    with pytest.raises(InvalidInput, match="does not look like the legacy schedule database"):
        import_legacy(fake_uow_factory(db), read_legacy(f"sqlite:///{path}"), now=NOW)


def test_the_store_can_be_chosen_by_number_and_must_exist(run: Run, db: FakeDatabase) -> None:
    with pytest.raises(InvalidInput, match="There is no store 4242"):
        run(store_number="4242")
    with FakeUnitOfWork(db) as uow:
        uow.stores.add(Store(id=0, number="4242", name="Sam's Club 4242", timezone="America/Chicago"))
        uow.commit()
    report = run(store_number="4242")
    with FakeUnitOfWork(db) as uow:
        store = next(s for s in uow.stores.list() if s.number == "4242")
        assert len(uow.employees.list(store_id=store.id)) == 8
        holiday_demo = uow.events.by_mplan(store.id, 31785984)
        assert holiday_demo is not None
        [assignment] = uow.assignments.for_event(holiday_demo.id)
    assert assignment.start == datetime(2025, 10, 15, 10, 45)
    assert report.counts["schedules"].created == 5


def test_only_an_admin_may_import(run: Run) -> None:
    with pytest.raises(PermissionDenied):
        run(actor=Actor("U0MANAGER", Role.MANAGER))


def test_a_duplicated_schedule_is_skipped_and_a_second_person_on_an_event_is_listed(
        run: Run, db: FakeDatabase, legacy_path: Path) -> None:
    engine = create_engine(f"sqlite:///{legacy_path}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schedules (id, event_ref_num, employee_id, schedule_datetime) VALUES "
                          "(8, 31785976, 'US100001', '2025-10-03 10:45:00.000000'), "
                          "(9, 31785976, 'US100003', '2025-10-03 11:15:00.000000')"))
    engine.dispose()
    first, second = run(), run()
    for report in (first, second):
        skipped = {i.row: i.reason for i in report.skipped if i.entity == "schedules"}
        assert "duplicates another schedule" in skipped["#8"]
        assert any("more than one confirmed schedule" in w for w in reasons(report, "schedules",
                                                                              Severity.WARNING))
    assert (first.counts["schedules"].created, second.counts["schedules"].unchanged) == (6, 6)
    with FakeUnitOfWork(db) as uow:
        assert len(uow.assignments.list()) == 6
