"""Alembic environment: runs from ``alembic.ini`` (developers) or ``integrations.db.migrate`` (the app)."""

from __future__ import annotations

import logging.config
import os
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext

from integrations.db.base import LocalDateTime, UtcDateTime
from integrations.db.engine import make_engine
from integrations.db.migrate import include_name
from integrations.db.tables import metadata

MIGRATION_LOCK_ID = 8135_0001

config = context.config
target_metadata = metadata


def _database_url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") \
        or os.environ.get("DATABASE_URL") or "sqlite:///schedbot.db"
    return str(url)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Spell our decorated datetime types as plain ``sa.DateTime`` in revision files."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, LocalDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True,
                      compare_type=True, render_item=render_item, include_name=include_name,
                      render_as_batch=_database_url().startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection.

    Foreign keys are off on SQLite: batch table rebuilds must not cascade deletes.
    """
    engine = make_engine(_database_url(), sqlite_foreign_keys=False)
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            context.configure(connection=connection, target_metadata=target_metadata, compare_type=True,
                              render_as_batch=is_sqlite, render_item=render_item, include_name=include_name)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
                context.run_migrations()
    finally:
        engine.dispose()


if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
