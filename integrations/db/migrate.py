"""Alembic from the installed package: no ``alembic.ini`` needed.

The configuration is built in code; its ``script_location`` is the ``migrations`` package directory
and the database URL travels in ``Config.attributes`` (never through ini interpolation or logs).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

import migrations
from integrations.db.engine import make_engine

FILE_TEMPLATE = "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"


JOB_QUEUE_TABLE_PREFIX = "procrastinate_"
"""The job queue's tables (revision *_procrastinate_schema): procrastinate's schema, not our metadata."""


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate's filter: leave procrastinate's tables out (they are not in our SQLAlchemy
    metadata); migrations/env.py and the schema-drift test use it."""
    return not (type_ == "table" and name is not None and name.startswith(JOB_QUEUE_TABLE_PREFIX))


def migrations_dir() -> Path:
    """Directory of ``env.py`` and ``versions/``."""
    return Path(migrations.__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """A programmatic Alembic configuration for ``url``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.attributes["url"] = url
    config.attributes["configure_logging"] = False
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``"base"`` drops everything)."""
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    """The revision the database is at, or None for an unmigrated database."""
    engine = make_engine(url)
    try:
        return revision_of(engine)
    finally:
        engine.dispose()


def revision_of(engine: Engine) -> str | None:
    """The revision of the database behind ``engine`` (None: unmigrated)."""
    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision


def head() -> str | None:
    """The newest revision shipped with the package."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def pending(engine: Engine) -> str | None:
    """Why the database behind ``engine`` is not at the shipped head revision, or None when it is."""
    at, newest = revision_of(engine), head()
    if at == newest:
        return None
    if at is None:
        return "it has no schema yet"
    return f"it is at revision {at}, this schedbot needs {newest}"
