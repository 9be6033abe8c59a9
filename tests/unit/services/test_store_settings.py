"""``StoreSettingsService``: admins store credentials as secrets; the audit names them, never the values."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.model import Actor, Role
from core.services.store_settings import CREDENTIALS, NOT_SET, SET, UNREADABLE, StoreSettingsService
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

ADMIN = Actor("U0ADMIN", Role.ADMIN)
MANAGER = Actor("U0MIA", Role.MANAGER)
CANARY = "canary-password-7f3a91"
CANARY_USER = "canary.user.52be"


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def service(db: FakeDatabase) -> StoreSettingsService:
    return StoreSettingsService(fake_uow_factory(db), FixedClock())


def stored(db: FakeDatabase) -> dict[str, tuple[str, bool]]:
    """Setting key → (value, stored as secret) of store 1."""
    return {key: (value, secret) for (store, key), (_, _, value, secret) in db.snapshot("settings").items()
            if store == 1}


def test_an_admin_stores_credentials_as_secrets_and_is_told_which(
        service: StoreSettingsService, db: FakeDatabase) -> None:
    changed = service.save_credentials(ADMIN, {"walmart_edr_password": CANARY,
                                               "walmart_edr_username": CANARY_USER})

    assert changed == ["Walmart Retail Link password", "Walmart Retail Link username"]
    assert stored(db) == {"walmart_edr_password": (CANARY, True), "walmart_edr_username": (CANARY_USER, True)}


def test_the_audit_entry_names_the_changed_credentials_but_never_a_value(
        service: StoreSettingsService, db: FakeDatabase) -> None:
    service.save_credentials(ADMIN, {"walmart_edr_password": CANARY, "crossmark_username": CANARY_USER})

    [entry] = db.snapshot("audit").values()
    assert (entry.action, entry.actor, entry.entity) == ("settings.credentials", ADMIN.label, "settings")
    assert entry.after == {"changed": ["crossmark_username", "walmart_edr_password"]}
    assert CANARY not in repr(entry) and CANARY_USER not in repr(entry)


@pytest.mark.parametrize("actor", [MANAGER, Actor("U0LEE", Role.LEAD, "E-LEE"),
                                   Actor("U0ANN", Role.EMPLOYEE, "E-A")])
def test_anyone_but_an_admin_is_refused_and_nothing_changes(
        service: StoreSettingsService, db: FakeDatabase, actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        service.save_credentials(actor, {"crossmark_password": CANARY})
    with pytest.raises(PermissionDenied):
        service.credential_status(actor)
    assert db.snapshot("settings") == {} and db.snapshot("audit") == {}


@pytest.mark.parametrize(("values", "field", "problem"), [
    ({}, CREDENTIALS[0].key, "at least one"),
    ({"crossmark_password": "line\nbreak"}, "crossmark_password", "control characters"),
    ({"crossmark_username": " padded "}, "crossmark_username", "spaces"),
    ({"crossmark_password": "x" * 201}, "crossmark_password", "At most 200"),
    ({"slack_bot_token": "xoxb-1"}, "slack_bot_token", "Not a credential"),
])
def test_refused_values_are_field_errors_and_nothing_is_stored(
        service: StoreSettingsService, db: FakeDatabase, values: dict[str, str], field: str,
        problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        service.save_credentials(ADMIN, values)

    assert problem in refused.value.fields[field]
    assert db.snapshot("settings") == {} and db.snapshot("audit") == {}


def test_one_refused_value_stores_none_of_the_others(service: StoreSettingsService, db: FakeDatabase) -> None:
    with pytest.raises(InvalidInput) as refused:
        service.save_credentials(ADMIN, {"crossmark_username": CANARY_USER, "crossmark_password": " x"})

    assert set(refused.value.fields) == {"crossmark_password"}
    assert CANARY_USER not in refused.value.message
    assert db.snapshot("settings") == {} and db.snapshot("audit") == {}


def test_the_status_says_which_credentials_are_set_and_never_their_values(
        service: StoreSettingsService) -> None:
    service.save_credentials(ADMIN, {"walmart_edr_password": CANARY})

    status = service.credential_status(ADMIN)

    assert status == {cred.key: SET if cred.key == "walmart_edr_password" else NOT_SET
                      for cred in CREDENTIALS}
    assert CANARY not in repr(status)


def test_a_secret_the_current_key_cannot_read_is_reported_as_unreadable(db: FakeDatabase) -> None:
    class UnreadableUow(FakeUnitOfWork):
        def __init__(self) -> None:
            super().__init__(db)
            settings = self.settings

            class Refusing:
                def get(self, store_id: int, key: str) -> str | None:
                    if key == "crossmark_password":
                        raise RuntimeError("cannot read stored secrets")
                    return settings.get(store_id, key)

            self.settings = Refusing()  # type: ignore[assignment]

    status = StoreSettingsService(UnreadableUow, FixedClock()).credential_status(ADMIN)

    assert status["crossmark_password"] == UNREADABLE and status["crossmark_username"] == NOT_SET
