"""``schedbot demo``: the whole daily cycle on a demo store with no configuration.

SQLite under ``--dir``, local sandbox Crossmark and Retail Link servers on loopback, and the real
clients, services and PDF renderer: reps sync → roster → events sync → auto-schedule → approve
(pushes to the sandbox) → EDR cache (the demo types the SMS code a manager would) → packet.
"""

from __future__ import annotations

import argparse
import io
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.bootstrap import build
from bot.container import Container
from bot.settings import Settings
from core.model import Actor, Role
from core.services.packet import store_today
from core.textdates import parse_date
from devtools.sandbox import SANDBOX_MFA_CODE, RunningSandboxes, start_sandboxes
from integrations.crypto import generate_key

log = logging.getLogger(__name__)

DEMO_DB = "schedbot-demo.db"
DEMO_MANAGER = Actor(slack_user_id="U0DEMOMGR", role=Role.ADMIN)


@dataclass
class DemoSummary:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)


@dataclass(frozen=True)
class ShiftedClock:
    """The real clock moved by whole days, so ``schedbot demo --date D`` lives on day D."""

    offset: timedelta

    @classmethod
    def on(cls, day: date) -> ShiftedClock:
        return cls(timedelta(days=(day - datetime.now(UTC).date()).days))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def demo_settings(directory: Path, sandboxes: RunningSandboxes) -> Settings:
    """Settings pointing at the demo database and the sandboxes; the environment is ignored so the
    demo can never touch a real Crossmark, Retail Link or Slack."""
    env = sandboxes.env()
    from bot.settings import Secret

    return Settings(
        database_url=f"sqlite:///{directory / DEMO_DB}",
        settings_encryption_key=Secret(generate_key()),
        external_api_base_url=env["EXTERNAL_API_BASE_URL"],
        external_api_username=env["EXTERNAL_API_USERNAME"],
        external_api_password=Secret(env["EXTERNAL_API_PASSWORD"]),
        external_api_timeout=10.0,
        external_api_timezone=env["EXTERNAL_API_TIMEZONE"],
        walmart_login_base_url=env["WALMART_LOGIN_BASE_URL"],
        walmart_edr_base_url=env["WALMART_EDR_BASE_URL"],
        walmart_edr_username=env["WALMART_EDR_USERNAME"],
        walmart_edr_password=Secret(env["WALMART_EDR_PASSWORD"]),
        walmart_edr_mfa_credential_id=env["WALMART_EDR_MFA_CREDENTIAL_ID"],
        store_number=env["STORE_NUMBER"],
        store_timezone=env["STORE_TIMEZONE"],
    )


def prepare(directory: Path, today: date, *, pinned: bool = False) -> tuple[Container, RunningSandboxes]:
    """A fresh demo database, migrated, wired to freshly started sandboxes."""
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob(f"{DEMO_DB}*"):
        leftover.unlink()
    sandboxes = start_sandboxes(today)
    try:
        settings = demo_settings(directory, sandboxes)
        core = build(settings, clock=ShiftedClock.on(today) if pinned else None, migrate_first=True)
    except Exception:
        sandboxes.stop()
        raise
    return core, sandboxes


def run_cycle(directory: Path, today: date | None = None) -> tuple[DemoSummary, Path]:
    """Run the daily cycle; the printed summary and the packet path."""
    from devtools.demo.roster import set_up_team

    started = time.monotonic()
    out = DemoSummary()
    core, sandboxes = prepare(directory, today or date.today(), pinned=today is not None)
    try:
        services = core.services
        assert services.sync is not None, "the demo always has the Crossmark sandbox"
        day = today or store_today(core.clock, core.settings.store_timezone)
        out.add(f"schedbot demo — {sandboxes.dataset.store_number} on {day:%A %B %-d, %Y}")
        out.add(f"  database      {core.settings.database_url}")
        out.add(f"  sandboxes     Crossmark {sandboxes.crossmark_server.base_url}, "
                f"Retail Link {sandboxes.retaillink_server.base_url}")
        reps = services.sync.sync_reps(DEMO_MANAGER)
        out.add(f"reps synced     {_counts(reps.counts)}")
        titles = {r.rep_id: r.job_title for r in sandboxes.dataset.reps}
        roster = set_up_team(services, core.uow_factory, DEMO_MANAGER, day, titles)
        out.add(f"roster imported {roster.render().splitlines()[0]}")
        events = services.sync.sync_events(DEMO_MANAGER)
        out.add(f"events synced   {_counts(events.counts)}")
        for conflict in events.conflicts[:5]:
            out.add(f"  conflict: {conflict}")
        _auto_and_approve(core, out)
        _schedule(core, day, out)
        _edr(core, out)
        packet_path = _packet(core, day, directory, out)
        out.add(f"done in {time.monotonic() - started:.1f} s")
        return out, packet_path
    finally:
        sandboxes.stop()
        core.close()


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def _auto_and_approve(core: Container, out: DemoSummary) -> None:
    services = core.services
    result = services.auto.run(DEMO_MANAGER, days=14)
    summary = result.summary
    out.add(f"auto-scheduler  {summary.to_schedule} to schedule: {summary.proposed} proposed, "
            f"{summary.unscheduled} left unscheduled; solver {summary.status_line} "
            f"in {summary.wall_seconds or 0:.1f} s")
    for row in summary.unscheduled_rows:
        out.add(f"  unscheduled: {row.reason_text or row.event_name + ': ' + ', '.join(row.reason_codes)}")
    approval = services.auto.approve(DEMO_MANAGER, result.run_id)
    pushed = f"{len(approval.pushed)} pushed to the Crossmark sandbox"
    failed = f", {len(approval.failed)} failed" if approval.failed else ""
    out.add(f"approved        by the demo manager: {pushed}{failed}")
    for proposal_id, error in approval.failed:
        out.add(f"  push failed: proposal {proposal_id}: {error}")


def _schedule(core: Container, day: date, out: DemoSummary) -> None:
    """Today's schedule by time, the week at a glance, and what is still open."""
    queries = core.services.queries
    today = queries.day(DEMO_MANAGER, day)
    out.add(f"today           {day:%a %m/%d}: {len(today.rows)} assignment(s)")
    for row in today.rows:
        hours = f"{row.start:%-I:%M %p}-{row.end:%-I:%M %p}"
        out.add(f"  {hours:<19} {row.employee_name:<22} {row.event_name}")
    week = queries.week(DEMO_MANAGER, day)
    out.add("this week       " + " · ".join(f"{d.day:%a} {len(d.rows)}" for d in week.days)
            + " assignment(s)")
    still_open = queries.events(DEMO_MANAGER, "unscheduled")
    out.add(f"unscheduled     {len(still_open)} event(s) still open")
    for event_row in still_open[:8]:
        due = f"due in {event_row.days_left} day(s)" if event_row.days_left is not None else ""
        out.add(f"  {event_row.event.name} {due}".rstrip())


def _edr(core: Container, out: DemoSummary) -> None:
    if core.retaillink is None or core.services.sync is None:
        return
    core.retaillink.request_code()
    core.retaillink.submit_code(SANDBOX_MFA_CODE)
    report = core.services.sync.sync_edr(DEMO_MANAGER)
    out.add(f"EDR cache       {_counts(report.counts)} (Retail Link code entered)")


def _packet(core: Container, day: date, directory: Path, out: DemoSummary) -> Path:
    from pypdf import PdfReader

    build = core.services.packet.build(DEMO_MANAGER, day)
    path = directory / build.filename
    path.write_bytes(build.pdf)
    pages = len(PdfReader(io.BytesIO(build.pdf)).pages)
    cores = sum(1 for e in build.data.entries if e.event_type == "Core")
    out.add(f"packet          {pages} pages: {len(build.data.entries)} assignments, {cores} Core "
            f"with EDR pages{', missing EDR: ' + ', '.join(build.missing_edr) if build.missing_edr else ''}")
    out.add(f"packet path     {path.resolve()}")
    return path


def main(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    today = parse_date(args.date, date.today()) if args.date else None
    run_cycle(directory, today)
    return 0
