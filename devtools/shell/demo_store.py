"""The store behind ``schedbot shell``: the demo store (SQLite, sandbox Crossmark and Retail Link)
seeded the way ``schedbot demo`` seeds it, a fake Slack workspace with one user per team member,
and a container whose services DM people through that fake Slack.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bot.bootstrap import build
from bot.container import Container
from bot.settings import Secret, Settings
from core.textdates import parse_date
from devtools.demo.cycle import DEMO_MANAGER, prepare
from devtools.demo.roster import set_up_team
from devtools.fake_slack import TEAM_CHANNEL_ID, FakeSlack, SlackUser
from devtools.shell.console import ShellSession

SHELL_TOKEN = "xoxb-shell-local"  # noqa: S105 - the fake Slack takes any token
QUIET_LOGGERS = ("bot", "slack_bolt", "slack_sdk", "httpx", "uvicorn", "core", "integrations", "bot.bolt")


@dataclass
class DemoWorkspace:
    """The wired store and what must be stopped when the shell ends."""

    container: Container
    stop: Callable[[], None]


def shell_settings(base: Settings, fake: FakeSlack) -> Settings:
    """The demo settings aimed at the fake Slack (no signing secret: requests never leave the process)."""
    return replace(base, slack_bot_token=Secret(SHELL_TOKEN), slack_signing_secret=Secret(""),
                   slack_api_url=fake.base_url, team_channel=TEAM_CHANNEL_ID,
                   schedbot_admins=(DEMO_MANAGER.slack_user_id,), slack_client_id="")


def seed(core: Container, today: date, titles: dict[str, str]) -> None:
    """Reps, roster (titles, availability, rotations, a holiday, time off) and events, as the demo does."""
    services = core.services
    sync = services.sync
    if sync is None:
        raise RuntimeError("the demo store needs the sandbox Crossmark")
    sync.sync_reps(DEMO_MANAGER)
    set_up_team(services, core.uow_factory, DEMO_MANAGER, today, titles)
    sync.sync_events(DEMO_MANAGER)


def slack_users(core: Container) -> list[SlackUser]:
    """The manager plus one Slack user per active team member with an email (linked on first use)."""
    users = [SlackUser(DEMO_MANAGER.slack_user_id, "manager", "Demo Manager", "manager@demo.schedbot.local")]
    with core.uow_factory() as uow:
        people = sorted(uow.employees.list(store_id=DEMO_MANAGER.store_id), key=lambda e: e.name)
    for n, person in enumerate(p for p in people if p.is_active and p.email):
        handle = person.name.split()[0].lower()
        users.append(SlackUser(f"U{n + 1:04d}DEMO", handle, person.name, person.email))
    return users


def open_demo(directory: Path, today: date, fake: FakeSlack) -> DemoWorkspace:
    """A freshly seeded demo store wired to ``fake``."""
    seeded, sandboxes = prepare(directory, today)
    try:
        seed(seeded, today, {r.rep_id: r.job_title for r in sandboxes.dataset.reps})
        settings = shell_settings(seeded.settings, fake)
        seeded.close()
        container = build(settings, pace_seconds=0)
    except Exception:
        sandboxes.stop()
        raise
    for user in slack_users(container):
        fake.add_user(user)

    def stop() -> None:
        sandboxes.stop()
        container.close()

    return DemoWorkspace(container, stop)


def main(args: argparse.Namespace) -> int:
    """``schedbot shell``: seed the demo store, then read lines from stdin until ``quit``. The bot's
    own log lines are quieted while the console runs (the text on screen is the interface)."""
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        return _console(args)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _console(args: argparse.Namespace) -> int:
    directory = Path(getattr(args, "dir", "demo-output"))
    raw_day = getattr(args, "date", None)
    today = parse_date(raw_day, date.today()) if raw_day else date.today()
    print(f"Preparing the demo store in {directory} …", flush=True)
    with FakeSlack() as fake:
        workspace = open_demo(directory, today, fake)
        session = ShellSession(workspace.container, fake, user=DEMO_MANAGER.slack_user_id, out=sys.stdout)
        try:
            session.run(sys.stdin)
        finally:
            session.close()
            workspace.stop()
    return 0
