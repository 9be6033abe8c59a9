"""A Retail Link session store that keeps the session encrypted in the store's system settings."""

from __future__ import annotations

import json
import logging

from core.model import DEFAULT_STORE_ID
from core.ports import UnitOfWorkFactory
from integrations.retaillink.session_store import RetailLinkSession

log = logging.getLogger(__name__)

SESSION_KEY = "retaillink_session"
PENDING_KEY = "retaillink_pending_login"


class SettingsSessionStore:
    """Persists the bearer token and its expiry with ``uow.settings.set(..., secret=True)``.

    Survives restarts and is shared by the web and clock processes, so one MFA code in the
    morning serves every EDR call of the day.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, store_id: int = DEFAULT_STORE_ID) -> None:
        self._uow_factory = uow_factory
        self._store_id = store_id

    def __repr__(self) -> str:
        return f"SettingsSessionStore(store_id={self._store_id})"

    def load(self) -> RetailLinkSession | None:
        with self._uow_factory() as uow:
            raw = uow.settings.get(self._store_id, SESSION_KEY)
        if not raw:
            return None
        try:
            return RetailLinkSession.from_json(raw)
        except (ValueError, KeyError):
            log.warning("stored Retail Link session is unreadable; a new code will be needed")
            return None

    def save(self, session: RetailLinkSession) -> None:
        with self._uow_factory() as uow:
            uow.settings.set(self._store_id, SESSION_KEY, session.to_json(), secret=True)
            uow.commit()

    def clear(self) -> None:
        with self._uow_factory() as uow:
            uow.settings.set(self._store_id, SESSION_KEY, "", secret=True)
            uow.commit()

    def save_pending(self, cookies: dict[str, str] | None) -> None:
        with self._uow_factory() as uow:
            uow.settings.set(self._store_id, PENDING_KEY, json.dumps(cookies) if cookies else "",
                             secret=True)
            uow.commit()

    def load_pending(self) -> dict[str, str] | None:
        with self._uow_factory() as uow:
            raw = uow.settings.get(self._store_id, PENDING_KEY)
        if not raw:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None
