"""Shared database fixtures.

``database_url`` is an empty database, parametrised over ``sqlite`` (a temp file) and ``postgres``
(a fresh ``schedbot_test_<hex>`` database on the server of ``TEST_DATABASE_URL``, dropped afterwards;
skipped when that variable is unset). ``migrated_url`` is the same at the head revision (cloned from
a template migrated once per session), ``uow_factory`` makes ``SqlUnitOfWork`` s over it.
A test can pin one backend: ``@pytest.mark.parametrize("migrated_url", ["postgres"], indirect=True)``.
With ``SCHEDBOT_REQUIRE_POSTGRES=1`` a run that skipped any test for lack of PostgreSQL fails.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from integrations.crypto import FernetSecretBox, generate_key
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.migrate import upgrade
from integrations.db.unit_of_work import SqlUnitOfWork

NO_POSTGRES = "needs PostgreSQL: set TEST_DATABASE_URL"
_SKIPPED_FOR_POSTGRES = pytest.StashKey[list[str]]()
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _server_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def _admin(sql: str) -> None:
    server = _server_url()
    assert server is not None
    engine = make_engine(server)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _pg_database(template: str | None = None) -> str:
    name = f"schedbot_test_{uuid.uuid4().hex}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def _pg_url(name: str) -> str:
    server = _server_url()
    assert server is not None
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _skip_without_postgres(request: pytest.FixtureRequest) -> None:
    if _server_url() is None:
        request.config.stash.setdefault(_SKIPPED_FOR_POSTGRES, []).append(request.node.nodeid)
        pytest.skip(NO_POSTGRES)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) of the parametrised backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schedbot.db'}"
        return
    _skip_without_postgres(request)
    name = _pg_database()
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "schedbot.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    name = _pg_database()
    try:
        upgrade(_pg_url(name))
        yield name
    finally:
        _drop_pg_database(name)


@contextmanager
def migrated_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a database of ``backend`` ("sqlite" or "postgres") at the head revision."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / f"migrated-{uuid.uuid4().hex}.db"
        with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        yield f"sqlite:///{path}"
        return
    _skip_without_postgres(request)
    name = _pg_database(template=request.getfixturevalue("_postgres_template"))
    try:
        yield _pg_url(name)
    finally:
        _drop_pg_database(name)


@contextmanager
def sql_uow_factory(url: str, secret_box: FernetSecretBox) -> Iterator[Callable[[], SqlUnitOfWork]]:
    """Makes ``SqlUnitOfWork`` s over ``url``; the engine is disposed on exit."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        yield lambda: SqlUnitOfWork(sessions, secret_box)
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the parametrised backend at the head revision."""
    with migrated_database(request.param, request, tmp_path) as url:
        yield url


@pytest.fixture
def secret_box() -> FernetSecretBox:
    """A secret box with a fresh key."""
    return FernetSecretBox(generate_key())


@pytest.fixture
def uow_factory(migrated_url: str, secret_box: FernetSecretBox) -> Iterator[Callable[[], SqlUnitOfWork]]:
    """Makes ``SqlUnitOfWork`` s over ``migrated_url``."""
    with sql_uow_factory(migrated_url, secret_box) as factory:
        yield factory


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    """Say which tests were skipped for lack of PostgreSQL when it is required."""
    skipped = config.stash.get(_SKIPPED_FOR_POSTGRES, [])
    if skipped and os.environ.get("SCHEDBOT_REQUIRE_POSTGRES") == "1":
        terminalreporter.section("PostgreSQL required")
        terminalreporter.line(
            f"SCHEDBOT_REQUIRE_POSTGRES=1 but {len(skipped)} test(s) skipped: {NO_POSTGRES}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when PostgreSQL is required and a test skipped for lack of it."""
    skipped = session.config.stash.get(_SKIPPED_FOR_POSTGRES, [])
    if skipped and os.environ.get("SCHEDBOT_REQUIRE_POSTGRES") == "1":
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
