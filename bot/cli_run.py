"""Bodies of ``schedbot serve``, ``sync``, ``auto`` and ``secrets`` (loaded lazily by bot/cli.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.settings import load_settings
from core.model import Actor, Role

log = logging.getLogger(__name__)

CLI_ACTOR = Actor(slack_user_id="cli", role=Role.ADMIN)


def serve(args: argparse.Namespace) -> int:
    """``schedbot serve``: migrations (unless --no-migrate), then HTTP or Socket Mode."""
    from bot.bootstrap import build_runtime
    from bot.middleware import SlackContextFilter
    from bot.serve import serve_http, serve_socket_mode

    for handler in logging.getLogger().handlers:
        handler.addFilter(SlackContextFilter())
    settings = load_settings()
    _core, container = build_runtime(settings, migrate_first=not args.no_migrate)
    if args.socket_mode:
        serve_socket_mode(container)
    else:
        serve_http(container, args.host, args.port)
    return 0


def sync(args: argparse.Namespace) -> int:
    """``schedbot sync [events|reps|edr|all]``: the same services the clock and /sched sync run."""
    from bot.bootstrap import build_core, ensure_store

    core = build_core(load_settings())
    ensure_store(core)
    if core.services.sync is None:
        print("Crossmark is not configured: set EXTERNAL_API_USERNAME and EXTERNAL_API_PASSWORD.",
              file=sys.stderr)
        return 2
    kinds = ["reps", "events", "edr"] if args.what == "all" else [args.what]
    status = 0
    for kind in kinds:
        if kind == "edr" and core.retaillink is None:
            print("edr: Retail Link is not configured (WALMART_EDR_USERNAME / PASSWORD)")
            continue
        report = getattr(core.services.sync, f"sync_{kind}")(CLI_ACTOR)
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
        print(f"{kind}: {report.run.status}: {counts}")
        for conflict in report.conflicts:
            print(f"  conflict: {conflict}")
        for error in report.run.errors:
            print(f"  error: {error}")
            status = 1
    return status


def auto(args: argparse.Namespace) -> int:
    """``schedbot auto --days N [--json] [--allow-bumping]``: run the auto-scheduler, print the run."""
    from bot.bootstrap import build_core, ensure_store

    core = build_core(load_settings())
    ensure_store(core)
    result = core.services.auto.run(CLI_ACTOR, days=args.days, allow_bumping=args.allow_bumping)
    summary = result.summary
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2, sort_keys=True))
        return 0
    print(f"run {summary.run_id}: {summary.horizon_start} .. {summary.horizon_end}, solver "
          f"{summary.status_line} in {summary.wall_seconds or 0:.1f} s")
    print(f"{summary.to_schedule} to schedule: {summary.proposed} proposed, "
          f"{summary.unscheduled} left unscheduled, {summary.bumps} bumps")
    for day in summary.days:
        print(f"{day.day:%a %m/%d}")
        for row in day.rows:
            when = f"{row.start:%-I:%M %p}" if row.start else "--"
            print(f"  {when:>8}  {row.employee_name or '-':<24} {row.event_name}")
    for row in summary.unscheduled_rows:
        print(f"unscheduled: {row.reason_text or row.event_name + ': ' + ', '.join(row.reason_codes)}")
    print("approve from Slack (/sched auto) or review with `schedbot auto --json`")
    return 0


def secrets(args: argparse.Namespace) -> int:
    """``schedbot secrets rotate``: re-encrypt every stored secret under the first key."""
    from bot.bootstrap import make_secret_box
    from integrations.crypto import FernetSecretBox
    from integrations.db.engine import make_engine, make_session_factory
    from integrations.db.secret_rotation import rotate_secrets

    settings = load_settings()
    box = make_secret_box(settings)
    if not isinstance(box, FernetSecretBox):
        print("SETTINGS_ENCRYPTION_KEY is not set.", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    count = rotate_secrets(make_session_factory(engine), box)
    print(f"re-encrypted {count} secret(s) under the first key; older keys may now be removed")
    return 0


