"""remote intents: the outbox of Crossmark changes made by approvals

Each change is committed here before it is sent, and its outcome after; a change whose outcome is
unknown is reconciled against Crossmark before anything retries it.

Revision ID: 3d32f62a6a1c
Revises: 839f1a39c64e
Create Date: 2026-12-08 04:12:34.455121+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '3d32f62a6a1c'
down_revision: str | Sequence[str] | None = '839f1a39c64e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('remote_intents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('employee_id', sa.String(length=50), nullable=True),
    sa.Column('start', sa.DateTime(), nullable=True),
    sa.Column('external_id', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_remote_intents_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_intents')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('remote_intents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_intents_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index('ix_remote_intents_status', ['store_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_remote_intents_store_id'), ['store_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('remote_intents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remote_intents_store_id'))
        batch_op.drop_index('ix_remote_intents_status')
        batch_op.drop_index(batch_op.f('ix_remote_intents_proposal_id'))

    op.drop_table('remote_intents')
