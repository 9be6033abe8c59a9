"""Helpers of the process-level smoke tests: the real ``schedbot`` command as a subprocess.

Each process gets a minimal environment (``PATH``, a private ``HOME`` and the schedbot settings a
test gives), runs in the test's ``tmp_path`` (so no ``.env`` is picked up from a checkout) and writes
its stdout and stderr to one log file, which is shown when something goes wrong and searched for
secret canaries at the end of a test.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from devtools.fake_slack import FakeSlack
from devtools.sandbox import SANDBOX_EDR_PASSWORD, SANDBOX_PASSWORD
from tests.e2e.slack.support import CANARY_BOT_TOKEN, CANARY_SIGNING_SECRET

CANARY_APP_TOKEN = "xapp-1-canary-app-token-5b7e19c4"
SECRETS = (CANARY_BOT_TOKEN, CANARY_SIGNING_SECRET, CANARY_APP_TOKEN, SANDBOX_EDR_PASSWORD, SANDBOX_PASSWORD)
"""Values that must never show up in a process log or in what the bot sent to Slack."""
STARTUP_TIMEOUT = 45.0
STOP_TIMEOUT = 10.0
LOG_TAIL_CHARS = 6000


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(check: Callable[[], Any], what: str, timeout: float = 20.0,
               on_timeout: Callable[[], str] | None = None) -> Any:
    """Poll ``check`` until it returns something truthy (returned); fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            detail = on_timeout() if on_timeout is not None else ""
            raise AssertionError(f"never happened within {timeout:.0f} s: {what}\n{detail}")
        time.sleep(0.05)


def schedbot_env(home: Path, values: Mapping[str, str]) -> dict[str, str]:
    """The whole environment of a schedbot process: PATH, a private HOME and ``values``."""
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "PYTHONUNBUFFERED": "1",
            "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8", **values}


def slack_env(fake_slack: FakeSlack, *, team_channel: str, admins: Sequence[str]) -> dict[str, str]:
    """Single-workspace Slack settings aimed at the fake Web API."""
    return {"SLACK_API_URL": fake_slack.base_url, "SLACK_BOT_TOKEN": CANARY_BOT_TOKEN,
            "SLACK_SIGNING_SECRET": CANARY_SIGNING_SECRET, "TEAM_CHANNEL": team_channel,
            "SCHEDBOT_ADMINS": ",".join(admins)}


def tail(text: str) -> str:
    """The end of a long log."""
    return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]


def leaked(texts: Iterable[str], secrets: Iterable[str] = SECRETS) -> list[str]:
    """The secrets found in any of ``texts``."""
    wanted = [s for s in secrets if s]
    return sorted({s for text in texts for s in wanted if s in text})


def slack_traffic(fake_slack: FakeSlack) -> list[str]:
    """Everything the bot sent to the fake Slack (params and bodies; tokens are only hinted)."""
    return [json.dumps(c.params, default=str) + c.raw_body.decode("utf-8", "replace")
            for c in fake_slack.calls()]


def assert_no_leaks(schedbot: Schedbot, fake_slack: FakeSlack, *extra: str) -> None:
    """No secret canary (nor any of ``extra``) in a process log or in what the bot sent to Slack."""
    found = leaked([*schedbot.logs(), *slack_traffic(fake_slack)], (*SECRETS, *extra))
    assert not found, f"secrets leaked: {found}"


class SchedbotProcess:
    """One running ``schedbot …`` (``python -m bot.cli.main``) with its output in ``log_path``."""

    def __init__(self, name: str, args: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        self.name = name
        self.args = [sys.executable, "-m", "bot.cli.main", *args]
        self.log_path = cwd / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, cwd=cwd, env=dict(env))

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text("utf-8", "replace")

    def describe(self) -> str:
        """The command, its state and the end of its log (for failure messages)."""
        code = self.popen.poll()
        state = "running" if code is None else f"exited with {code}"
        return f"--- {self.name} ({' '.join(self.args[2:])}) {state}; log:\n{tail(self.log())}"

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def wait_for_health(self, url: str, timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
        """Poll ``GET url`` until it answers 200 (its JSON is returned); fail with the log."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if not self.running:
                raise AssertionError(f"{self.name} exited before {url} answered\n{self.describe()}")
            try:
                answer = httpx.get(url, timeout=2.0)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}"
            else:
                if answer.status_code == 200:
                    payload: dict[str, Any] = answer.json()
                    return payload
                last = f"HTTP {answer.status_code}: {answer.text[:200]}"
            time.sleep(0.1)
        raise AssertionError(f"{url} did not answer 200 within {timeout:.0f} s ({last})\n{self.describe()}")

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL; the return code."""
        if self.running:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self._log.close()
        return int(self.popen.returncode)


class Schedbot:
    """Starts and runs ``schedbot`` commands in ``cwd``; ``close()`` stops whatever still runs."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.processes: list[SchedbotProcess] = []

    def start(self, name: str, args: Sequence[str], env: Mapping[str, str]) -> SchedbotProcess:
        """Start a long-running command (``serve``, ``clock``)."""
        process = SchedbotProcess(name, args, env, self.cwd)
        self.processes.append(process)
        return process

    def run(self, name: str, args: Sequence[str], env: Mapping[str, str], timeout: float = 90.0) -> str:
        """Run a command to completion; its output, after asserting it exited 0."""
        process = self.start(name, args, env)
        try:
            code = process.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            raise AssertionError(f"{name} did not finish within {timeout:.0f} s\n"
                                 f"{process.describe()}") from None
        assert code == 0, f"{name} failed\n{process.describe()}"
        return process.log()

    def logs(self) -> list[str]:
        """The logs of every process started so far."""
        return [p.log() for p in self.processes]

    def describe(self) -> str:
        """Every process with the end of its log."""
        return "\n".join(p.describe() for p in self.processes)

    def close(self) -> None:
        """Terminate every process that is still running."""
        for process in reversed(self.processes):
            process.terminate()
