"""kill -9 of ``schedbot serve`` (SQLite) in the middle of Approve all, then a restart on the same file.

A store is synced once from the Crossmark sandbox and copied for every trial. A trial starts
``serve --no-migrate`` against its own Crossmark sandbox whose pushes are slow (held before the
sandbox sees them, answered late, or landing late, 0.05–0.15 s), runs ``/sched auto 7`` as the
manager (23 proposals), presses Approve all, waits a random 0.2–2.5 s, SIGKILLs the process and
starts it again. Once no proposal is ``pushing`` and no run ``approving`` (the resume's second pass
runs after the 3 s in-flight lease of ``EXTERNAL_API_TIMEOUT=0.5``), Crossmark and the database are
compared. The trials run in a module fixture; each test checks one promise over all of them, so a
broken promise is reported with every trial that broke it. ``KILL_SEED`` replays a set of trials.
"""

from __future__ import annotations

import os
import random
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from devtools.fake_slack import FakeSlack
from devtools.sandbox import Fault, FaultKind, sandbox_dataset
from devtools.sandbox.dataset import TIMEZONE
from integrations.crossmark.adapter import SCHEDULE_PATH
from integrations.crypto import generate_key
from tests.e2e.flows.harness import text_of
from tests.e2e.process.approval_world import (
    Serve,
    SlowCrossmark,
    StoreState,
    StoreTemplate,
    approve_all,
    build_store,
    copy_store,
    dm_texts,
    message_at,
    plan,
    prepare_serve,
    serve_env,
    slow_pushes,
    store_state,
    wait_until_settled,
)
from tests.e2e.process.support import SECRETS, eventually, leaked, slack_traffic
from tests.e2e.process.world import MIA, SLACK_USERS, store_today

TRIALS = 20
TRIAL_WORKERS = 2
"""Trials run two at a time (each has its own sandbox, fake Slack, database and port)."""
KILL_AFTER_SECONDS = (0.2, 2.5)
PUSH_DELAYS = (0.05, 0.1, 0.15)
HELD_SHARE = 1 / 3
CLIENT_TIMEOUT = 0.5
"""EXTERNAL_API_TIMEOUT: the in-flight lease is 2 × 0.5 + 2 = 3 s, the resume's second pass 4 s in."""
SETTLE_SECONDS = 20.0
DAYS = 7
DECIDED_RUNS = ("approved", "partially_approved")
BUSY_TEXT = "pushing to Crossmark"
RESULT_TEXT = "Approved by"
RESUMED_TEXT = "restarted while run"
TOLD_SECONDS = 10.0
LATE_PUSH_SECONDS = 2.5
"""Five client timeouts, still inside the in-flight lease."""


@dataclass
class Trial:
    """What one kill did and what the store and Crossmark looked like once settled."""

    number: int
    seed: int
    kill_after: float = 0.0
    pushes_at_kill: int = 0
    at_kill: dict[str, int] = field(default_factory=dict)
    run_at_kill: str = ""
    state: StoreState | None = None
    doubled: dict[int, list[str]] = field(default_factory=dict)
    orphans: dict[int, list[str]] = field(default_factory=dict)
    not_held: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    dms: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    held: int = 0
    abandoned: int = 0
    seconds: float = 0.0
    error: str | None = None

    def line(self) -> str:
        after = self.state.by_status() if self.state else {}
        runs = [r["status"] for r in self.state.runs] if self.state else []
        return (f"trial {self.number} (seed {self.seed}): killed {self.kill_after:.2f} s after the click, "
                f"{self.pushes_at_kill} push(es) had reached Crossmark ({self.abandoned} of {self.held} "
                f"held ones abandoned), then {self.at_kill} run {self.run_at_kill}; after the restart "
                f"{after} runs {runs} ({self.seconds:.1f} s)")


@pytest.fixture(scope="module")
def kill_seed() -> int:
    seed = int(os.environ.get("KILL_SEED") or random.SystemRandom().randrange(1, 2**31))
    print(f"\nKILL_SEED={seed}")
    return seed


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> StoreTemplate:
    """The synced store every trial copies."""
    today = store_today(TIMEZONE)
    directory = tmp_path_factory.mktemp("store")
    return build_store(directory / "template.db", sandbox_dataset(today), generate_key(), today)


def started(template: StoreTemplate, directory: Path, fake_slack: FakeSlack,
            crossmark: SlowCrossmark) -> tuple[Serve, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "schedbot.db"
    url = copy_store(template, db)
    env = serve_env(directory / "home", url, template.key, fake_slack, crossmark, CLIENT_TIMEOUT)
    serve = prepare_serve(directory, env, fake_slack)
    serve.start("serve-1")
    return serve, db


def compare(trial: Trial, crossmark: SlowCrossmark, state: StoreState) -> None:
    """Crossmark against the database: doubled mPlans, orphans, assignments Crossmark lacks."""
    trial.state = state
    trial.doubled = crossmark.doubled()
    local = {a["external_id"] for a in state.assignments if a["external_id"]}
    trial.orphans = {m: [e for e in ids if e not in local]
                     for m, ids in crossmark.pushed_by_schedbot().items() if any(e not in local for e in ids)}
    held = crossmark.holdings()
    trial.not_held = [a for a in state.assignments
                      if a["external_id"] and a["external_id"] not in held.get(a["mplan_id"], [])]


def told_within(fake_slack: FakeSlack, seconds: float) -> bool:
    """Whether the manager got the "schedbot restarted while run … was being approved" DM."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(RESUMED_TEXT in t for t in dm_texts(fake_slack, MIA)):
            return True
        time.sleep(0.05)
    return False


def run_trial(template: StoreTemplate, root: Path, number: int, seed: int) -> Trial:
    trial = Trial(number, seed)
    began = time.monotonic()
    rng = random.Random(seed)
    crossmark = SlowCrossmark(template.dataset, hold_share=HELD_SHARE, seed=seed)
    crossmark.slow_down(slow_pushes(PUSH_DELAYS))
    serve: Serve | None = None
    try:
        with FakeSlack(users=SLACK_USERS) as fake_slack:
            serve, db = started(template, root / f"trial-{number:02d}", fake_slack, crossmark)
            try:
                message = plan(serve, fake_slack, DAYS)
                clicked = approve_all(serve, message)
                trial.kill_after = rng.uniform(*KILL_AFTER_SECONDS)
                time.sleep(max(0.0, clicked + trial.kill_after - time.monotonic()))
                serve.kill()
                trial.pushes_at_kill = crossmark.pushes_received()
                killed = store_state(db)
                trial.at_kill = killed.by_status()
                trial.run_at_kill = ",".join(r["status"] for r in killed.runs)
                serve.start("serve-2")
                state = wait_until_settled(db, SETTLE_SECONDS, serve.describe)
                if trial.run_at_kill == "approving":
                    told_within(fake_slack, TOLD_SECONDS)
                compare(trial, crossmark, state)
                final = message_at(fake_slack, message.channel, message.ts)
                trial.message = text_of(final.blocks) if final else ""
                trial.dms = dm_texts(fake_slack, MIA)
            finally:
                serve.close()
            trial.leaks = leaked([*serve.logs(), *slack_traffic(fake_slack)],
                                 (template.key, *SECRETS, *crossmark.sandbox.state.issued_sessions))
    except Exception:
        trial.error = traceback.format_exc(limit=8) + (serve.describe() if serve else "")
    finally:
        crossmark.stop()
        trial.held, trial.abandoned = crossmark.held.held, crossmark.held.abandoned
        trial.seconds = time.monotonic() - began
    return trial


@pytest.fixture(scope="module")
def trials(template: StoreTemplate, kill_seed: int, tmp_path_factory: pytest.TempPathFactory) -> list[Trial]:
    root = tmp_path_factory.mktemp("kills")
    seeds = random.Random(kill_seed)
    plan_ = [(n, seeds.randrange(1, 2**31)) for n in range(TRIALS)]
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=TRIAL_WORKERS) as pool:
        done = list(pool.map(lambda item: run_trial(template, root, *item), plan_))
    print(f"{TRIALS} trials in {time.monotonic() - began:.0f} s (KILL_SEED={kill_seed})")
    for trial in done:
        print(trial.line())
    return done


def report(trials: list[Trial], broken: list[tuple[Trial, Any]]) -> str:
    lines = [f"{len(broken)} of {len(trials)} trial(s) broke it:"]
    lines += [f"- {t.line()}\n    {detail}" for t, detail in broken]
    return "\n".join(lines)


@pytest.fixture
def ran(trials: list[Trial]) -> Iterator[list[Trial]]:
    """The trials, once every one of them ran to the end (a harness failure fails each test)."""
    failed = [t for t in trials if t.error]
    if failed:
        pytest.fail("\n\n".join(f"trial {t.number} (seed {t.seed}) failed:\n{t.error}" for t in failed))
    yield trials


def test_the_kills_land_in_the_middle_of_the_pushes(ran: list[Trial]) -> None:
    mid_push = [t for t in ran if t.run_at_kill == "approving" and t.at_kill.get("pushing")]
    assert len(mid_push) >= len(ran) // 2, report(ran, [(t, "not killed mid-push") for t in ran
                                                         if t not in mid_push])


def test_no_mplan_ever_holds_two_scheduled_events(ran: list[Trial]) -> None:
    broken = [(t, f"doubled mPlans: {t.doubled}") for t in ran if t.doubled]
    assert not broken, report(ran, broken)


def test_every_schedule_in_crossmark_is_known_locally_and_every_local_one_is_held(ran: list[Trial]) -> None:
    broken = [(t, f"orphans in Crossmark: {t.orphans}; local but not held: {t.not_held}")
              for t in ran if t.orphans or t.not_held]
    assert not broken, report(ran, broken)


def test_no_proposal_is_left_pushing_and_every_approved_run_is_decided(ran: list[Trial]) -> None:
    broken = []
    for t in ran:
        assert t.state is not None
        runs = [r["status"] for r in t.state.runs]
        if t.state.pushing or any(r not in DECIDED_RUNS for r in runs if t.run_at_kill != "completed"):
            broken.append((t, f"pushing {t.state.pushing}; runs {runs}"))
        failed = [p for p in t.state.proposals if p["status"] == "push_failed" and not p["error"]]
        pushed = [p for p in t.state.proposals if p["status"] == "pushed" and not p["assignment_id"]]
        if failed or pushed:
            broken.append((t, f"failed without a reason {failed}; pushed without an assignment {pushed}"))
    assert not broken, report(ran, broken)


def test_every_proposal_of_an_approved_run_ends_pushed_or_failed_with_a_reason(ran: list[Trial]) -> None:
    """Approve all covered the whole run: after the restart nothing may be left waiting with no
    button that pushes it (a decided run offers only Retry, and Retry only takes failed ones)."""
    broken = []
    for t in ran:
        assert t.state is not None
        if t.run_at_kill == "completed":
            continue
        left = [p for p in t.state.proposals if p["status"] not in ("pushed", "push_failed")]
        if left:
            broken.append((t, f"{len(left)} proposal(s) left {sorted({p['status'] for p in left})} "
                              f"in a {[r['status'] for r in t.state.runs]} run; the manager was told "
                              f"{t.dms[-1:]}"))
    assert not broken, report(ran, broken)


def test_the_proposal_message_shows_the_end_of_the_approval_after_the_restart(ran: list[Trial]) -> None:
    """Not "Approving — pushing to Crossmark…" for ever: the result line (with Retry when needed)."""
    broken = [(t, f"the message ends: {t.message[-200:]!r}") for t in ran
              if t.run_at_kill == "approving" and (BUSY_TEXT in t.message or RESULT_TEXT not in t.message)]
    assert not broken, report(ran, broken)


def test_the_manager_is_told_the_approval_was_finished_after_the_restart(ran: list[Trial]) -> None:
    broken = [(t, f"Mia's DMs: {t.dms}") for t in ran
              if t.run_at_kill == "approving" and not any(RESUMED_TEXT in d for d in t.dms)]
    assert not broken, report(ran, broken)


def test_no_secret_reaches_a_log_or_slack(ran: list[Trial]) -> None:
    broken = [(t, f"leaked {t.leaks}") for t in ran if t.leaks]
    assert not broken, report(ran, broken)


# ---- one deterministic kill: the push lands in Crossmark after the process died ----------------


def test_a_push_that_lands_after_the_kill_is_adopted_not_pushed_again(
        template: StoreTemplate, tmp_path: Path) -> None:
    crossmark = SlowCrossmark(template.dataset)
    crossmark.sandbox.faults.inject(SCHEDULE_PATH, Fault(FaultKind.LATE, delay=LATE_PUSH_SECONDS, times=1))
    try:
        with FakeSlack(users=SLACK_USERS) as fake_slack:
            serve, db = started(template, tmp_path, fake_slack, crossmark)
            try:
                approve_all(serve, plan(serve, fake_slack, DAYS))
                eventually(lambda: crossmark.pushes_received() >= 1, "the first push reached Crossmark",
                           on_timeout=serve.describe)
                serve.kill()
                assert crossmark.pushes_accepted() == 0, "the first push landed before the kill"
                killed = store_state(db)
                [sent] = [i for i in killed.intents if i["attempts"]]
                assert sent["status"] == "pending" and sent["kind"] == "schedule", killed.intents

                serve.start("serve-2")
                state = wait_until_settled(db, SETTLE_SECONDS, serve.describe)
                assert told_within(fake_slack, TOLD_SECONDS), dm_texts(fake_slack, MIA)
            finally:
                serve.close()
            leaks = leaked([*serve.logs(), *slack_traffic(fake_slack)],
                           (template.key, *SECRETS, *crossmark.sandbox.state.issued_sessions))
        [proposal] = [p for p in state.proposals if p["id"] == sent["proposal_id"]]
        calls = crossmark.sandbox.state.schedule_calls
        [late] = [c for c in calls if c.mplan_id == proposal["mplan_id"]]
        assert crossmark.doubled() == {}
        assert proposal["status"] == "pushed", proposal
        [adopted] = [a for a in state.assignments if a["id"] == proposal["assignment_id"]]
        assert adopted["external_id"] == late.event_id
        [intent] = [i for i in state.intents if i["id"] == sent["id"]]
        assert intent["status"] == "confirmed" and intent["external_id"] == late.event_id, intent
        assert crossmark.pushes_received() == len(calls), "a push was sent that Crossmark never took"
        assert not leaks, f"secrets leaked: {leaks}"
    finally:
        crossmark.stop()
