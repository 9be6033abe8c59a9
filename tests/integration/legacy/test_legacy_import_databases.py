"""Legacy import into the real schedbot database (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from core.model import Condition, JobTitle
from core.ports import UnitOfWork
from core.services.legacy_import import import_legacy
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine
from integrations.legacy.reader import read_legacy
from tests.integration.legacy.legacy_schema import WALMART_PASSWORD, build_legacy

NOW = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _table_counts(uow_factory: Factory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            "employees": len(uow.employees.list()), "events": len(uow.events.list()),
            "assignments": len(uow.assignments.list()), "time_off": len(uow.time_off.list()),
            "rotations": len(uow.rotations.list()), "holidays": len(uow.holidays.list()),
            "templates": len(uow.templates.list()), "settings": len(uow.settings.all(1)),
            "audit": len(uow.audit.list()),
        }


def test_the_legacy_database_is_imported_with_its_fields(
        uow_factory: Factory, legacy_url: str, legacy_box: FernetSecretBox) -> None:
    report = import_legacy(uow_factory, read_legacy(legacy_url), now=NOW, legacy_box=legacy_box)
    assert report.counts["employees"].created == 8 and report.counts["schedules"].created == 5
    assert _table_counts(uow_factory) == {"employees": 8, "events": 8, "assignments": 5, "time_off": 2,
                                          "rotations": 13, "holidays": 3, "templates": 3, "settings": 10,
                                          "audit": 1}
    with uow_factory() as uow:
        ana = uow.employees.get("US100001")
        core = uow.events.by_mplan(1, 31785976)
        assert core is not None
        [assignment] = uow.assignments.for_event(core.id)
        week = uow.weekly_availability.get("US100001")
        [override] = uow.overrides.list()
    assert ana is not None and (ana.job_title, ana.rep_id, ana.email) == (JobTitle.LEAD, "150001",
                                                                          "ana@example.com")
    assert (core.due_date, core.condition) == (date(2025, 10, 8), Condition.SCHEDULED)
    assert (assignment.employee_id, assignment.start, assignment.external_id) == (
        "US100001", datetime(2025, 10, 3, 10, 45), "43898785")
    assert week is not None and tuple(week.days) == (True,) * 5 + (False, False)
    assert tuple(override.days) == (None,) * 5 + (True, None)


def test_the_walmart_password_is_stored_encrypted_with_our_key(
        uow_factory: Factory, migrated_url: str, secret_box: FernetSecretBox, legacy_url: str,
        legacy_box: FernetSecretBox) -> None:
    import_legacy(uow_factory, read_legacy(legacy_url), now=NOW, legacy_box=legacy_box)
    engine = make_engine(migrated_url)
    with engine.connect() as conn:
        raw, secret = conn.execute(text("SELECT value, is_secret FROM system_settings "
                                        "WHERE key = 'edr_password'")).one()
    engine.dispose()
    assert secret and WALMART_PASSWORD not in raw
    assert secret_box.decrypt(raw) == WALMART_PASSWORD
    with uow_factory() as uow:
        assert uow.settings.get(1, "edr_password") == WALMART_PASSWORD


def test_importing_twice_changes_nothing_the_second_time(
        uow_factory: Factory, legacy_url: str, legacy_box: FernetSecretBox) -> None:
    data = read_legacy(legacy_url)
    import_legacy(uow_factory, data, now=NOW, legacy_box=legacy_box)
    before = _table_counts(uow_factory)
    again = import_legacy(uow_factory, data, now=NOW, legacy_box=legacy_box)
    assert not again.changed
    assert {k: t.unchanged for k, t in again.counts.items()}["schedules"] == 5
    assert "Nothing changed" in again.render()
    assert _table_counts(uow_factory) == before


def test_a_dry_run_writes_nothing(uow_factory: Factory, legacy_url: str, legacy_box: FernetSecretBox) -> None:
    empty = _table_counts(uow_factory)
    report = import_legacy(uow_factory, read_legacy(legacy_url), now=NOW, legacy_box=legacy_box, dry_run=True)
    assert report.counts["events"].created == 8 and report.dry_run
    assert _table_counts(uow_factory) == empty


def test_the_legacy_file_is_byte_identical_after_the_import(
        uow_factory: Factory, legacy_path: Path, legacy_url: str, legacy_box: FernetSecretBox) -> None:
    before = _sha256(legacy_path)
    listing = sorted(p.name for p in legacy_path.parent.iterdir())
    import_legacy(uow_factory, read_legacy(legacy_url), now=NOW, legacy_box=legacy_box)
    assert _sha256(legacy_path) == before
    assert sorted(p.name for p in legacy_path.parent.iterdir()) == listing


def test_a_legacy_database_missing_optional_tables_still_imports(
        uow_factory: Factory, tmp_path: Path) -> None:
    path = tmp_path / "early.db"
    build_legacy(f"sqlite:///{path}", minimal=True)
    report = import_legacy(uow_factory, read_legacy(f"sqlite:///{path}"), now=NOW)
    assert (report.counts["employees"].created, report.counts["events"].created,
            report.counts["schedules"].created) == (8, 8, 5)
    assert "company_holidays" in report.missing_tables
    assert _table_counts(uow_factory)["assignments"] == 5
