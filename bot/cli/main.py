"""The ``schedbot`` command (product.md §6)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from core.errors import DomainError

Handler = Callable[[argparse.Namespace], int]


def package_version() -> str:
    try:
        return version("schedbot")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def _db(args: argparse.Namespace) -> int:
    from bot.bootstrap import migrate_database
    from bot.settings import load_settings

    if args.action == "downgrade" and not args.revision:
        print("schedbot db downgrade needs a revision (e.g. base)", file=sys.stderr)
        return 2
    url = args.database_url or load_settings().database_url
    print(f"database at revision {migrate_database(url, args.action, args.revision)}")
    return 0


def _lazy(module: str, func: str) -> Handler:
    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Handler = getattr(importlib.import_module(module), func)
        return handler(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="schedbot", description="Slack bot that runs an event team's schedule")
    p.add_argument("--version", action="version", version=f"schedbot {package_version()}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database migrations (Alembic)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"])
    db.add_argument("revision", nargs="?", default=None)
    db.add_argument("--database-url", default=None, help="defaults to DATABASE_URL")
    db.set_defaults(func=_db)

    demo = sub.add_parser("demo", help="run the whole daily cycle on a demo store, no configuration")
    demo.add_argument("--dir", default="demo-output", help="where the demo database and packet go")
    demo.add_argument("--date", default=None, help="the demo's today (YYYY-MM-DD); default today")
    demo.set_defaults(func=_lazy("devtools.demo.cycle", "main"))

    serve = sub.add_parser("serve", help="serve Slack over HTTP (or Socket Mode)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--socket-mode", action="store_true", help="connect with SLACK_APP_TOKEN")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations on start")
    serve.set_defaults(func=_lazy("bot.cli.run", "serve"))

    worker = sub.add_parser("worker", help="run queued jobs (approvals…) on PostgreSQL; any number of them")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs run at the same time (default 2)")
    worker.set_defaults(func=_lazy("bot.cli.worker", "worker"))

    clock = sub.add_parser("clock", help="the single scheduler process (syncs, packet, reminders)")
    clock.set_defaults(func=_lazy("bot.cli.commands", "clock"))

    shell = sub.add_parser("shell", help="a local Slack console on the demo store")
    shell.add_argument("--dir", default="demo-output")
    shell.set_defaults(func=_lazy("devtools.shell.demo_store", "main"))

    packet = sub.add_parser("packet", help="build the daily paperwork packet")
    packet.add_argument("--date", required=True)
    packet.add_argument("--out", required=True)
    packet.set_defaults(func=_lazy("bot.cli.commands", "packet"))

    sync = sub.add_parser("sync", help="sync from Crossmark / Retail Link")
    sync.add_argument("what", nargs="?", choices=["events", "reps", "edr", "all"], default="all")
    sync.set_defaults(func=_lazy("bot.cli.run", "sync"))

    auto = sub.add_parser("auto", help="run the auto-scheduler and print the run")
    auto.add_argument("--days", type=int, default=14)
    auto.add_argument("--json", action="store_true")
    auto.add_argument("--allow-bumping", action="store_true")
    auto.set_defaults(func=_lazy("bot.cli.run", "auto"))

    from bot.cli.legacy_import import add_commands

    add_commands(sub)

    secrets = sub.add_parser("secrets", help="encrypted secrets at rest")
    secrets.add_argument("action", choices=["rotate"])
    secrets.set_defaults(func=_lazy("bot.cli.run", "secrets"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "alembic", "fontTools", "xhtml2pdf", "procrastinate"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(args.func(args))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
