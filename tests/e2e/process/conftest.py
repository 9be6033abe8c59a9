"""Fixtures of the process-level smoke tests: fakes in the test process, schedbot in subprocesses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from devtools.fake_slack import FakeSlack
from devtools.sandbox.dataset import TIMEZONE
from integrations.crypto import generate_key
from tests.e2e.process.support import Schedbot
from tests.e2e.process.world import SLACK_USERS, Sandboxes, sandboxes, store_today


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API on loopback with Mia (the manager), Ana and Bob."""
    with FakeSlack(users=SLACK_USERS) as fake:
        yield fake


@pytest.fixture
def today() -> date:
    """Today in the store's (the sandbox dataset's) timezone."""
    return store_today(TIMEZONE)


@pytest.fixture
def stores(today: date) -> Iterator[Sandboxes]:
    """Crossmark and Retail Link sandboxes for today (SMS code 123456)."""
    with sandboxes(today) as running:
        yield running


@pytest.fixture
def encryption_key() -> str:
    """A fresh SETTINGS_ENCRYPTION_KEY."""
    return generate_key()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file (created by ``schedbot db upgrade`` or ``serve``)."""
    return f"sqlite:///{tmp_path / 'schedbot.db'}"


@pytest.fixture
def schedbot(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Schedbot]:
    """Runs ``schedbot`` commands in ``tmp_path``; every process still running is stopped afterwards.

    Request it after the fakes a test uses, so that its processes stop before the fakes do."""
    runner = Schedbot(tmp_path)
    try:
        yield runner
    finally:
        runner.close()
