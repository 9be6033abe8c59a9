"""The legacy reader: read-only on SQLite and PostgreSQL, tolerant of what exists, clear when it cannot."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from core.errors import InvalidInput
from core.services.legacy_import import import_legacy
from integrations.db.engine import make_engine
from integrations.legacy.reader import describe, legacy_engine, read_legacy
from tests.fakes.uow import FakeDatabase, fake_uow_factory
from tests.integration.legacy.legacy_schema import build_legacy


def test_writing_through_the_legacy_engine_is_refused_on_sqlite(legacy_url: str) -> None:
    engine = legacy_engine(legacy_url)
    with pytest.raises(DBAPIError, match="readonly"), engine.begin() as conn:
        conn.execute(text("DELETE FROM employees"))
    engine.dispose()


def test_only_the_tables_the_importer_knows_are_read(legacy_url: str) -> None:
    data = read_legacy(legacy_url)
    assert data.has("employees") and data.has("system_settings")
    assert not data.has("user_sessions") and not data.has("pending_schedules")
    assert "termination_date" in data.tables["employees"].columns
    assert [r["id"] for r in data.rows("schedules")] == [1, 2, 3, 4, 5, 6, 7]


def test_values_come_back_raw_for_core_to_convert(legacy_url: str) -> None:
    data = read_legacy(legacy_url)
    schedule = {r["id"]: r for r in data.rows("schedules")}
    assert schedule[4]["schedule_datetime"] == "2025-10-07T09:00:00"
    assert schedule[5]["schedule_datetime"] == "2025-10-15T15:45:00+00:00"


def test_a_missing_file_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(InvalidInput, match="does not exist"):
        read_legacy(f"sqlite:///{missing}")
    assert not missing.exists()


@pytest.mark.parametrize("url, message", [
    ("sqlite://", "sqlite:///path/to/file.db"),
    ("mysql://user:pw@localhost/legacy", "not supported"),
    ("not a url at all", "not a database URL"),
])
def test_unusable_urls_are_refused_clearly(url: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_legacy(url)


def test_a_password_in_the_url_never_appears_in_errors() -> None:
    url = "postgresql://legacy:TopSecretPw@127.0.0.1:1/scheduler"
    with pytest.raises(InvalidInput) as err:
        read_legacy(url)
    assert "TopSecretPw" not in str(err.value)
    assert "TopSecretPw" not in describe(url) and "***" in describe(url)


@pytest.fixture
def legacy_pg_url() -> Iterator[str]:
    """A legacy database on PostgreSQL (needs TEST_DATABASE_URL)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    name = f"schedbot_legacy_{uuid.uuid4().hex}"
    admin = make_engine(server)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.postgres
def test_a_legacy_postgresql_database_is_read_in_read_only_transactions(legacy_pg_url: str) -> None:
    build_legacy(legacy_pg_url, orphans=False)
    engine = legacy_engine(legacy_pg_url)
    with pytest.raises(DBAPIError, match="read-only transaction"), engine.begin() as conn:
        conn.execute(text("DELETE FROM schedules"))
    engine.dispose()
    report = import_legacy(fake_uow_factory(FakeDatabase()), read_legacy(legacy_pg_url),
                           now=datetime(2025, 10, 1, tzinfo=UTC))
    assert (report.counts["employees"].created, report.counts["events"].created,
            report.counts["schedules"].created) == (8, 8, 5)
    assert report.counts["weekly_availability"].created == 2
