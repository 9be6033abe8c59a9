"""Bodies of ``schedbot serve``, ``sync``, ``auto`` and ``secrets`` (loaded lazily by bot/cli.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

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
    summary = core.services.auto.summary(CLI_ACTOR, result.run.id)
    if args.json:
        print(json.dumps(_plain(summary), indent=2, sort_keys=True))
    else:
        print(summary.render_text())
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


def _plain(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_plain(v) for v in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj
