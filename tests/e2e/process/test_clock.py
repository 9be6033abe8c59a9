"""``schedbot clock`` as a process: a job runs through the run-once ledger, then SIGTERM stops it.

No wall-clock wait: the clock catches up at start, running once every daily job whose store-local
time already passed today. ``PACKET_TIME=00:00`` makes the daily packet such a job; with
``PACKET_DEADLINE=00:00`` as well the packet is posted at once (without EDR pages, as nobody can
enter a Retail Link code) instead of waiting for a code, whatever the time of day the test runs.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

from devtools.fake_slack import FakeSlack
from tests.e2e.process.support import (
    Schedbot,
    assert_no_leaks,
    eventually,
    schedbot_env,
    slack_env,
)
from tests.e2e.process.world import MIA, TEAM_CHANNEL, Sandboxes, pdf_text, seed_day, store_database

STOP_SECONDS = 10.0
LedgerRow = tuple[str, str, str, str | None]


def ledger(path: Path) -> list[LedgerRow]:
    """(job, period, status, detail) of every row of the run-once ledger."""
    if not path.exists():
        return []
    with sqlite3.connect(path, timeout=5) as db:
        try:
            rows = db.execute("SELECT job, period, status, detail FROM job_runs ORDER BY id").fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
    return [(str(job), str(period), str(status), detail) for job, period, status, detail in rows]


def test_the_clock_catches_up_the_days_packet_once_and_stops_on_sigterm(
        tmp_path: Path, fake_slack: FakeSlack, stores: Sandboxes, schedbot: Schedbot, sqlite_url: str,
        encryption_key: str, today: date) -> None:
    env = schedbot_env(tmp_path / "home", {
        "DATABASE_URL": sqlite_url, "SETTINGS_ENCRYPTION_KEY": encryption_key,
        **slack_env(fake_slack, team_channel=TEAM_CHANNEL, admins=[MIA]), **stores.env(),
        "PACKET_TIME": "00:00", "PACKET_DEADLINE": "00:00"})
    schedbot.run("db-upgrade", ["db", "upgrade"], env)
    numbers = stores.edr_numbers(2)
    with store_database(sqlite_url, encryption_key, env["STORE_NUMBER"], env["STORE_TIMEZONE"]) as uow:
        seed_day(uow, today, numbers)
    database = tmp_path / "schedbot.db"

    clock = schedbot.start("clock", ["clock"], env)

    def packet_done() -> list[LedgerRow]:
        return [row for row in ledger(database) if row[0] == "packet" and row[2] != "running"]

    [(_, period, status, detail)] = eventually(packet_done, "the packet job finished", timeout=60,
                                               on_timeout=clock.describe)
    assert (period, status) == (today.isoformat(), "ok"), detail
    assert detail == f"packet {today} posted in {TEAM_CHANNEL}, {len(numbers)} EDR missing"
    completions = fake_slack.calls("files.completeUploadExternal")
    assert [c.params.get("channel_id") for c in completions] == [TEAM_CHANNEL]
    with fake_slack.state.lock:
        [pdf] = [f.content for f in fake_slack.state.files.values() if f.completed]
    text = pdf_text(pdf)
    assert "Ana Lopez" in text and "Bob Stone" in text
    assert all(number in text for number in numbers)
    assert "EVENT DETAIL REPORT" not in text
    summaries = [m.text for m in fake_slack.messages(TEAM_CHANNEL) if "Daily packet" in m.text]
    assert len(summaries) == 1 and "Ana Lopez" in summaries[0]

    eventually(lambda: not [row for row in ledger(database) if row[2] == "running"],
               "every caught-up job finished", timeout=60, on_timeout=clock.describe)
    jobs = [row[0] for row in ledger(database)]
    assert jobs.count("packet") == 1 and "packet_deadline" in jobs
    assert all(row[2] == "ok" for row in ledger(database)), ledger(database)

    clock.popen.send_signal(signal.SIGTERM)
    try:
        code = clock.popen.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the clock ignored SIGTERM for {STOP_SECONDS:.0f} s\n"
                             f"{clock.describe()}") from None
    assert code == 0, clock.describe()
    assert "clock stopping (signal 15)" in clock.log()
    assert len(fake_slack.calls("files.completeUploadExternal")) == 1, "the packet was posted twice"
    assert_no_leaks(schedbot, fake_slack, encryption_key)
