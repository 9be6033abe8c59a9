"""Approve all against ``schedbot serve``: a synced store, a Crossmark sandbox with slow pushes, and
read-only looks at the SQLite file and at what Crossmark holds.

The store is built once (``build_store``: migrate, reps sync, roster, events sync, as ``schedbot
demo`` does) and copied for every trial (``copy_store``), so a trial starts ``serve --no-migrate`` on
a fresh database. Each trial gets its own Crossmark sandbox (``SlowCrossmark``) from the same
dataset: the schedbot process can be killed, the sandbox lives on in the test process.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bot.blocks.proposals import APPROVE_ACTION
from bot.bootstrap import build
from bot.settings import Secret, Settings
from core.model import Actor, Role
from devtools.demo.roster import set_up_team
from devtools.fake_slack import FakeSlack, Message
from devtools.sandbox import CrossmarkSandbox, Fault, FaultKind, SandboxDataset, ServerHandle, serve_in_thread
from devtools.sandbox.crossmark_state import SANDBOX_PASSWORD, SANDBOX_USERNAME
from devtools.sandbox.faults import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    _disconnected_within,
    _read_body,
    _replaying,
)
from integrations.crossmark.adapter import SCHEDULE_PATH
from tests.e2e.flows.harness import find_button, has_button
from tests.e2e.process.support import SchedbotProcess, eventually, free_port, schedbot_env, slack_env
from tests.e2e.process.world import MIA, TEAM_CHANNEL
from tests.e2e.slack.support import CANARY_SIGNING_SECRET
from tests.fakes.slack_requests import SignedRequest, SlackRequests

ACK_DEADLINE_SECONDS = 3.0
STORE_ACTOR = Actor(slack_user_id=MIA, role=Role.ADMIN)


@dataclass(frozen=True)
class StoreTemplate:
    """A migrated, synced SQLite store to copy, and the sandbox dataset it was synced from."""

    path: Path
    dataset: SandboxDataset
    key: str

    @property
    def store_number(self) -> str:
        return self.dataset.store_number


def crossmark_settings(url: str, key: str, dataset: SandboxDataset, base_url: str) -> Settings:
    return Settings(database_url=url, settings_encryption_key=Secret(key), external_api_base_url=base_url,
                    external_api_username=SANDBOX_USERNAME, external_api_password=Secret(SANDBOX_PASSWORD),
                    external_api_timezone=dataset.timezone, external_api_timeout=10.0,
                    store_number=dataset.store_number, store_timezone=dataset.timezone)


def build_store(path: Path, dataset: SandboxDataset, key: str, today: date,
                titles: Mapping[str, str] | None = None) -> StoreTemplate:
    """Migrate ``path`` and fill it from a sandbox serving ``dataset``: reps, roster (job titles by
    rep id: ``titles`` over the sandbox's own), events."""
    sandbox = CrossmarkSandbox(dataset)
    server = sandbox.serve()
    try:
        container = build(crossmark_settings(f"sqlite:///{path}", key, dataset, server.base_url),
                          migrate_first=True)
        try:
            sync = container.services.sync
            assert sync is not None, "the store has no Crossmark"
            sync.sync_reps(STORE_ACTOR)
            set_up_team(container.services, container.uow_factory, STORE_ACTOR, today,
                        {**{r.rep_id: r.job_title for r in dataset.reps}, **(titles or {})})
            sync.sync_events(STORE_ACTOR)
        finally:
            container.close()
    finally:
        server.stop()
    return StoreTemplate(path, dataset, key)


def copy_store(template: StoreTemplate, path: Path) -> str:
    """A consistent copy of the template database at ``path``; its SQLAlchemy URL."""
    source = sqlite3.connect(f"file:{template.path}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


# ---- Crossmark ----------------------------------------------------------------------------------


def slow_pushes(delays: Sequence[float]) -> list[Fault]:
    """Per-push delays: after the change is made (the answer may never arrive) or before it is made
    even if the client has hung up meanwhile (``LATE``: it lands after a kill)."""
    return [Fault(kind, delay=d, times=None, after_handler=kind is FaultKind.SLOW)
            for d in delays for kind in (FaultKind.SLOW, FaultKind.LATE)]


@dataclass
class HeldPushes:
    """ASGI middleware: holds a share of the requests to ``path`` for one of ``delays`` seconds before
    the sandbox sees them; a client that hangs up meanwhile leaves nothing done.

    (``FaultKind.SLOW`` without ``after_handler`` should do this, but it hands the request body to
    its disconnect watcher, so the handler never gets the body of a POST.)"""

    app: ASGIApp
    path: str
    share: float
    delays: Sequence[float]
    seed: int
    held: int = 0
    abandoned: int = 0
    _rng: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        delay = self._draw(scope)
        if delay is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if await _disconnected_within(delay, receive):
            with self._lock:
                self.abandoned += 1
            return
        await self.app(scope, _replaying(body, receive), send)

    def _draw(self, scope: Scope) -> float | None:
        if scope["type"] != "http" or scope["path"] != self.path:
            return None
        with self._lock:
            if self._rng.random() >= self.share:
                return None
            self.held += 1
            return self.delays[self._rng.randrange(len(self.delays))]


@dataclass
class SlowCrossmark:
    """One Crossmark sandbox (its own copy of ``dataset``) on loopback; with ``hold_share`` > 0 that
    share of the pushes is held before the sandbox sees it (see :class:`HeldPushes`)."""

    dataset: SandboxDataset
    hold_share: float = 0.0
    hold_delays: Sequence[float] = (0.05, 0.1)
    seed: int = 0
    sandbox: CrossmarkSandbox = field(init=False)
    held: HeldPushes = field(init=False)
    server: ServerHandle = field(init=False)
    initial: dict[str, int] = field(init=False)
    """Scheduled-event id → mPlan id of what Crossmark held before schedbot pushed anything (any
    condition: a Submitted mPlan still holds its scheduled event)."""

    def __post_init__(self) -> None:
        self.sandbox = CrossmarkSandbox(self.dataset)
        self.initial = {m.schedule_event_id: m.mplan_id for m in self.sandbox.state.data.mplans
                        if m.schedule_event_id}
        self.held = HeldPushes(self.sandbox.app, SCHEDULE_PATH, self.hold_share, self.hold_delays, self.seed)
        self.server = serve_in_thread(self.held)

    def slow_down(self, faults: Sequence[Fault], rate: float = 1.0) -> None:
        """A push gets one of ``faults`` with probability ``rate`` (drawn with ``seed``)."""
        self.sandbox.faults.fail_randomly(SCHEDULE_PATH, rate, faults, seed=self.seed)

    def env(self) -> dict[str, str]:
        return {"EXTERNAL_API_BASE_URL": self.server.base_url, "EXTERNAL_API_USERNAME": SANDBOX_USERNAME,
                "EXTERNAL_API_PASSWORD": SANDBOX_PASSWORD, "EXTERNAL_API_TIMEZONE": self.dataset.timezone,
                "STORE_NUMBER": self.dataset.store_number, "STORE_TIMEZONE": self.dataset.timezone}

    def pushes_received(self) -> int:
        """Schedule requests that reached the sandbox (answered or not)."""
        return self.sandbox.faults.count(SCHEDULE_PATH)

    def pushes_accepted(self) -> int:
        return len(self.sandbox.state.schedule_calls)

    def holdings(self) -> dict[int, list[str]]:
        """mPlan id → the scheduled events it holds: everything ever scheduled there and never
        deleted (a second schedule of an mPlan is a second scheduled event, even where the sandbox's
        planning grid only shows the newest)."""
        state = self.sandbox.state
        held: dict[int, list[str]] = {}
        for event_id, mplan_id in self.initial.items():
            held.setdefault(mplan_id, []).append(event_id)
        for call in state.schedule_calls:
            held.setdefault(call.mplan_id, []).append(call.event_id)
        return {m: [e for e in ids if e not in state.deleted] for m, ids in held.items()}

    def doubled(self) -> dict[int, list[str]]:
        """mPlans holding two or more scheduled events."""
        return {m: ids for m, ids in self.holdings().items() if len(ids) > 1}

    def pushed_by_schedbot(self) -> dict[int, list[str]]:
        """mPlan id → live scheduled events created by schedule calls (not there before)."""
        state = self.sandbox.state
        found: dict[int, list[str]] = {}
        for call in state.schedule_calls:
            if call.event_id not in state.deleted:
                found.setdefault(call.mplan_id, []).append(call.event_id)
        return found

    def stop(self) -> None:
        self.server.stop()


# ---- the SQLite file, read-only -----------------------------------------------------------------


def read_rows(path: Path, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of ``sql`` on a read-only connection (closed right away, so it never holds a snapshot)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params).fetchall()]
    finally:
        connection.close()


@dataclass(frozen=True)
class StoreState:
    """What the database says about runs, proposals, assignments and intents."""

    runs: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    intents: list[dict[str, Any]]

    @property
    def pushing(self) -> list[dict[str, Any]]:
        return [p for p in self.proposals if p["status"] == "pushing"]

    @property
    def approving(self) -> list[dict[str, Any]]:
        return [r for r in self.runs if r["status"] == "approving"]

    @property
    def settled(self) -> bool:
        """No proposal is being pushed and no run is being approved."""
        return not self.pushing and not self.approving

    def by_status(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in self.proposals:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        return counts


def store_state(path: Path) -> StoreState:
    """Runs, placed proposals (with their mPlan), assignments with an external id, intents."""
    return StoreState(
        runs=read_rows(path, "SELECT id, status, decided_by FROM scheduler_runs ORDER BY id"),
        proposals=read_rows(path, "SELECT p.id, p.run_id, p.status, p.error, p.assignment_id, e.mplan_id "
                                  "FROM proposals p JOIN events e ON e.id = p.event_id "
                                  "WHERE p.employee_id IS NOT NULL ORDER BY p.id"),
        assignments=read_rows(path, "SELECT a.id, a.external_id, e.mplan_id FROM assignments a "
                                    "JOIN events e ON e.id = a.event_id ORDER BY a.id"),
        intents=read_rows(path, "SELECT id, kind, proposal_id, status, attempts, external_id, error "
                                "FROM remote_intents ORDER BY id"))


def wait_until_settled(path: Path, timeout: float, describe: Any) -> StoreState:
    """Poll the file until no proposal is ``pushing`` and no run ``approving``."""
    def settled() -> StoreState | None:
        try:
            state = store_state(path)
        except sqlite3.OperationalError:
            return None
        return state if state.settled else None
    result: StoreState = eventually(settled, "no proposal pushing and no run approving", timeout=timeout,
                                    on_timeout=lambda: f"{store_state(path).by_status()}\n{describe()}")
    return result


# ---- schedbot serve -----------------------------------------------------------------------------


@dataclass
class Serve:
    """How to start ``schedbot serve`` on one store, and the one running now."""

    cwd: Path
    env: dict[str, str]
    slack: SlackRequests
    port: int
    processes: list[SchedbotProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def current(self) -> SchedbotProcess:
        return self.processes[-1]

    def start(self, name: str) -> SchedbotProcess:
        """``serve --no-migrate`` on the same port, healthy."""
        process = SchedbotProcess(name, ["serve", "--no-migrate", "--host", "127.0.0.1", "--port",
                                         str(self.port)], self.env, self.cwd)
        self.processes.append(process)
        process.wait_for_health(f"{self.url}/health")
        return process

    def kill(self) -> None:
        """SIGKILL the running process and reap it."""
        process = self.current
        process.popen.kill()
        process.popen.wait(10)
        process.terminate()

    def post(self, request: SignedRequest, timeout: float = ACK_DEADLINE_SECONDS) -> httpx.Response:
        answer = httpx.post(f"{self.url}/slack/events", content=request.body, headers=request.headers,
                            timeout=timeout)
        assert answer.status_code == 200, f"{answer.status_code} {answer.text}\n{self.current.describe()}"
        return answer

    def logs(self) -> list[str]:
        return [p.log() for p in self.processes]

    def describe(self) -> str:
        return "\n".join(p.describe() for p in self.processes)

    def close(self) -> None:
        for process in self.processes:
            process.terminate()


def serve_env(home: Path, database_url: str, key: str, fake_slack: FakeSlack, crossmark: SlowCrossmark,
              timeout: float, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return schedbot_env(home, {"DATABASE_URL": database_url, "SETTINGS_ENCRYPTION_KEY": key,
                               "EXTERNAL_API_TIMEOUT": str(timeout),
                               **slack_env(fake_slack, team_channel=TEAM_CHANNEL, admins=[MIA]),
                               **crossmark.env(), **(extra or {})})


def prepare_serve(cwd: Path, env: dict[str, str], fake_slack: FakeSlack) -> Serve:
    cwd.mkdir(parents=True, exist_ok=True)
    return Serve(cwd, env, SlackRequests(CANARY_SIGNING_SECRET, response_urls=fake_slack.response_url),
                 free_port())


# ---- the proposal message -----------------------------------------------------------------------


def proposal_message(fake_slack: FakeSlack) -> Message | None:
    """The team-channel message carrying an Approve all button, if drawn yet."""
    for message in fake_slack.messages(TEAM_CHANNEL):
        if has_button(message.blocks, APPROVE_ACTION):
            return message
    return None


def message_at(fake_slack: FakeSlack, channel: str, ts: str) -> Message | None:
    """The message at (channel, ts) as it reads now."""
    return next((m for m in fake_slack.messages(channel) if m.ts == ts), None)


def plan(serve: Serve, fake_slack: FakeSlack, days: int, timeout: float = 30.0) -> Message:
    """``/sched auto <days>`` by Mia; the proposal message once drawn."""
    serve.post(serve.slack.slash_command(f"auto {days}", user_id=MIA, user_name="mia",
                                         channel_id=TEAM_CHANNEL))
    found: Message = eventually(lambda: proposal_message(fake_slack), "the proposal message was drawn",
                                timeout=timeout, on_timeout=serve.describe)
    return found


def approve_all(serve: Serve, message: Message) -> float:
    """Mia presses Approve all; the monotonic time of the ack."""
    block_id, button = find_button(message.blocks, APPROVE_ACTION)
    serve.post(serve.slack.block_actions(APPROVE_ACTION, value=button.get("value"), user_id=MIA,
                                         block_id=block_id, channel_id=message.channel,
                                         message_ts=message.ts))
    return time.monotonic()


def dm_texts(fake_slack: FakeSlack, user: str) -> list[str]:
    return [m.text for m in fake_slack.messages("D" + user.lstrip("U"))]
