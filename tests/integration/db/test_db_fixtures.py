"""The shared database fixtures: a run that must use PostgreSQL fails when it could not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
POSTGRES_ONLY_TEST = ("tests/integration/db/test_db_migrations.py::"
                      "test_the_initial_migration_creates_the_default_store[postgres]")


def _pytest(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "SCHEDBOT_REQUIRE_POSTGRES")}
    env.update(extra_env)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", POSTGRES_ONLY_TEST]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_without_postgres_its_tests_skip() -> None:
    result = _pytest({})
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_a_run_that_requires_postgres_fails_when_it_skipped_for_lack_of_it() -> None:
    result = _pytest({"SCHEDBOT_REQUIRE_POSTGRES": "1"})
    assert result.returncode == 1, result.stdout
    assert "PostgreSQL required" in result.stdout
