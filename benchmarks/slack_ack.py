"""Benchmark: how fast the Slack edge acknowledges signed requests while work runs after the ack.

Usage: ``python benchmarks/slack_ack.py [--n 500] [--concurrency 20] [--work 1.0] [--json]``.
For SQLite (and PostgreSQL when ``TEST_DATABASE_URL`` is set) it migrates a fresh database, starts
the real ASGI app under uvicorn in a child process (as ``schedbot serve`` does) against a fake Slack
Web API, fires N signed requests (slash commands, button clicks, events; each sleeping ``--work``
seconds after its ack) at the given concurrency, and prints p50/p95/p99 ack latency, throughput and
the number of non-2xx answers (timeouts at Slack's 3 s deadline count as non-2xx).
Target: p99 well under 3000 ms and zero non-2xx.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

SIGNING_SECRET = "benchmark-signing-secret"  # noqa: S105 - a throwaway local value
BOT_TOKEN = "xoxb-benchmark"  # noqa: S105 - a throwaway local value
DEADLINE_SECONDS = 3.0
USERS = tuple(f"U0BENCH{i:02d}" for i in range(10))


def _sign(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


def build_requests(n: int, response_url: str) -> list[tuple[bytes, dict[str, str]]]:
    """N signed requests cycling command / block action / event."""
    out = []
    for i in range(n):
        user = USERS[i % len(USERS)]
        if i % 3 == 0:
            body = urlencode({"team_id": "T0STORE", "user_id": user, "command": "/sched", "text": "bench",
                              "channel_id": "C0TEAM", "response_url": response_url,
                              "trigger_id": f"1.2.{i}"}).encode()
            kind = "application/x-www-form-urlencoded"
        elif i % 3 == 1:
            payload = {"type": "block_actions", "team": {"id": "T0STORE"}, "user": {"id": user},
                       "actions": [{"type": "button", "action_id": "bench_button", "value": str(i)}],
                       "trigger_id": f"1.2.{i}", "response_url": response_url,
                       "channel": {"id": "C0TEAM"}, "container": {"type": "message"}}
            body = urlencode({"payload": json.dumps(payload)}).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            event = {"type": "app_mention", "user": user, "text": "bench", "channel": "C0TEAM",
                     "ts": f"{int(time.time())}.{i:06d}"}
            envelope = {"team_id": "T0STORE", "type": "event_callback", "event": event,
                        "event_id": f"Ev{uuid.uuid4().hex[:12]}", "event_time": int(time.time())}
            body = json.dumps(envelope).encode()
            kind = "application/json"
        out.append((body, {"content-type": kind}))
    return out


async def fire(url: str, requests: list[tuple[bytes, dict[str, str]]], concurrency: int,
               ) -> tuple[list[float], int, float]:
    """Latencies (ms), non-2xx count and wall seconds of sending every request."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=DEADLINE_SECONDS, limits=limits) as client:
        async def one(body: bytes, headers: dict[str, str]) -> None:
            nonlocal failures
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post(url, content=body, headers={**headers, **_sign(body)})
                    ok = 200 <= response.status_code < 300
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                failures += 0 if ok else 1

        started = time.perf_counter()
        await asyncio.gather(*(one(b, h) for b, h in requests))
        return latencies, failures, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def serve_child(database_url: str, api_url: str, work: float) -> None:
    """Child process: the real app over ``database_url`` with listeners that work ``work`` s after ack."""
    import uvicorn
    from slack_bolt.context.ack.async_ack import AsyncAck

    from bot.app import build_app
    from bot.asgi import create_asgi_app
    from bot.container import Container
    from bot.listeners.commands.sched import SubcommandRequest, register_subcommand
    from bot.settings import Secret, Settings
    from integrations.crypto import FernetSecretBox, generate_key
    from integrations.db.engine import make_engine, make_session_factory
    from integrations.db.unit_of_work import SqlUnitOfWork

    sessions = make_session_factory(make_engine(database_url))
    box = FernetSecretBox(generate_key())
    settings = Settings(database_url=database_url, slack_bot_token=Secret(BOT_TOKEN),
                        slack_signing_secret=Secret(SIGNING_SECRET), slack_api_url=api_url)
    container = Container(settings=settings, uow_factory=lambda: SqlUnitOfWork(sessions, box), secret_box=box)

    async def bench(req: SubcommandRequest) -> None:
        await asyncio.sleep(work)
        await req.reply("done")

    register_subcommand("bench", bench, help="benchmark work")
    app = build_app(container)

    @app.action("bench_button")
    async def click(ack: AsyncAck) -> None:
        await ack()
        await asyncio.sleep(work)

    @app.event("app_mention")
    async def mention() -> None:
        await asyncio.sleep(work)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(create_asgi_app(container, app), log_level="warning", access_log=False,
                            lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def child_server(database_url: str, api_url: str, work: float) -> Iterator[str]:
    """Start the child server; yields its base URL."""
    command = [sys.executable, __file__, "--serve-child", database_url, "--api-url", api_url,
               "--work", str(work)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {line!r}")
        url = f"http://127.0.0.1:{line.split()[1]}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        child.terminate()
        child.wait(timeout=15)


@contextmanager
def databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    """(label, migrated database URL) for SQLite and, with TEST_DATABASE_URL, PostgreSQL."""
    from integrations.db.engine import make_engine
    from integrations.db.migrate import upgrade

    found = [("sqlite", f"sqlite:///{tmp / 'bench.db'}")]
    server = os.environ.get("TEST_DATABASE_URL")
    name = f"schedbot_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server) if server else None
    if admin is not None and server is not None:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        found.append(("postgresql", str(admin.url.set(database=name).render_as_string(hide_password=False))))
    try:
        for _, url in found:
            upgrade(url)
        yield found
    finally:
        if admin is not None:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def run(n: int, concurrency: int, work: float) -> list[dict[str, Any]]:
    """Benchmark every available database; one result dict each."""
    from bot.fake_slack import FakeSlack, SlackUser

    results = []
    users = [SlackUser(u, u.lower(), email=f"{u.lower()}@example.com") for u in USERS]
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as dbs, FakeSlack(users=users) as fake:
        for label, url in dbs:
            with child_server(url, fake.base_url, work) as base:
                requests = build_requests(n, fake.response_url())
                latencies, failures, wall = asyncio.run(fire(f"{base}/slack/events", requests, concurrency))
            results.append({"database": label, "n": n, "concurrency": concurrency,
                            "p50_ms": round(statistics.median(latencies), 1),
                            "p95_ms": round(percentile(latencies, 95), 1),
                            "p99_ms": round(percentile(latencies, 99), 1),
                            "rps": round(n / wall, 1), "non_2xx": failures})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--work", type=float, default=1.0, help="seconds of work after each ack")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve-child", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        serve_child(args.serve_child, args.api_url, args.work)
        return 0
    for result in run(args.n, args.concurrency, args.work):
        if args.json:
            print(json.dumps(result))
        else:
            print(f"{result['database']:>10}: n={result['n']} c={result['concurrency']} "
                  f"p50={result['p50_ms']} ms p95={result['p95_ms']} ms p99={result['p99_ms']} ms "
                  f"{result['rps']} req/s non-2xx={result['non_2xx']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
