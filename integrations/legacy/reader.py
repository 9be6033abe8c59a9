"""Read the legacy web app's database, read-only, into plain data (``core`` maps it).

Whatever tables and columns exist are discovered by reflection, so databases from older legacy
migrations (missing tables or columns) read fine. Values come back raw (no type conversion), because
SQLite stores the legacy datetimes as text in more than one format; ``core`` converts them tolerantly.

Nothing is ever written: SQLite is opened with the ``mode=ro`` URI (no journal, no pragma that
writes), PostgreSQL sessions default to read-only transactions and each one says ``READ ONLY`` too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from core.errors import InvalidInput
from core.services.legacy_import_values import LEGACY_TABLES, LegacyData, LegacyTable
from integrations.db.engine import normalise_url


def describe(url: str) -> str:
    """The URL with any password masked, for reports and logs."""
    try:
        return normalise_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "(unparseable database URL)"


def legacy_engine(url: str) -> Engine:
    """A read-only engine on the legacy database (SQLite file or PostgreSQL)."""
    try:
        parsed = normalise_url(url)
    except (SQLAlchemyError, ValueError):
        raise InvalidInput("The legacy DATABASE_URL is not a database URL.", {"url": "not a URL"}) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed.database or "")
    if backend == "postgresql":
        engine = create_engine(parsed, poolclass=NullPool,
                               connect_args={"options": "-c default_transaction_read_only=on"})
        event.listen(engine, "begin", _read_only_transaction)
        return engine
    raise InvalidInput(f"Legacy databases on {backend} are not supported (SQLite or PostgreSQL only).",
                       {"url": "unsupported database"})


def _read_only_transaction(connection: Connection) -> None:
    connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def _sqlite_engine(database: str) -> Engine:
    if database in ("", ":memory:") or database.startswith("file:"):
        raise InvalidInput("Give the legacy SQLite database as sqlite:///path/to/file.db.",
                           {"url": "not a SQLite file"})
    path = Path(database).expanduser().resolve()
    if not path.is_file():
        raise InvalidInput(f"The legacy database file {path} does not exist.", {"url": "no such file"})
    uri = f"file:{quote(str(path))}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def read_tables(connection: Connection, wanted: Iterable[str]) -> LegacyData:
    """Every wanted table that exists, with all its columns and rows (ordered by primary key)."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    tables: dict[str, LegacyTable] = {}
    for name in wanted:
        if name not in present:
            continue
        columns = [c["name"] for c in inspector.get_columns(name)]
        key = inspector.get_pk_constraint(name).get("constrained_columns") or []
        shape = sql_table(name, *(sql_column(c) for c in columns))
        query = select(shape).order_by(*(shape.c[k] for k in key if k in shape.c))
        rows = tuple(_lower(dict(r)) for r in connection.execute(query).mappings())
        tables[name] = LegacyTable(name, frozenset(c.lower() for c in columns), rows)
    return LegacyData(tables)


def _lower(row: dict[Any, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in row.items()}


def read_legacy(url: str, tables: Iterable[str] = LEGACY_TABLES) -> LegacyData:
    """Read the legacy database at ``url`` (never writing to it).

    Raises ``InvalidInput`` with a message free of passwords when it cannot be opened or read.
    """
    engine = legacy_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            return read_tables(connection, tables)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0]
        raise InvalidInput(f"Cannot read the legacy database {describe(url)}: {reason}",
                           {"url": "cannot read"}) from None
    finally:
        engine.dispose()
