"""The `schedbot` command: version, and migrations up, down to base and up again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.cli.main import main
from integrations.db.engine import normalise_url


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("schedbot ")


def test_db_upgrade_downgrade_base_and_upgrade_again(database_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--database-url", database_url]) == 0
    assert "database at revision" in capsys.readouterr().out
    engine = create_engine(normalise_url(database_url))
    try:
        assert "employees" in inspect(engine).get_table_names()
        assert main(["db", "downgrade", "base", "--database-url", database_url]) == 0
        assert "revision base" in capsys.readouterr().out
        assert "employees" not in inspect(engine).get_table_names()
        assert main(["db", "upgrade", "--database-url", database_url]) == 0
        assert main(["db", "current", "--database-url", database_url]) == 0
        assert "revision base" not in capsys.readouterr().out
    finally:
        engine.dispose()


def test_downgrade_without_a_revision_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "downgrade", "--database-url", "sqlite://"]) == 2
    assert "needs a revision" in capsys.readouterr().err


def test_the_console_script_runs_as_a_process() -> None:
    done = subprocess.run([sys.executable, "-m", "bot.cli.main", "--version"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("schedbot ")


@pytest.mark.parametrize("command", [["clock"], ["sync", "reps"], ["auto", "--days", "3"],
                                     ["packet", "--date", "2026-12-01", "--out", "x.pdf"]])
def test_commands_on_an_unmigrated_database_say_how_to_fix_it(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    monkeypatch.chdir(str(tmp_path))

    assert main(command) == 1

    err = capsys.readouterr().err
    assert "has no schema yet" in err and "schedbot db upgrade" in err
    engine = create_engine(f"sqlite:///{tmp_path}/empty.db")
    try:
        assert inspect(engine).get_table_names() == []  # nothing was created on the way
    finally:
        engine.dispose()
