"""``schedbot import-legacy`` end to end: arguments, environment, printed report, exit code."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli.legacy_import import add_commands
from core.errors import InvalidInput
from integrations.crypto import FernetSecretBox, generate_key
from integrations.db.engine import make_engine
from tests.integration.legacy.legacy_schema import LEGACY_KEY, WALMART_PASSWORD


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="schedbot")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


@pytest.fixture
def our_key(monkeypatch: pytest.MonkeyPatch, migrated_url: str) -> str:
    key = generate_key()
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("SETTINGS_ENCRYPTION_KEY", key)
    monkeypatch.delenv("LEGACY_SETTINGS_ENCRYPTION_KEY", raising=False)
    return key


def _scalar(url: str, sql: str) -> object:
    engine = make_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def test_import_legacy_prints_the_report_and_a_rerun_says_nothing_changed(
        our_key: str, migrated_url: str, legacy_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("import-legacy", legacy_url, "--legacy-key", LEGACY_KEY) == 0
    first = capsys.readouterr().out
    assert "Import committed." in first and "employees" in first and "Not imported (8):" in first
    assert WALMART_PASSWORD not in first
    raw = str(_scalar(migrated_url, "SELECT value FROM system_settings WHERE key = 'edr_password'"))
    assert FernetSecretBox(our_key).decrypt(raw) == WALMART_PASSWORD
    assert run_cli("import-legacy", legacy_url, "--legacy-key", LEGACY_KEY) == 0
    assert "Nothing changed: the database already matches the legacy data." in capsys.readouterr().out


def test_the_legacy_key_may_come_from_the_environment(
        our_key: str, migrated_url: str, legacy_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LEGACY_SETTINGS_ENCRYPTION_KEY", LEGACY_KEY)
    assert run_cli("import-legacy", legacy_url) == 0
    assert "edr_password" not in capsys.readouterr().out
    assert _scalar(migrated_url, "SELECT COUNT(*) FROM system_settings WHERE key = 'edr_password'") == 1


def test_a_dry_run_prints_the_report_and_writes_nothing(
        our_key: str, migrated_url: str, legacy_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("import-legacy", legacy_url, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was written" in out and "run again without --dry-run" in out
    assert "edr_password: encrypted with the legacy key; pass --legacy-key" in out
    assert _scalar(migrated_url, "SELECT COUNT(*) FROM employees") == 0


def test_an_unmigrated_schedbot_database_is_refused(
        tmp_path: Path, legacy_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(InvalidInput, match="schedbot db upgrade"):
        run_cli("import-legacy", legacy_url)


def test_a_malformed_legacy_key_is_refused_before_reading(
        our_key: str, legacy_url: str) -> None:
    with pytest.raises(InvalidInput, match="--legacy-key"):
        run_cli("import-legacy", legacy_url, "--legacy-key", "not-a-fernet-key")
