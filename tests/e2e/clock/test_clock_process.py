"""The clock as a process (catch-up at start) and ``schedbot packet --date D --out FILE``."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.cli.main import main
from bot.clock.scheduler import run_clock
from bot.jobs.context import JobContext
from core.model import Assignment, Employee, Event, EventType
from devtools.fake_slack import FakeSlack
from integrations.crypto import FernetSecretBox, generate_key
from integrations.db.migrate import upgrade
from tests.conftest import sql_uow_factory
from tests.e2e.clock.world import DAY, TZ, ZONE, at, pdf_text
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork


@pytest.fixture
def background() -> Iterator[BackgroundScheduler]:
    scheduler = BackgroundScheduler(timezone=TZ)
    previous = signal.getsignal(signal.SIGTERM)
    yield scheduler
    if scheduler.running:
        scheduler.shutdown(wait=True)
    signal.signal(signal.SIGTERM, previous)


def test_a_clock_started_after_the_packet_time_catches_up_the_packet_once(
        ctx: JobContext, clock: FixedClock, database: FakeDatabase, fake_slack: FakeSlack,
        background: BackgroundScheduler) -> None:
    clock.set(at(DAY, 8, 0))

    run_clock(ctx, scheduler=background)

    fake_slack.wait_for("files.completeUploadExternal")
    deadline = time.monotonic() + 30
    while True:
        with FakeUnitOfWork(database) as uow:
            runs = uow.job_ledger.last_runs(1)
        if {"packet", "packet_deadline"} <= {job for job, (_, _, done) in runs.items() if done}:
            break
        assert time.monotonic() < deadline, f"catch-up did not finish: {runs}"
        time.sleep(0.05)
    assert {job: status for job, (_, status, _) in runs.items()} == {"packet": "ok", "packet_deadline": "ok"}
    assert {job.id for job in background.get_jobs()} >= {"packet", "packet_deadline", "reminders"}
    assert len(fake_slack.calls("files.completeUploadExternal")) == 1


def test_schedbot_packet_writes_the_days_packet_to_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    with sql_uow_factory(url, FernetSecretBox(generate_key())) as factory, factory() as uow:
        uow.employees.add(Employee("E-ANA", "Ana Lopez"))
        event = uow.events.add(Event(0, 501, "606003-CORE-Cli Demo", DAY, DAY, event_type=EventType.CORE))
        uow.assignments.add(Assignment(0, event.id, "E-ANA", datetime(2026, 11, 3, 10, 45)))
        uow.commit()
    monkeypatch.chdir(tmp_path)
    for name in ("EXTERNAL_API_USERNAME", "EXTERNAL_API_PASSWORD", "WALMART_EDR_USERNAME",
                 "WALMART_EDR_PASSWORD", "SETTINGS_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STORE_TIMEZONE", ZONE)
    out = tmp_path / "out" / "packet.pdf"

    code = main(["packet", "--date", "2026-11-03", "--out", str(out)])

    assert code == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert "Ana Lopez" in pdf_text(data)
    printed = capsys.readouterr().out
    assert "10:45 AM Ana Lopez" in printed
    assert f"packet written to {out}" in printed
