"""Store settings an admin keeps from Slack: the Crossmark and Retail Link logins (product.md §5.10).

Credentials are stored as secrets (``uow.settings.set(..., secret=True)``: encrypted at rest) and are
never given back: ``credential_status`` only says whether each one is set. The audit entry of a save
names the credentials that changed, never their values. Admins only (``authz.Action.SETTINGS``).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import InvalidInput
from core.model import Actor
from core.ports import Clock, UnitOfWorkFactory
from core.services import audit, authz

log = logging.getLogger(__name__)

MAX_CREDENTIAL_LENGTH = 200
SET, NOT_SET, UNREADABLE = "set", "not set", "set, but unreadable with the current key"


@dataclass(frozen=True)
class Credential:
    """One stored credential: its settings key, its label and a hint of what it is."""

    key: str
    label: str
    hint: str


CREDENTIALS = (
    Credential("crossmark_username", "Crossmark username", "MVRetail login"),
    Credential("crossmark_password", "Crossmark password", "MVRetail password"),
    Credential("walmart_edr_username", "Walmart Retail Link username", "Retail Link user id"),
    Credential("walmart_edr_password", "Walmart Retail Link password", "Retail Link password"),
    Credential("walmart_edr_mfa_credential_id", "Retail Link MFA credential id", "the SMS credential id"),
)
LABELS = {cred.key: cred.label for cred in CREDENTIALS}


def credential_problems(values: Mapping[str, str]) -> dict[str, str]:
    """Credential key → why its value cannot be stored (unknown keys included)."""
    problems = {}
    for key, value in values.items():
        if key not in LABELS:
            problems[key] = "Not a credential schedbot keeps."
        elif len(value) > MAX_CREDENTIAL_LENGTH:
            problems[key] = f"At most {MAX_CREDENTIAL_LENGTH} characters."
        elif any(unicodedata.category(ch).startswith("C") for ch in value):
            problems[key] = "Line breaks and control characters are not allowed."
        elif value != value.strip():
            problems[key] = "Remove the spaces at the start or end."
    return problems


class StoreSettingsService:
    """Reads the status of, and stores, the store's credentials (admins only)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def credential_status(self, actor: Actor) -> dict[str, str]:
        """For each credential key: "set", "not set" or "set, but unreadable …" — never the value."""
        authz.require(actor, authz.Action.SETTINGS)
        status = {}
        with self._uow_factory() as uow:
            for cred in CREDENTIALS:
                try:
                    present = uow.settings.get(actor.store_id, cred.key) not in (None, "")
                    status[cred.key] = SET if present else NOT_SET
                except (RuntimeError, ValueError) as exc:
                    log.warning("credential %s cannot be read: %s", cred.key, type(exc).__name__)
                    status[cred.key] = UNREADABLE
        return status

    def save_credentials(self, actor: Actor, values: Mapping[str, str]) -> list[str]:
        """Store the given credentials encrypted, in one transaction; the labels of what changed.

        Nothing is stored when any value is refused (``InvalidInput`` keyed by credential key). The
        secret box refusing to encrypt (no key configured) raises its ``RuntimeError``.
        """
        authz.require(actor, authz.Action.SETTINGS)
        if not values:
            first = CREDENTIALS[0].key
            raise InvalidInput("Enter at least one credential to save.",
                               {first: "Enter at least one credential to save."})
        problems = credential_problems(values)
        if problems:
            listed = "; ".join(f"{LABELS.get(key, key)}: {why}" for key, why in problems.items())
            raise InvalidInput(f"Not saved: {listed}", problems)
        with self._uow_factory() as uow:
            for key, value in values.items():
                uow.settings.set(actor.store_id, key, value, secret=True)
            audit.record(uow, actor, "settings.credentials", "settings", "credentials",
                         after={"changed": sorted(values)}, at=self._clock.now())
            uow.commit()
        return [LABELS[key] for key in values]
