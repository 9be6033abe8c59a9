"""Roster import/export on the real database (SQLite and PostgreSQL) and through the CLI."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.legacy_import import add_commands
from core.model import Actor, Employee, JobTitle, Role
from core.ports import UnitOfWork
from core.services.roster import RosterService, RowStatus
from core.services.roster_csv import COLUMNS
from tests.fakes.clock import FixedClock

MANAGER = Actor("U0MANAGER", Role.MANAGER)
HEADER = ",".join(COLUMNS)
TEAM = "\n".join([
    HEADER,
    "US100001,Ana Lead,150001,ana@example.com,Lead Event Specialist,yes,U0ANA,yes,yes,yes,yes,yes,no,no",
    "US100002,=cmd(),150002,,Event Specialist,no,,,,,,,,",
    "US100003,Cara Juicer,150003,cara@example.com,juicer barista,1,U0CARA,1,1,1,1,1,1,0",
    "",
])
Factory = Callable[[], UnitOfWork]


def _state(uow_factory: Factory) -> tuple[object, ...]:
    with uow_factory() as uow:
        return (sorted((e.id, e.name, e.rep_id, e.email, e.job_title, e.is_active)
                       for e in uow.employees.list()),
                sorted((w.employee_id, tuple(w.days)) for w in uow.weekly_availability.list()),
                sorted((x.slack_user_id, x.employee_id, x.role) for x in uow.slack_links.list()),
                len(uow.audit.list()))


def test_a_roster_file_is_imported_and_a_round_trip_changes_nothing(uow_factory: Factory) -> None:
    service = RosterService(uow_factory, FixedClock())
    report = service.import_csv(MANAGER, TEAM.encode())
    assert report.applied and [r.status for r in report.rows] == [RowStatus.CREATED] * 3
    with uow_factory() as uow:
        cara = uow.employees.get("US100003")
        weird = uow.employees.get("US100002")
        week = uow.weekly_availability.get("US100003")
        link = uow.slack_links.get("U0CARA")
    assert cara is not None and cara.job_title is JobTitle.JUICER_BARISTA
    assert weird is not None and (weird.name, weird.is_active) == ("=cmd()", False)
    assert week is not None and tuple(week.days) == (True,) * 6 + (False,)
    assert link is not None and (link.employee_id, link.role) == ("US100003", Role.EMPLOYEE)
    before = _state(uow_factory)
    exported = service.export_csv(MANAGER)
    assert "US100002,'=cmd(),150002" in exported
    again = service.import_csv(MANAGER, exported.encode())
    assert [r.status for r in again.rows] == [RowStatus.UNCHANGED] * 3
    assert _state(uow_factory) == before


def test_a_file_with_a_rejected_row_changes_nothing(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.employees.add(Employee(id="US100009", name="Zed Existing", rep_id="150009"))
        uow.commit()
    before = _state(uow_factory)
    clash = TEAM + "US100004,Dee Clash,150009,,,,,,,,,,,\n"
    report = RosterService(uow_factory, FixedClock()).import_csv(MANAGER, clash.encode())
    assert not report.applied and report.rejected[0].row == 5
    assert _state(uow_factory) == before


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="schedbot")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_the_roster_commands_import_export_and_exit_non_zero_on_rejection(
        migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    team = tmp_path / "team.csv"
    team.write_bytes(b"\xef\xbb\xbf" + TEAM.encode())
    assert _cli("roster", "import", str(team), "--dry-run") == 0
    assert "Dry run: nothing applied." in capsys.readouterr().out
    assert _cli("roster", "import", str(team)) == 0
    assert "3 created" in capsys.readouterr().out
    out = tmp_path / "export.csv"
    assert _cli("roster", "export", str(out)) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == HEADER
    capsys.readouterr()
    assert _cli("roster", "export") == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nUS100001,,,,Boss,,,,,,,,,\n", encoding="utf-8")
    assert _cli("roster", "import", str(bad)) == 1
    assert "row 2, column job_title: unknown job title 'Boss'" in capsys.readouterr().out
    assert _cli("roster", "import", str(tmp_path / "missing.csv")) == 1
    assert "cannot read" in capsys.readouterr().err
