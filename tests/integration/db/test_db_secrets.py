"""Secrets at rest: the Fernet box, encrypted settings, and key rotation that survives a crash."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from core.ports import SecretBox
from integrations.crypto import FernetSecretBox, SecretDecryptionError, generate_key
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.ops_tables import SECRET_INSTALLATION_COLUMNS, SlackInstallationRow, SystemSettingRow
from integrations.db.secret_rotation import rotate_secrets
from integrations.db.unit_of_work import SqlUnitOfWork

CANARY = "hunter2-canary-9f1c"


class TestFernetSecretBox:
    def test_a_secret_round_trips(self) -> None:
        box: SecretBox = FernetSecretBox(generate_key())
        token = box.encrypt(CANARY)
        assert CANARY not in token
        assert box.decrypt(token) == CANARY

    def test_the_first_key_encrypts_and_any_key_decrypts(self) -> None:
        old, new = generate_key(), generate_key()
        old_token = FernetSecretBox(old).encrypt(CANARY)
        both = FernetSecretBox(f"{new}, {old}")
        assert both.decrypt(old_token) == CANARY
        assert FernetSecretBox(new).decrypt(both.encrypt(CANARY)) == CANARY
        with pytest.raises(SecretDecryptionError):
            FernetSecretBox(old).decrypt(both.encrypt(CANARY))

    def test_rotate_moves_a_token_under_the_first_key(self) -> None:
        old, new = generate_key(), generate_key()
        token = FernetSecretBox(old).encrypt(CANARY)
        both = FernetSecretBox(f"{new},{old}")
        assert not both.is_current(token)
        rotated = both.rotate(token)
        assert both.is_current(rotated)
        assert FernetSecretBox(new).decrypt(rotated) == CANARY

    def test_neither_repr_nor_errors_reveal_a_key(self) -> None:
        key = generate_key()
        box = FernetSecretBox(key)
        assert key not in repr(box) and key not in str(box)
        with pytest.raises(ValueError) as bad:
            FernetSecretBox(key[:-4] + "!!!!")
        assert key[:20] not in str(bad.value)
        with pytest.raises(TypeError):
            pickle.dumps(box)

    def test_an_empty_key_list_is_refused(self) -> None:
        with pytest.raises(ValueError):
            FernetSecretBox(" , ")

    def test_a_garbled_token_is_a_decryption_error(self) -> None:
        with pytest.raises(SecretDecryptionError):
            FernetSecretBox(generate_key()).decrypt("not-a-token")


def _raw_settings(url: str) -> dict[str, tuple[str, bool]]:
    engine = make_engine(url)
    table = SystemSettingRow.__table__
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(table.c.key, table.c.value, table.c.is_secret)).all()
    finally:
        engine.dispose()
    return {r.key: (r.value, r.is_secret) for r in rows}


def test_secret_settings_are_never_stored_in_plaintext(
        uow_factory: Callable[[], SqlUnitOfWork], migrated_url: str, secret_box: FernetSecretBox) -> None:
    with uow_factory() as uow:
        uow.settings.set(1, "edr_password", CANARY, secret=True)
        uow.settings.set(1, "edr_username", "walmart-user")
        uow.commit()
    raw = _raw_settings(migrated_url)
    assert CANARY not in raw["edr_password"][0] and raw["edr_password"][1] is True
    assert secret_box.decrypt(raw["edr_password"][0]) == CANARY
    assert raw["edr_username"] == ("walmart-user", False)
    with uow_factory() as uow:
        assert uow.settings.get(1, "edr_password") == CANARY


class Crash(Exception):
    pass


def test_rotation_killed_midway_then_rerun_leaves_every_secret_readable_by_the_new_key_alone(
        migrated_url: str) -> None:
    old, new = generate_key(), generate_key()
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    try:
        with SqlUnitOfWork(sessions, FernetSecretBox(old)) as uow:
            for n in range(1000):
                uow.settings.set(1, f"secret_{n:04d}", f"{CANARY}-{n}", secret=True)
            uow.settings.set(1, "plain", "visible")
            old_box = FernetSecretBox(old)
            uow.session.execute(insert(SlackInstallationRow), [
                {"team_id": f"T{n}", "user_id": f"U{n}", "installed_at": datetime.now(UTC),
                 "bot_token": old_box.encrypt(f"xoxb-{n}"), "user_token": old_box.encrypt(f"xoxp-{n}")}
                for n in range(30)])
            uow.commit()

        rotating = FernetSecretBox(f"{new},{old}")

        def crash_after_fourth(batch: int) -> None:
            if batch == 4:
                raise Crash

        with pytest.raises(Crash):
            rotate_secrets(sessions, rotating, batch_size=100, after_batch=crash_after_fourth)
        assert rotate_secrets(sessions, rotating, batch_size=100) == 1000 - 400 + 60
        assert rotate_secrets(sessions, rotating, batch_size=100) == 0

        new_only = FernetSecretBox(new)
        with SqlUnitOfWork(sessions, new_only) as uow:
            values = uow.settings.all(1)
            table = SlackInstallationRow.__table__
            tokens = uow.session.execute(select(*(table.c[c] for c in SECRET_INSTALLATION_COLUMNS))).all()
        assert values == {"plain": "visible", **{f"secret_{n:04d}": f"{CANARY}-{n}" for n in range(1000)}}
        decrypted = {new_only.decrypt(t) for row in tokens for t in row if t is not None}
        assert decrypted == {f"xoxb-{n}" for n in range(30)} | {f"xoxp-{n}" for n in range(30)}
    finally:
        engine.dispose()
