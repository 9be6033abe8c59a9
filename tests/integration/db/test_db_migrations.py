"""Alembic migrations from the installed package, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from integrations.db.engine import make_engine
from integrations.db.migrate import current, downgrade, head, include_name, migrations_dir, upgrade
from integrations.db.tables import metadata


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    assert current(database_url) is None
    upgrade(database_url)
    assert current(database_url) == head()
    assert {t for t in _tables(database_url) if include_name(t, "table", {})} == set(metadata.tables)
    downgrade(database_url, "base")
    assert current(database_url) is None
    assert _tables(database_url) == set()
    upgrade(database_url)
    assert current(database_url) == head()


def test_the_models_and_the_migrations_describe_the_same_schema(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as connection, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                  "include_name": include_name})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_the_initial_migration_creates_the_default_store(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, number, name, timezone FROM stores")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "8135", "Sam's Club 8135", "America/Indiana/Indianapolis")]


def test_the_next_store_gets_the_next_id_after_the_seeded_one(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO stores (number, name, timezone) "
                                    "VALUES ('4242', 'x', 'UTC')"))
            new_id = connection.execute(text("SELECT id FROM stores WHERE number = '4242'")).scalar_one()
    finally:
        engine.dispose()
    assert new_id == 2


def test_revision_files_are_date_prefixed_and_shipped_in_the_package() -> None:
    versions = sorted(p.name for p in (migrations_dir() / "versions").glob("*.py") if p.name != "__init__.py")
    assert versions
    assert all(name[:8].isdigit() and name[8] == "_" for name in versions)
    assert (migrations_dir() / "env.py").is_file() and (migrations_dir() / "script.py.mako").is_file()


def test_the_developer_alembic_ini_migrates_the_database_named_by_database_url(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini"), "upgrade", "head"],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    assert current(url) == head()
