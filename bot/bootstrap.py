"""Composition root: settings → database → adapters → core services. The only bot module that
wires integrations together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from core.model import DEFAULT_STORE_ID, Store
from core.ports import Clock, CrossmarkPort, RetailLinkPort, SecretBox, UnitOfWork
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)


class MissingKeyBox:
    """Stands in when SETTINGS_ENCRYPTION_KEY is unset: refuses to store or read secrets."""

    def encrypt(self, plaintext: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot store secrets")

    def decrypt(self, token: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot read stored secrets")


@dataclass
class Core:
    """The wired core: database, crypto, remote adapters and services."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    secret_box: SecretBox
    clock: Clock
    crossmark: CrossmarkPort | None
    retaillink: RetailLinkPort | None
    services: Any

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.session_factory, self.secret_box)

    def health_check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means unhealthy
            log.warning("database health check failed", exc_info=True)
            return False


def make_secret_box(settings: Settings) -> SecretBox:
    keys = settings.settings_encryption_key.reveal()
    if not keys:
        log.warning("SETTINGS_ENCRYPTION_KEY is not set; stored credentials are unavailable")
        return MissingKeyBox()
    return FernetSecretBox(keys)


def ensure_store(core: Core) -> None:
    """Keep the default store's number and timezone in line with the settings."""
    with core.uow() as uow:
        store = uow.stores.get(DEFAULT_STORE_ID)
        if store is None:
            uow.stores.add(Store(id=DEFAULT_STORE_ID, number=core.settings.store_number,
                                 name=f"Sam's Club {core.settings.store_number}",
                                 timezone=core.settings.store_timezone))
        elif (store.number, store.timezone) != (core.settings.store_number, core.settings.store_timezone):
            store.number = core.settings.store_number
            store.name = f"Sam's Club {core.settings.store_number}"
            store.timezone = core.settings.store_timezone
            uow.stores.update(store)
        else:
            return
        uow.commit()
