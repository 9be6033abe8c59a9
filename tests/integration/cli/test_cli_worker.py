"""``schedbot worker`` is for PostgreSQL: with SQLite it says where jobs run and exits 2."""

from __future__ import annotations

import pytest

from bot.cli.main import main


def test_the_worker_command_refuses_sqlite(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused.db")
    assert main(["worker"]) == 2
    assert "schedbot worker is for PostgreSQL; with SQLite `schedbot serve` runs jobs in process" \
        in capsys.readouterr().err
