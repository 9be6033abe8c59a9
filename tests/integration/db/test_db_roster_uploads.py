"""Staged roster uploads (``uow.roster_uploads``): the same contract over the fake and the SQL table
(SQLite and PostgreSQL), the staging service over SQL, and the migration that moves the uploads out
of ``system_settings``."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from core.errors import Conflict
from core.model import Actor, Role, RosterUpload, UploadStatus
from core.services.roster import RosterService, UploadResult
from core.services.roster_csv import COLUMNS
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine
from integrations.db.migrate import downgrade, upgrade
from tests.conftest import sql_uow_factory
from tests.fakes.clock import FixedClock
from tests.integration.db.conftest import UowMaker
from tests.integration.db.test_db_concurrency import run_threads

NOW = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
CONTENT = b"employee_id,name\r\nUS1,Ann \xc3\xa9\x00\xff\n"
"""Bytes as uploaded: CRLF, UTF-8, a NUL and a byte that is no UTF-8 at all."""
MANAGER = Actor("U0MIA", Role.MANAGER)
INITIAL = "52c8cae20e21"


def upload(upload_id: str = "tok-1", **changes: object) -> RosterUpload:
    fields: dict[str, object] = {"id": upload_id, "uploaded_by": "U0MIA", "file_name": "team.csv",
                                 "content": CONTENT, "created_at": NOW, **changes}
    return RosterUpload(**fields)  # type: ignore[arg-type]


class TestRosterUploadRepository:
    def test_an_upload_reads_back_exactly_as_stored(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload())
            uow.commit()
        with any_uow() as uow:
            found = uow.roster_uploads.get("tok-1")
        assert found == upload()
        assert found is not None and isinstance(found.content, bytes) and found.status is UploadStatus.PENDING
        assert found.created_at.tzinfo is not None and found.created_at == NOW

    def test_uploads_are_listed_by_store_and_status(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload("b"))
            uow.roster_uploads.add(upload("a", status=UploadStatus.APPLIED, content=b""))
            uow.commit()
        with any_uow() as uow:
            assert [u.id for u in uow.roster_uploads.list(store_id=1)] == ["a", "b"]
            assert [u.id for u in uow.roster_uploads.list(status=UploadStatus.PENDING)] == ["b"]
            assert uow.roster_uploads.get("missing") is None

    def test_an_id_is_used_once(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload())
            uow.commit()
        with any_uow() as uow, pytest.raises(Conflict):
            uow.roster_uploads.add(upload(file_name="other.csv"))

    def test_the_status_changes_only_from_the_expected_one(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload())
            uow.commit()
        with any_uow() as uow:
            assert uow.roster_uploads.transition("tok-1", [UploadStatus.PENDING], UploadStatus.APPLIED)
            assert not uow.roster_uploads.transition("tok-1", [UploadStatus.PENDING], UploadStatus.DISCARDED)
            assert not uow.roster_uploads.transition("missing", [UploadStatus.PENDING], UploadStatus.APPLIED)
            current = uow.roster_uploads.get("tok-1")
            assert current is not None
            uow.roster_uploads.update(RosterUpload(**{**current.__dict__, "content": b""}))
            uow.commit()
        with any_uow() as uow:
            assert uow.roster_uploads.get("tok-1") == upload(status=UploadStatus.APPLIED, content=b"")

    def test_an_uncommitted_transition_is_rolled_back(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload())
            uow.commit()
        with any_uow() as uow:
            assert uow.roster_uploads.transition("tok-1", [UploadStatus.PENDING], UploadStatus.DISCARDED)
        with any_uow() as uow:
            found = uow.roster_uploads.get("tok-1")
        assert found is not None and found.status is UploadStatus.PENDING

    def test_of_concurrent_transitions_exactly_one_wins(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.roster_uploads.add(upload())
            uow.commit()

        def decide(index: int) -> bool:
            with any_uow() as uow:
                won = uow.roster_uploads.transition("tok-1", [UploadStatus.PENDING], UploadStatus.APPLIED)
                uow.commit()
            return won

        assert sorted(run_threads(4, decide)) == [False, False, False, True]  # type: ignore[type-var]


def roster_csv(*rows: str) -> bytes:
    return "\n".join([",".join(COLUMNS), *rows, ""]).encode()


class TestStagingOverSql:
    def test_a_staged_file_applies_once_and_its_content_is_forgotten(self, any_uow: UowMaker) -> None:
        roster = RosterService(any_uow, FixedClock(NOW))
        data = roster_csv("US100003,Cara Juicer,150003,cara@example.com,Juicer Barista,yes,,,,,,,,")

        staged = roster.stage_upload(MANAGER, "team.csv", data)
        assert staged.upload is not None
        with any_uow() as uow:
            assert uow.roster_uploads.get(staged.upload.id) == staged.upload
        upload_id = staged.upload.id
        decisions = run_threads(2, lambda _: roster.apply_upload(MANAGER, upload_id))

        assert sorted(getattr(d, "result", None) is UploadResult.DONE for d in decisions) == [False, True]
        with any_uow() as uow:
            stored = uow.roster_uploads.get(upload_id)
            created = uow.audit.list(action="roster.create")
            cara = uow.employees.get("US100003")
        assert stored is not None and (stored.status, stored.content) == (UploadStatus.APPLIED, b"")
        assert cara is not None and (cara.name, cara.email) == ("Cara Juicer", "cara@example.com")
        assert len(created) == 1


SettingRow = tuple[int, str, str, bool]


def _settings_at_initial_revision(url: str, rows: list[SettingRow]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for store_id, key, value, secret in rows:
                connection.execute(text("INSERT INTO system_settings (store_id, key, value, is_secret) "
                                        "VALUES (:s, :k, :v, :x)"),
                                   {"s": store_id, "k": key, "v": value, "x": secret})
    finally:
        engine.dispose()


def _read(url: str, query: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_the_migration_moves_waiting_uploads_out_of_the_settings_and_downgrades(
        database_url: str, secret_box: FernetSecretBox) -> None:
    upgrade(database_url, INITIAL)
    at = NOW - timedelta(hours=1)
    waiting = json.dumps({"state": "pending", "by": "U0MIA", "at": at.isoformat(), "name": "team.csv",
                          "data": base64.b64encode(CONTENT).decode("ascii")})
    _settings_at_initial_revision(database_url, [
        (1, "roster_upload.tok-wait", waiting, False),
        (1, "roster_upload.tok-done", json.dumps({"state": "applied", "by": "U0MIA", "at": at.isoformat()}),
         False),
        (1, "roster_upload.tok-broken", "{not json", False),
        (1, "rosterXupload.keep", "kept", False),
        (1, "team_channel_note", "kept", False),
    ])

    upgrade(database_url)

    with sql_uow_factory(database_url, secret_box) as factory, factory() as uow:
        assert uow.roster_uploads.list() == [RosterUpload("tok-wait", "U0MIA", "team.csv", CONTENT, at)]
    assert sorted(_read(database_url, "SELECT key FROM system_settings")) == [
        ("rosterXupload.keep",), ("team_channel_note",)]
    downgrade(database_url, INITIAL)
    assert "roster_uploads" not in {row[0] for row in _read(database_url, _TABLES[database_url[:6]])}
    upgrade(database_url)


_TABLES = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
           "postgr": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"}
