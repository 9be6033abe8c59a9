"""Benchmark: how fast the Slack edge acknowledges signed requests while work runs after the ack.

Usage: ``python benchmarks/slack_ack.py [--n 500] [--concurrency 20] [--work 1.0] [--warmup 0] [--json]``.
For SQLite (and PostgreSQL when ``TEST_DATABASE_URL`` is set) it migrates a fresh database, starts
the real ASGI app under uvicorn in a child process (as ``schedbot serve`` does, one worker) against
a fake Slack Web API, fires N signed requests (slash commands, button clicks, events; after its ack
each resolves the Slack user and then sleeps ``--work`` seconds, commands also answer on their
``response_url``) at the given concurrency, and prints p50/p95/p99 ack latency, throughput and the
number of non-2xx answers (timeouts at Slack's 3 s deadline count as non-2xx).

The load generator runs in a process of its own (the fake Slack lives in this one) and speaks
HTTP/1.1 over raw keep-alive sockets with pre-built signed requests, so on a small machine it costs
far less CPU than the server it measures; the text output shows both processes' CPU per request.
By default the figures include the cold start (first ``auth.test``, first ``users.info`` per user,
new database connections); ``--warmup N`` sends N uncounted requests first to leave it out.
Targets: p99 < 300 ms at concurrency 20, zero non-2xx, >= 200 requests/s on one worker.
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
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

SIGNING_SECRET = "benchmark-signing-secret"  # noqa: S105 - a throwaway local value
BOT_TOKEN = "xoxb-benchmark"  # noqa: S105 - a throwaway local value
DEADLINE_SECONDS = 3.0
DRAIN_LIMIT_SECONDS = 120.0
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
        out.append((body, {"content-type": kind, **_sign(body)}))
    return out


def raw_request(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 keep-alive POST, ready to write to a socket."""
    lines = [f"POST {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_status(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length body; its status code."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def fire(url: str, requests: list[bytes], concurrency: int) -> tuple[list[float], int, float]:
    """Latencies (ms), non-2xx count and wall seconds of sending ``requests`` over ``concurrency``
    keep-alive connections (a connection is reopened after a timeout or an error)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    pending = iter(requests)
    latencies: list[float] = []
    failures = 0

    async def connection() -> None:
        nonlocal failures
        stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for raw in pending:
            started = time.perf_counter()
            try:
                if stream is None:
                    stream = await asyncio.open_connection(host, port)
                stream[1].write(raw)
                ok = 200 <= await asyncio.wait_for(read_status(stream[0]), DEADLINE_SECONDS) < 300
            except (OSError, ValueError, IndexError, TimeoutError, asyncio.IncompleteReadError):
                ok = False
                if stream is not None:
                    stream[1].close()
                stream = None
            latencies.append((time.perf_counter() - started) * 1000)
            failures += 0 if ok else 1
        if stream is not None:
            stream[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return latencies, failures, time.perf_counter() - started


def load_child(url: str, n: int, concurrency: int, warmup: int, response_url: str) -> None:
    """Load-generator process: warm up, then fire ``n`` requests; prints one JSON line of results."""
    target = f"{url}/slack/events"
    host = urlsplit(url).netloc
    if warmup:
        warm = [raw_request(host, "/slack/events", b, h) for b, h in build_requests(warmup, response_url)]
        asyncio.run(fire(target, warm, concurrency))
        time.sleep(1.0)
    requests = [raw_request(host, "/slack/events", b, h) for b, h in build_requests(n, response_url)]
    cpu_before = time.process_time()
    print("READY", flush=True)
    latencies, failures, wall = asyncio.run(fire(target, requests, concurrency))
    print(json.dumps({"latencies": latencies, "failures": failures, "wall": wall,
                      "cpu": time.process_time() - cpu_before}), flush=True)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux ``/proc``; ``None`` elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def serve_child(database_url: str, api_url: str, work: float) -> None:
    """Child process: the real app over ``database_url`` with listeners that work ``work`` s after ack."""
    import uvicorn
    from slack_bolt.context.ack.async_ack import AsyncAck

    from bot.bootstrap import build
    from bot.edge.asgi import create_asgi_app
    from bot.settings import Secret, Settings
    from bot.slack.app import build_app
    from bot.slack.identity import current_actor
    from bot.slack.subcommands import SubcommandRequest, register_subcommand
    from integrations.crypto import generate_key

    settings = Settings(database_url=database_url, slack_bot_token=Secret(BOT_TOKEN),
                        slack_signing_secret=Secret(SIGNING_SECRET), slack_api_url=api_url,
                        settings_encryption_key=Secret(generate_key()))
    container = build(settings, crossmark=None, retaillink=None)

    async def bench(req: SubcommandRequest) -> None:
        await asyncio.sleep(work)
        await req.reply("done")

    register_subcommand("bench", bench, help="benchmark work")
    app = build_app(container)

    @app.action("bench_button")
    async def click(ack: AsyncAck, context: dict[str, Any]) -> None:
        await ack()
        await current_actor(context)
        await asyncio.sleep(work)

    @app.event("app_mention")
    async def mention(context: dict[str, Any]) -> None:
        await current_actor(context)
        await asyncio.sleep(work)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(create_asgi_app(container, app), log_level="warning", access_log=False,
                            lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


@contextmanager
def child_server(database_url: str, api_url: str, work: float) -> Iterator[tuple[str, int]]:
    """Start the child server; yields its base URL and process id."""
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
                urlopen(f"{url}/health", timeout=1.0).close()  # noqa: S310 - our own loopback URL
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url, child.pid
    finally:
        child.terminate()
        child.wait(timeout=15)


def commands_among(n: int) -> int:
    """How many of ``build_requests(n, …)`` are slash commands (each answers on its response_url)."""
    return (n + 2) // 3


def measure(base: str, server_pid: int, fake: Any, n: int, concurrency: int,
            warmup: int) -> dict[str, Any]:
    """Run the load generator against ``base``; its results, the server's CPU seconds and when
    the last command's reply (the end of its work after the ack) reached the fake Slack."""
    command = [sys.executable, __file__, "--load-child", base, "--n", str(n), "--concurrency",
               str(concurrency), "--warmup", str(warmup), "--response-url", fake.response_url()]
    replies = len(fake.calls("response_url")) + commands_among(warmup) + commands_among(n)
    loader = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert loader.stdout is not None
    if loader.stdout.readline().strip() != "READY":
        raise RuntimeError("the load generator did not start")
    started = time.monotonic()
    cpu_before = process_cpu_seconds(server_pid)
    outcome: dict[str, Any] = json.loads(loader.stdout.readline())
    cpu_after = process_cpu_seconds(server_pid)
    loader.wait(timeout=30)
    outcome["server_cpu"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    deadline = started + DRAIN_LIMIT_SECONDS
    while len(fake.calls("response_url")) < replies and time.monotonic() < deadline:
        time.sleep(0.05)
    done = len(fake.calls("response_url")) >= replies
    outcome["work_done_s"] = time.monotonic() - started if done else None
    return outcome


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


def run(n: int, concurrency: int, work: float,
        warmup: int) -> list[tuple[dict[str, Any], dict[str, float | None], float | None]]:
    """Benchmark every available database; one result dict each."""
    from devtools.fake_slack import FakeSlack, SlackUser

    results = []
    users = [SlackUser(u, u.lower(), email=f"{u.lower()}@example.com") for u in USERS]
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as dbs, FakeSlack(users=users) as fake:
        for label, url in dbs:
            with child_server(url, fake.base_url, work) as (base, pid):
                outcome = measure(base, pid, fake, n, concurrency, warmup)
            latencies, wall = outcome["latencies"], outcome["wall"]
            result = {"database": label, "n": n, "concurrency": concurrency,
                      "p50_ms": round(statistics.median(latencies), 1),
                      "p95_ms": round(percentile(latencies, 95), 1),
                      "p99_ms": round(percentile(latencies, 99), 1),
                      "rps": round(n / wall, 1), "non_2xx": outcome["failures"]}
            cpu = {"client": outcome["cpu"], "server": outcome["server_cpu"]}
            results.append((result, cpu, outcome["work_done_s"]))
    return results


def cpu_note(cpu: dict[str, float | None], n: int) -> str:
    """CPU milliseconds per request of the server and of the load generator."""
    parts = [f"{who} {seconds * 1000 / n:.2f}" for who, seconds in cpu.items() if seconds is not None]
    return "cpu ms/request: " + ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--work", type=float, default=1.0, help="seconds of work after each ack")
    parser.add_argument("--warmup", type=int, default=0, help="uncounted requests sent first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve-child", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--load-child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--response-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        serve_child(args.serve_child, args.api_url, args.work)
        return 0
    if args.load_child:
        load_child(args.load_child, args.n, args.concurrency, args.warmup, args.response_url)
        return 0
    for result, cpu, work_done in run(args.n, args.concurrency, args.work, args.warmup):
        if args.json:
            print(json.dumps(result))
        else:
            done = "not all" if work_done is None else f"{work_done:.1f} s"
            print(f"{result['database']:>10}: n={result['n']} c={result['concurrency']} "
                  f"p50={result['p50_ms']} ms p95={result['p95_ms']} ms p99={result['p99_ms']} ms "
                  f"{result['rps']} req/s non-2xx={result['non_2xx']} ({cpu_note(cpu, result['n'])}; "
                  f"all work after the acks done {done} after the first request)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
