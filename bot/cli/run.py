"""Bodies of ``schedbot serve``, ``sync``, ``auto`` and ``secrets`` (loaded lazily by bot/cli/main.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.settings import load_settings
from core.model import Actor, Role
from core.services.sync import SyncService

log = logging.getLogger(__name__)

CLI_ACTOR = Actor(slack_user_id="cli", role=Role.ADMIN)


def serve(args: argparse.Namespace) -> int:
    """``schedbot serve``: migrations (unless --no-migrate), then HTTP or Socket Mode. With jobs in
    process (SQLite) it also finishes the approvals a stopped process left; on PostgreSQL the
    ``schedbot worker`` processes do."""
    from bot.bootstrap import build
    from bot.edge.serve import serve_http, serve_socket_mode
    from bot.jobs.resume import start_resuming
    from bot.slack.middleware import SlackContextFilter

    for handler in logging.getLogger().handlers:
        handler.addFilter(SlackContextFilter())
    container = build(load_settings(), migrate_first=not args.no_migrate)
    if container.jobs_in_process:
        start_resuming(container)
    if args.socket_mode:
        serve_socket_mode(container)
    else:
        serve_http(container, args.host, args.port)
    return 0


def sync(args: argparse.Namespace) -> int:
    """``schedbot sync [events|reps|edr|all]``: the same services the clock and /sched sync run."""
    from bot.bootstrap import build

    container = build(load_settings())
    try:
        return _sync(container.services.sync, container.retaillink is not None, args.what)
    finally:
        container.close()


def _sync(service: SyncService | None, has_retaillink: bool, what: str) -> int:
    if service is None:
        print("Crossmark is not configured: set EXTERNAL_API_USERNAME and EXTERNAL_API_PASSWORD.",
              file=sys.stderr)
        return 2
    runners = {"reps": service.sync_reps, "events": service.sync_events, "edr": service.sync_edr}
    status = 0
    for kind in ["reps", "events", "edr"] if what == "all" else [what]:
        if kind == "edr" and not has_retaillink:
            print("edr: Retail Link is not configured (WALMART_EDR_USERNAME / PASSWORD)")
            continue
        report = runners[kind](CLI_ACTOR)
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
    from bot.bootstrap import build

    container = build(load_settings())
    try:
        result = container.services.auto.run(CLI_ACTOR, days=args.days, allow_bumping=args.allow_bumping)
    finally:
        container.close()
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
    from bot.bootstrap import rotate_stored_secrets
    from core.errors import InvalidInput

    try:
        count = rotate_stored_secrets(load_settings())
    except InvalidInput as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(f"re-encrypted {count} secret(s) under the first key; older keys may now be removed")
    return 0
