"""slack_sdk installation and OAuth state stores over our database (OAuth / multi-workspace mode).

Tokens are encrypted with the ``SecretBox`` before they reach a row and decrypted on the way out.
One ``slack_installations`` row holds an installation with its bot token; saving appends a row
and lookups take the newest. SQLAlchemy is synchronous, so every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, sessionmaker

from core.model import DEFAULT_STORE_ID
from core.ports import SecretBox
from integrations.db.ops_tables import SECRET_INSTALLATION_COLUMNS
from integrations.db.tables import SlackInstallationRow, SlackOAuthStateRow

T = TypeVar("T")
BlockingRunner = Callable[[Callable[[], T]], Awaitable[T]]

log = logging.getLogger(__name__)

PLAIN_COLUMNS = ("app_id", "enterprise_id", "enterprise_name", "enterprise_url", "team_id", "team_name",
                 "bot_id", "bot_user_id", "user_id", "incoming_webhook_channel",
                 "incoming_webhook_channel_id", "incoming_webhook_configuration_url", "token_type")
BOT_SECRETS = ("bot_token", "bot_refresh_token")
USER_SECRETS = ("user_token", "user_refresh_token")


async def _to_thread(fn: Callable[[], T]) -> T:
    return await asyncio.to_thread(fn)


def _epoch_to_datetime(value: int | float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _datetime_to_epoch(value: datetime | None) -> int | None:
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return int(aware.timestamp())


class DbInstallationStore(AsyncInstallationStore):
    """``AsyncInstallationStore`` over ``slack_installations`` with encrypted tokens."""

    def __init__(self, session_factory: sessionmaker[Session], secret_box: SecretBox, *,
                 client_id: str | None, store_id: int = DEFAULT_STORE_ID,
                 run: BlockingRunner[Any] | None = None) -> None:
        self._sessions = session_factory
        self._box = secret_box
        self._client_id = client_id
        self._store_id = store_id
        self._run: BlockingRunner[Any] = run or _to_thread

    @property
    def logger(self) -> logging.Logger:
        """The store's logger (never given tokens)."""
        return log

    def _encrypt(self, value: str | None) -> str | None:
        return self._box.encrypt(value) if value else None

    def _decrypt(self, value: str | None) -> str | None:
        return self._box.decrypt(value) if value else None

    def _row(self, installation: Installation) -> SlackInstallationRow:
        row = SlackInstallationRow(store_id=self._store_id, client_id=self._client_id)
        for name in PLAIN_COLUMNS:
            setattr(row, name, getattr(installation, name))
        for name in SECRET_INSTALLATION_COLUMNS:
            setattr(row, name, self._encrypt(getattr(installation, name)))
        row.bot_scopes = ",".join(installation.bot_scopes or []) or None
        row.user_scopes = ",".join(installation.user_scopes or []) or None
        row.bot_token_expires_at = _epoch_to_datetime(installation.bot_token_expires_at)
        row.user_token_expires_at = _epoch_to_datetime(installation.user_token_expires_at)
        row.is_enterprise_install = bool(installation.is_enterprise_install)
        row.installed_at = datetime.fromtimestamp(installation.installed_at, UTC)
        row.custom_values = dict(installation.custom_values or {}) or None
        return row

    def _installation(self, row: SlackInstallationRow) -> Installation:
        return Installation(
            app_id=row.app_id, enterprise_id=row.enterprise_id, enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url, team_id=row.team_id, team_name=row.team_name,
            bot_token=self._decrypt(row.bot_token), bot_id=row.bot_id, bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes or "", bot_refresh_token=self._decrypt(row.bot_refresh_token),
            bot_token_expires_at=_datetime_to_epoch(row.bot_token_expires_at), user_id=row.user_id,
            user_token=self._decrypt(row.user_token), user_scopes=row.user_scopes or "",
            user_refresh_token=self._decrypt(row.user_refresh_token),
            user_token_expires_at=_datetime_to_epoch(row.user_token_expires_at),
            incoming_webhook_url=self._decrypt(row.incoming_webhook_url),
            incoming_webhook_channel=row.incoming_webhook_channel,
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=row.incoming_webhook_configuration_url,
            is_enterprise_install=row.is_enterprise_install, token_type=row.token_type,
            installed_at=row.installed_at, custom_values=row.custom_values or {})

    def _scope(self, enterprise_id: str | None, team_id: str | None,
               is_enterprise_install: bool | None) -> Select[SlackInstallationRow]:
        query = select(SlackInstallationRow).where(SlackInstallationRow.client_id == self._client_id,
                                                   SlackInstallationRow.enterprise_id == enterprise_id)
        if not is_enterprise_install:
            query = query.where(SlackInstallationRow.team_id == team_id)
        return query.order_by(SlackInstallationRow.installed_at.desc(), SlackInstallationRow.id.desc())

    async def async_save(self, installation: Installation) -> None:
        """Append the installation (its tokens encrypted)."""
        row = self._row(installation)

        def save() -> None:
            with self._sessions() as session, session.begin():
                session.add(row)

        await self._run(save)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store a bot-only installation (the installing user is unknown)."""
        await self.async_save(Installation(
            app_id=bot.app_id, enterprise_id=bot.enterprise_id, enterprise_name=bot.enterprise_name,
            team_id=bot.team_id, team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes, bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at, user_id="",
            is_enterprise_install=bot.is_enterprise_install, installed_at=bot.installed_at,
            custom_values=bot.custom_values))

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        """The newest bot token of the workspace, if any."""
        query = self._scope(enterprise_id, team_id, is_enterprise_install).where(
            SlackInstallationRow.bot_token.is_not(None)).limit(1)

        def find() -> SlackInstallationRow | None:
            with self._sessions() as session:
                return session.scalars(query).first()

        row = await self._run(find)
        return self._installation(row).to_bot() if row is not None else None

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        """The newest installation of the workspace (of ``user_id`` when given), with the newest bot."""
        base = self._scope(enterprise_id, team_id, is_enterprise_install)
        query = base.where(SlackInstallationRow.user_id == user_id) if user_id is not None else base
        bot_query = base.where(SlackInstallationRow.bot_token.is_not(None))

        def find() -> tuple[SlackInstallationRow | None, SlackInstallationRow | None]:
            with self._sessions() as session:
                return session.scalars(query.limit(1)).first(), session.scalars(bot_query.limit(1)).first()

        row, bot_row = await self._run(find)
        if row is None:
            return None
        installation = self._installation(row)
        if bot_row is not None and bot_row.id != row.id:
            newest_bot = self._installation(bot_row)
            installation.bot_token = newest_bot.bot_token
            installation.bot_id = newest_bot.bot_id
            installation.bot_user_id = newest_bot.bot_user_id
            installation.bot_scopes = newest_bot.bot_scopes
            installation.bot_refresh_token = newest_bot.bot_refresh_token
            installation.bot_token_expires_at = newest_bot.bot_token_expires_at
        return installation

    async def _clear(self, enterprise_id: str | None, team_id: str | None, user_id: str | None,
                     columns: tuple[str, ...]) -> int:
        query = self._scope(enterprise_id, team_id, False)
        if user_id is not None:
            query = query.where(SlackInstallationRow.user_id == user_id)

        def clear() -> int:
            with self._sessions() as session, session.begin():
                rows = list(session.scalars(query))
                for row in rows:
                    for name in columns:
                        setattr(row, name, None)
                    if not any(getattr(row, name) for name in BOT_SECRETS + USER_SECRETS):
                        session.delete(row)
                return len(rows)

        return int(await self._run(clear))

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget the workspace's bot tokens."""
        await self._clear(enterprise_id, team_id, None, BOT_SECRETS)

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        """Forget user tokens (of ``user_id``, or of everyone in the workspace)."""
        await self._clear(enterprise_id, team_id, user_id, USER_SECRETS)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete every row of the workspace (after ``app_uninstalled``)."""
        query = delete(SlackInstallationRow).where(SlackInstallationRow.client_id == self._client_id,
                                                   SlackInstallationRow.enterprise_id == enterprise_id,
                                                   SlackInstallationRow.team_id == team_id)

        def remove() -> None:
            with self._sessions() as session, session.begin():
                session.execute(query)

        await self._run(remove)


class DbOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth ``state`` values in ``slack_oauth_states``, valid for ``expiration_seconds``."""

    def __init__(self, session_factory: sessionmaker[Session], *, expiration_seconds: int = 600,
                 run: BlockingRunner[Any] | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._sessions = session_factory
        self._ttl = timedelta(seconds=expiration_seconds)
        self._run: BlockingRunner[Any] = run or _to_thread
        self._now = now

    @property
    def logger(self) -> logging.Logger:
        """The store's logger."""
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A fresh random state, remembered until it expires."""
        state = secrets.token_urlsafe(32)
        row = SlackOAuthStateRow(state=state, expires_at=self._now() + self._ttl)

        def issue() -> None:
            with self._sessions() as session, session.begin():
                session.add(row)

        await self._run(issue)
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state that was issued and has not expired; it is deleted either way."""
        now = self._now()

        def consume() -> bool:
            with self._sessions() as session, session.begin():
                row = session.scalars(select(SlackOAuthStateRow).where(SlackOAuthStateRow.state == state)
                                      ).first()
                if row is None:
                    return False
                session.delete(row)
                expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
                return expires > now

        return bool(await self._run(consume))
