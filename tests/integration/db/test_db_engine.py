"""Engine construction: URL normalisation, SQLite connection settings, value types at the boundary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from core.model import Assignment, AuditEntry
from integrations.db.engine import make_engine, normalise_url
from integrations.db.unit_of_work import SqlUnitOfWork
from tests.integration.db.conftest import seed_employee, seed_event


@pytest.mark.parametrize("given", ["postgres://u:p@db:5432/app", "postgresql://u:p@db:5432/app",
                                   "postgresql+psycopg://u:p@db:5432/app"])
def test_postgres_urls_use_the_psycopg_driver(given: str) -> None:
    url = normalise_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == ("db", 5432, "app", "u")


def test_sqlite_urls_are_left_alone() -> None:
    assert normalise_url("sqlite:///schedbot.db").drivername == "sqlite"


def test_a_sqlite_engine_creates_the_parent_directory_and_sets_its_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "schedbot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("foreign_keys", "journal_mode", "busy_timeout")}
    finally:
        engine.dispose()
    assert path.parent.is_dir()
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 30000}


def test_an_in_memory_sqlite_database_is_shared_by_the_sessions_of_one_engine() -> None:
    engine = make_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT x FROM t")).scalar() == 1
    finally:
        engine.dispose()


def test_instants_are_stored_in_utc_and_read_back_aware(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    indiana = timezone(timedelta(hours=-5))
    at = datetime(2025, 3, 9, 1, 30, tzinfo=indiana)
    with uow_factory() as uow:
        entry = uow.audit.add(AuditEntry(0, "U1", "edit", "employee", "E1", None, {"when": at}, at))
        uow.commit()
    with uow_factory() as uow:
        stored = uow.audit.list(id=entry.id)[0]
    assert stored.at == at and stored.at.utcoffset() == timedelta(0)
    assert stored.after == {"when": at.isoformat()}


def test_a_naive_instant_is_refused(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    with uow_factory() as uow, pytest.raises(StatementError, match="naive datetime"):
        uow.audit.add(AuditEntry(0, "U1", "edit", "employee", "E1", None, None, datetime(2025, 3, 9, 1, 30)))


def test_an_aware_wall_clock_start_is_refused(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    seed_employee(uow_factory)
    event = seed_event(uow_factory)
    aware = datetime(2025, 3, 4, 10, 45, tzinfo=UTC)
    with uow_factory() as uow, pytest.raises(StatementError, match="wall-clock"):
        uow.assignments.add(Assignment(0, event.id, "US100001", aware))
