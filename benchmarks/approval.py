"""Benchmark: one Approve all of many slow pushes through ``schedbot serve``, and everyone else meanwhile.

    python benchmarks/approval.py [--pushes 250] [--delay 0.3] [--interval 0.1] [--quick] [--json]

A store is synced from the Crossmark sandbox (reps, roster, events: Core + Supervisor pairs plus
Shelf Audits, enough for about ``--pushes`` proposals over 14 days), then ``schedbot serve`` runs on
that SQLite file against a loopback fake Slack Web API and a Crossmark sandbox that answers every
push ``--delay`` seconds after making it. Every employee is linked to a Slack user (``--unlinked``:
only the other user), so each push also DMs its employee. The manager runs ``/sched auto 14`` and
presses Approve all; the approval runs in the serve process. From 2 s before the click until the
approval has settled, its result line is up and its DMs have stopped, another user sends a signed
``/sched today`` every ``--interval`` seconds.

Printed (figures only, nothing is asserted): the approval's wall time (click to the last proposal
settled, to the result line on the proposal message, to the last DM), the other user's command
latency p50/p99 (time to the HTTP ack, and to the reply on its ``response_url``) before and during
the approval, non-2xx answers (a missing ack within Slack's 3 s counts), replies that were errors
or never came, ``/health`` answers that were not 200, and duplicates in Crossmark (mPlans holding two
scheduled events, which must be 0). PostgreSQL with 1, 2 and 4 ``schedbot worker`` processes is
printed as "not built yet" until the durable worker exists. ``--quick``: 40 pushes at 0.05 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from core.model import SlackLink  # noqa: E402
from devtools.fake_slack import FakeSlack, Message, SlackUser  # noqa: E402
from devtools.sandbox import Fault, FaultKind, filler_mplans, sandbox_dataset  # noqa: E402
from devtools.sandbox.dataset import TIMEZONE  # noqa: E402
from integrations.crypto import generate_key  # noqa: E402
from tests.e2e.process.approval_world import (  # noqa: E402
    Serve,
    SlowCrossmark,
    StoreTemplate,
    approve_all,
    build_store,
    copy_store,
    message_at,
    plan,
    prepare_serve,
    read_rows,
    serve_env,
    store_state,
)
from tests.e2e.process.world import SLACK_USERS, TEAM_CHANNEL, store_database, store_today  # noqa: E402

DEADLINE_SECONDS = 3.0
REPLY_WAIT_SECONDS = 40.0
BASELINE_SECONDS = 2.0
DAYS = 14
BASE_PROPOSALS = 38
"""What ``/sched auto 14`` proposes on the plain sandbox dataset; Shelf Audits make up the rest."""
OTHER_USER = "U0OTHER"
QUICK = (40, 0.05)
RESULT_TEXT = "Approved by"
DM_QUIET_SECONDS = 5.0
WORKER_ROWS = ("postgresql, 1 worker", "postgresql, 2 workers", "postgresql, 4 workers")


class TimedSlack(FakeSlack):
    """The fake Slack, noting when the first reply to each ``response_url`` arrived."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: dict[str, tuple[float, str]] = {}

    def _respond(self, key: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.arrivals.setdefault(key, (time.monotonic(), str(params.get("text") or "")))
        return super()._respond(key, params)


@dataclass
class Sent:
    """One ``/sched today`` of the other user."""

    key: str
    sent: float
    acked: float | None = None
    status: int | None = None
    phase: str = "during"


@dataclass
class Load:
    """Sends ``/sched today`` every ``interval`` seconds from a pool, until stopped."""

    serve: Serve
    slack: TimedSlack
    interval: float
    sent: list[Sent] = field(default_factory=list)
    phase: str = "before"
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        with ThreadPoolExecutor(max_workers=32) as pool:
            n = 0
            next_at = time.monotonic()
            while not self._stop.is_set():
                pool.submit(self._one, n, self.phase)
                n += 1
                next_at += self.interval
                self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _one(self, n: int, phase: str) -> None:
        key = f"today-{n}"
        request = self.serve.slack.slash_command("today", user_id=OTHER_USER, user_name="other",
                                                 channel_id=TEAM_CHANNEL,
                                                 response_url=self.slack.response_url(key))
        entry = Sent(key, time.monotonic(), phase=phase)
        with self._lock:
            self.sent.append(entry)
        try:
            answer = httpx.post(f"{self.serve.url}/slack/events", content=request.body,
                                headers=request.headers, timeout=DEADLINE_SECONDS)
        except httpx.HTTPError:
            return
        entry.acked, entry.status = time.monotonic(), answer.status_code

    def stop(self) -> None:
        self._stop.set()


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def latencies(load: Load, slack: TimedSlack, phase: str) -> dict[str, Any]:
    rows = [s for s in load.sent if s.phase == phase]
    acks = [(s.acked - s.sent) * 1000 for s in rows if s.acked is not None and s.status == 200]
    replies, errors, missing, sample = [], 0, 0, ""
    for s in rows:
        arrival = slack.arrivals.get(s.key)
        if arrival is None:
            missing += 1
            continue
        replies.append((arrival[0] - s.sent) * 1000)
        errors += "Something went wrong" in arrival[1]
        sample = sample or arrival[1][:70]
    non_2xx = sum(1 for s in rows if s.status is None or not 200 <= s.status < 300)
    return {"commands": len(rows), "ack_ms_p50": _round(percentile(acks, 50)),
            "ack_ms_p99": _round(percentile(acks, 99)), "reply_ms_p50": _round(percentile(replies, 50)),
            "reply_ms_p99": _round(percentile(replies, 99)), "non_2xx": non_2xx, "error_replies": errors,
            "missing_replies": missing, "reply_sample": sample}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def build(directory: Path, pushes: int, linked: bool) -> tuple[StoreTemplate, list[SlackUser]]:
    """The template store: the sandbox dataset plus Shelf Audits, half the team leads (who may
    take them). The other user is an event specialist; with ``linked`` every other employee is a
    Slack user too (so each push DMs its employee, as in a store where everyone uses schedbot)."""
    today = store_today(TIMEZONE)
    dataset = sandbox_dataset(today, days=DAYS, reps=max(35, pushes // 4 + 20))
    if pushes > BASE_PROPOSALS:
        filler_mplans(dataset, pushes - BASE_PROPOSALS, first_day=1, spread_days=DAYS)
    titles = {r.rep_id: "Lead Event Specialist" for r in dataset.reps[8::2]}
    template = build_store(directory / "template.db", dataset, generate_key(), today, titles)
    rows = read_rows(template.path, "SELECT id, name, email, job_title FROM employees ORDER BY id")
    other = next(r for r in rows if r["job_title"] == "Event Specialist")
    people = [(OTHER_USER, other)] + ([(f"U0EMP{i:03d}", r) for i, r in enumerate(rows) if r is not other]
                                      if linked else [])
    with store_database(f"sqlite:///{template.path}", template.key, template.store_number,
                        TIMEZONE) as uow_factory, uow_factory() as uow:
        for user_id, row in people:
            uow.slack_links.add(SlackLink(user_id, employee_id=str(row["id"])))
        uow.commit()
    users = [SlackUser(user_id, user_id.lower(), str(row["name"]), str(row["email"] or f"{user_id}@x.test"))
             for user_id, row in people]
    return template, users


def run(pushes: int, delay: float, interval: float, timeout: float, linked: bool) -> dict[str, Any]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="schedbot-approval-") as tmp:
        directory = Path(tmp)
        template, people = build(directory, pushes, linked)
        crossmark = SlowCrossmark(template.dataset)
        crossmark.slow_down([Fault(FaultKind.SLOW, delay=delay, times=None, after_handler=True)])
        slack = TimedSlack(users=(*SLACK_USERS, *people))
        slack.start()
        serve: Serve | None = None
        try:
            db = directory / "schedbot.db"
            url = copy_store(template, db)
            env = serve_env(directory / "home", url, template.key, slack, crossmark, timeout)
            serve = prepare_serve(directory / "serve", env, slack)
            serve.start("serve")
            planning = time.monotonic()
            message = plan(serve, slack, DAYS, timeout=180.0)
            planned = time.monotonic() - planning
            proposals = len(store_state(db).proposals)
            figures = approve_under_load(serve, slack, crossmark, db, message, interval,
                                         timeout=pushes * delay * 4 + 180.0)
            figures.update({"proposals": proposals, "planning_s": round(planned, 1),
                            "linked_employees": len(people)})
        finally:
            if serve is not None:
                serve.close()
            slack.stop()
            crossmark.stop()
    figures["total_s"] = round(time.monotonic() - started, 1)
    return figures


def approve_under_load(serve: Serve, slack: TimedSlack, crossmark: SlowCrossmark, db: Path, message: Message,
                       interval: float, timeout: float) -> dict[str, Any]:
    """Press Approve all under the other user's load; watch Crossmark, the database, the proposal
    message, ``/health`` and the DMs until the approval settled, its result line is up and the DMs
    stopped (none for ``DM_QUIET_SECONDS``, or one per pushed proposal)."""
    load = Load(serve, slack, interval)
    loader = threading.Thread(target=load.run, daemon=True)
    loader.start()
    time.sleep(BASELINE_SECONDS)
    load.phase = "during"
    clicked = approve_all(serve, message)
    health_bad = 0
    last_push, seen_pushes = clicked, 0
    last_dm, seen_dms = clicked, 0
    settled_at = result_at = None
    next_health = clicked
    deadline = clicked + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        accepted = crossmark.pushes_accepted()
        if accepted != seen_pushes:
            seen_pushes, last_push = accepted, now
        dms = _dms(slack)
        if dms != seen_dms:
            seen_dms, last_dm = dms, now
        if settled_at is None and accepted and store_state(db).settled:
            settled_at = now
        if result_at is None and RESULT_TEXT in _message_text(slack, message):
            result_at = now
        if now >= next_health:
            next_health = now + 1.0
            health_bad += _health_not_ok(serve)
        if settled_at is not None and result_at is not None and (
                seen_dms >= seen_pushes or now - max(last_dm, result_at) > DM_QUIET_SECONDS):
            break
        time.sleep(0.05)
    load.stop()
    loader.join()
    _wait_for_replies(load, slack)
    state = store_state(db)
    return {
        "approval_wall_s": _since(clicked, settled_at), "result_line_s": _since(clicked, result_at),
        "result_after_last_push_s": _since(last_push, result_at), "dms": seen_dms,
        "last_dm_s": _since(clicked, last_dm) if seen_dms else None,
        "pushed": state.by_status().get("pushed", 0), "failed": state.by_status().get("push_failed", 0),
        "pushes_sent": crossmark.pushes_received(), "pushes_accepted": crossmark.pushes_accepted(),
        "duplicates": len(crossmark.doubled()), "health_not_200": health_bad,
        "runs": [r["status"] for r in state.runs],
        "before": latencies(load, slack, "before"), "during": latencies(load, slack, "during"),
    }


def _since(start: float, end: float | None) -> float | None:
    return None if end is None else round(end - start, 1)


def _dms(slack: TimedSlack) -> int:
    return sum(1 for c in slack.calls("chat.postMessage") if str(c.params.get("channel", "")).startswith("D"))


def _message_text(slack: TimedSlack, message: Message) -> str:
    found = message_at(slack, message.channel, message.ts)
    return "" if found is None else json.dumps(found.blocks) + found.text


def _health_not_ok(serve: Serve) -> int:
    try:
        return int(httpx.get(f"{serve.url}/health", timeout=DEADLINE_SECONDS).status_code != 200)
    except httpx.HTTPError:
        return 1


def _wait_for_replies(load: Load, slack: TimedSlack) -> None:
    deadline = time.monotonic() + REPLY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if all(s.key in slack.arrivals for s in load.sent if s.status == 200):
            return
        time.sleep(0.1)


def render(args: argparse.Namespace, figures: dict[str, Any]) -> str:
    def ms(block: dict[str, Any], name: str) -> str:
        p50, p99 = block[f"{name}_ms_p50"], block[f"{name}_ms_p99"]
        return f"p50 {p50} ms / p99 {p99} ms" if p50 is not None else "none"

    lines = [f"approval benchmark: {args.pushes} pushes asked at {args.delay} s each, other user's "
             f"/sched today every {args.interval * 1000:.0f} ms, EXTERNAL_API_TIMEOUT={args.timeout}",
             f"sqlite, in-process approval ({figures['proposals']} proposals, planned in "
             f"{figures['planning_s']} s):",
             f"  approval wall time        {figures['approval_wall_s']} s (click → last proposal settled)",
             f"  result line on message    {figures['result_line_s']} s after the click, "
             f"{figures['result_after_last_push_s']} s after the last push",
             f"  pushed / failed           {figures['pushed']} / {figures['failed']} "
             f"(pushes sent {figures['pushes_sent']}, accepted {figures['pushes_accepted']}); runs "
             f"{figures['runs']}",
             f"  duplicates in Crossmark   {figures['duplicates']}",
             f"  DMs sent                  {figures['dms']}, the last {figures['last_dm_s']} s after the "
             f"click ({figures['linked_employees']} employees linked in Slack)",
             f"  /health not 200           {figures['health_not_200']}"]
    for phase in ("before", "during"):
        block = figures[phase]
        when = "before the approval" if phase == "before" else "during the approval and its DMs"
        lines += [f"  other user, {when} ({block['commands']} commands):",
                  f"    ack                     {ms(block, 'ack')}",
                  f"    reply on response_url   {ms(block, 'reply')}",
                  f"    non-2xx                 {block['non_2xx']}; error replies {block['error_replies']}; "
                  f"missing replies {block['missing_replies']}",
                  f"    a reply                 {block['reply_sample']!r}"]
    lines += [f"{row}: not built yet" for row in WORKER_ROWS]
    lines.append(f"total benchmark time {figures['total_s']} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=250)
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between the other user's commands")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="EXTERNAL_API_TIMEOUT of the serve process")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK[0]} pushes at {QUICK[1]} s")
    parser.add_argument("--unlinked", action="store_true",
                        help="only the other user is linked in Slack, so approvals send no DMs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.pushes, args.delay = QUICK
    figures = run(args.pushes, args.delay, args.interval, args.timeout, not args.unlinked)
    if args.json:
        print(json.dumps({"pushes_asked": args.pushes, "delay_s": args.delay, "interval_s": args.interval,
                          "sqlite_in_process": figures,
                          "postgresql_workers": {str(n): "not built yet" for n in (1, 2, 4)}}, indent=2))
    else:
        print(render(args, figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
