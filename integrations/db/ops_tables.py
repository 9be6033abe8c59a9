"""Bookkeeping tables: settings, ledgers, caches, audit, staged roster uploads, and the Slack
installation store.

Columns named in ``SECRET_INSTALLATION_COLUMNS`` hold ``SecretBox`` tokens, never plaintext.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrations.db.base import Base, UtcDateTime, json_column_type

SECRET_INSTALLATION_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                               "incoming_webhook_url")
AUTOINC = {"sqlite_autoincrement": True}


def _store_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("stores.id"), nullable=False, index=True)


class SystemSettingRow(Base):
    __tablename__ = "system_settings"
    __table_args__ = (UniqueConstraint("store_id", "key"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_fk()
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    is_secret: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class JobRunRow(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("store_id", "job", "period"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_fk()
    job: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)


class ProcessedSlackEventRow(Base):
    __tablename__ = "processed_slack_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class EdrCacheRow(Base):
    __tablename__ = "edr_cache"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    event_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(json_column_type())
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SyncRunRow(Base):
    __tablename__ = "sync_runs"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_fk()
    kind: Mapped[str] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counts: Mapped[dict[str, int]] = mapped_column(json_column_type())
    errors: Mapped[list[str]] = mapped_column(json_column_type())
    status: Mapped[str] = mapped_column(String(20))


class PacketPostRow(Base):
    """One daily packet posted to Slack; the unique day makes posting idempotent."""

    __tablename__ = "packet_posts"
    __table_args__ = (UniqueConstraint("store_id", "day"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_fk()
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RosterUploadRow(Base):
    """A roster CSV uploaded in Slack, waiting for a manager's Apply or Discard (``id``: a random token)."""

    __tablename__ = "roster_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store_id: Mapped[int] = _store_fk()
    uploaded_by: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))


class AuditLogRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_fk()
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(json_column_type())
    after: Mapped[dict[str, Any] | None] = mapped_column(json_column_type())
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class SlackInstallationRow(Base):
    """What slack_sdk's ``Installation`` needs to round-trip; tokens encrypted."""

    __tablename__ = "slack_installations"
    __table_args__ = (
        Index("ix_slack_installations_lookup", "client_id", "enterprise_id", "team_id", "user_id",
              "installed_at"),
        AUTOINC,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True, server_default=text("1"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    app_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    enterprise_url: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str | None] = mapped_column(String(32))
    team_name: Mapped[str | None] = mapped_column(String(200))
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str | None] = mapped_column(Text)
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    user_id: Mapped[str] = mapped_column(String(32))
    user_token: Mapped[str | None] = mapped_column(Text)
    user_scopes: Mapped[str | None] = mapped_column(Text)
    user_refresh_token: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    incoming_webhook_url: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_channel: Mapped[str | None] = mapped_column(String(200))
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(String(32))
    incoming_webhook_configuration_url: Mapped[str | None] = mapped_column(Text)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    token_type: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    custom_values: Mapped[dict[str, Any] | None] = mapped_column(json_column_type())


class SlackOAuthStateRow(Base):
    __tablename__ = "slack_oauth_states"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(200), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
