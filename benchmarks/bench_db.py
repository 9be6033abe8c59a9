"""Scratch databases and a write counter shared by the database benchmarks.

``scratch_database("sqlite")`` is a file in a temporary folder; ``scratch_database("postgres")`` is a
fresh ``schedbot_bench_<hex>`` database on the server of ``TEST_DATABASE_URL``, dropped afterwards.
``WriteCounter`` counts, per table, the rows every INSERT / UPDATE / DELETE statement executed through an
engine was given (one per parameter set, so a bulk insert of 500 rows counts 500), before any
driver-level batching; raw driver SQL is counted one per statement.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import TextClause

from integrations.crypto import FernetSecretBox, generate_key
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.migrate import upgrade
from integrations.db.unit_of_work import SqlUnitOfWork

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def backends() -> list[str]:
    """SQLite always; PostgreSQL when ``TEST_DATABASE_URL`` is set."""
    return ["sqlite", "postgres"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def _admin(server: str, sql: str) -> None:
    engine = make_engine(server)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()


@contextmanager
def scratch_database(backend: str, stem: str = "schedbot") -> Iterator[str]:
    """URL of an empty database of ``backend`` that is removed on exit."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="schedbot-bench-") as folder:
            yield f"sqlite:///{Path(folder) / f'{stem}.db'}"
        return
    server = os.environ["TEST_DATABASE_URL"]
    name = f"schedbot_bench_{uuid.uuid4().hex}"
    _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class WriteCounter:
    """Rows written through ``engine`` per table since the last ``reset()``."""

    def __init__(self, engine: Engine) -> None:
        self.rows: Counter[str] = Counter()
        event.listen(engine, "before_execute", self._statement)
        event.listen(engine, "before_cursor_execute", self._driver_sql)

    def _statement(self, _conn: Any, clause: Any, multiparams: Any, _params: Any, _options: Any) -> None:
        sets = len(multiparams) or 1
        if isinstance(clause, UpdateBase):
            self.rows[str(getattr(clause.table, "name", "?")).lower()] += sets
        elif isinstance(clause, TextClause) and (found := WRITE.match(clause.text)):
            self.rows[found.group(1).lower()] += sets

    def _driver_sql(self, _conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any,
                    _executemany: bool) -> None:
        if getattr(context, "compiled", None) is None and (found := WRITE.match(statement)):
            self.rows[found.group(1).lower()] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        self.rows.clear()

    def total(self, *, excluding: tuple[str, ...] = ()) -> int:
        """Rows written to every table but ``excluding``."""
        return sum(n for table, n in self.rows.items() if table not in excluding)


@contextmanager
def migrated_database(backend: str, stem: str) -> Iterator[tuple[Callable[[], SqlUnitOfWork], WriteCounter]]:
    """A scratch database of ``backend`` at the shipped schema: its unit-of-work factory (a fresh
    encryption key) and a write counter on its engine."""
    with scratch_database(backend, stem) as url:
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        box = FernetSecretBox(generate_key())
        try:
            yield (lambda: SqlUnitOfWork(sessions, box)), WriteCounter(engine)
        finally:
            engine.dispose()
