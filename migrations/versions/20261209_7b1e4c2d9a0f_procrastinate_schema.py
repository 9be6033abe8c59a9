"""procrastinate schema: the durable job queue of PostgreSQL deployments

Applies the schema SQL of the pinned procrastinate release (``procrastinate>=3.10,<3.11``, see
``integrations.jobs.procrastinate_queue``) on PostgreSQL; nothing on SQLite, whose jobs run in the
serve process. A procrastinate upgrade that changes its schema comes with a new revision that runs
the release's migration files (``procrastinate.schema.SchemaManager.get_migrations_path()``).
The tables are not in our SQLAlchemy metadata: migrations/env.py leaves them out of autogenerate.

Revision ID: 7b1e4c2d9a0f
Revises: 3d32f62a6a1c
Create Date: 2026-12-09 09:00:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7b1e4c2d9a0f'
down_revision: str | Sequence[str] | None = '3d32f62a6a1c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("procrastinate_events", "procrastinate_periodic_defers", "procrastinate_jobs",
          "procrastinate_workers")
TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    from procrastinate.schema import SchemaManager

    # exec_driver_sql: the schema is many statements and contains '%' (no parameters here)
    op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    if not _postgresql():
        return
    bind = op.get_bind()
    for table in TABLES:
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    functions = bind.execute(sa.text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE :prefix"),
        {"prefix": "procrastinate\\_%"}).scalars().all()
    for signature in functions:
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
    for type_ in TYPES:
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_} CASCADE")
