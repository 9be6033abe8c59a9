"""Engines and session factories for PostgreSQL (psycopg 3) and SQLite.

On SQLite every transaction starts with ``BEGIN IMMEDIATE`` (the pysqlite begin-event recipe), so
concurrent units of work queue on the database lock (``busy_timeout``) instead of reading a snapshot
that another writer is about to invalidate: SQLite transactions are fully serialised. Opening a
second transaction in a thread that already holds one would wait for itself, so that raises
``RuntimeError`` at once.
"""

from __future__ import annotations

import json
import threading
import weakref
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_MS = 30000


def normalise_url(url: str) -> URL:
    """Parse ``url``; ``postgres://`` and ``postgresql://`` select the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps_json(value: Any) -> str:
    """JSON text of a column value; dates become ISO strings."""
    return json.dumps(value, default=_json_default)


def make_engine(url: str, *, sqlite_foreign_keys: bool = True, echo: bool = False) -> Engine:
    """An engine for ``url`` with schedbot's connection settings (see the module docstring).

    ``sqlite_foreign_keys=False`` is for migrations, where SQLite table rebuilds must not cascade.
    An in-memory SQLite database is one shared connection: fine for one thread, not for several.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, echo=echo, pool_pre_ping=True, json_serializer=dumps_json)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, echo=echo, json_serializer=dumps_json,
                           poolclass=StaticPool if in_memory else None,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                         "check_same_thread": False})
    _configure_sqlite(engine, foreign_keys=sqlite_foreign_keys)
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = " + ("ON" if foreign_keys else "OFF"))
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    open_in_thread = threading.local()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        others = [c for ref in getattr(open_in_thread, "connections", ())
                  if (c := ref()) is not None and c is not connection and not c.closed and c.in_transaction()]
        if others:
            raise RuntimeError("a second SQLite transaction in the same thread would wait forever for "
                               "the first (transactions begin IMMEDIATE); finish the first one before "
                               "opening another unit of work")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        open_in_thread.connections = [weakref.ref(connection)]


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)

