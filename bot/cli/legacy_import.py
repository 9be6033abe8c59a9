"""``schedbot import-legacy`` and ``schedbot roster import|export`` (product.md §6).

``add_commands(subparsers)`` registers both commands; each handler takes the parsed arguments and
returns the exit code. The target is the schedbot database of ``DATABASE_URL`` (or ``--database-url``),
which must already be migrated (``schedbot db upgrade``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.container import Container
from core.model import Actor, Role

LEGACY_KEY_ENV = "LEGACY_SETTINGS_ENCRYPTION_KEY"
CLI_ACTOR = Actor(slack_user_id="cli", role=Role.ADMIN)
"""Who the audit log names for changes made from the command line (server access = admin)."""


def add_commands(sub: Any) -> None:
    """Register ``import-legacy`` and ``roster`` on the ``schedbot`` subparsers."""
    legacy = sub.add_parser("import-legacy", help="import the legacy web app's database")
    legacy.add_argument("legacy_url", metavar="LEGACY_DATABASE_URL",
                        help="e.g. sqlite:////srv/legacy/scheduler.db or postgresql://…")
    legacy.add_argument("--store", default=None, metavar="NNNN", help="store number (default store)")
    legacy.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    legacy.add_argument("--legacy-key", default=None, metavar="KEY",
                        help=f"the legacy SETTINGS_ENCRYPTION_KEY (or set {LEGACY_KEY_ENV})")
    legacy.add_argument("--database-url", default=None, help="schedbot database (default DATABASE_URL)")
    legacy.set_defaults(func=import_legacy)

    roster = sub.add_parser("roster", help="the team as a spreadsheet (CSV)")
    actions = roster.add_subparsers(dest="roster_action", required=True)
    imp = actions.add_parser("import", help="create/update employees from a CSV file")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="print the report, apply nothing")
    imp.add_argument("--database-url", default=None, help="schedbot database (default DATABASE_URL)")
    imp.set_defaults(func=roster_import)
    exp = actions.add_parser("export", help="write the team as CSV (stdout without FILE)")
    exp.add_argument("file", metavar="FILE.csv", nargs="?", default=None)
    exp.add_argument("--database-url", default=None, help="schedbot database (default DATABASE_URL)")
    exp.set_defaults(func=roster_export)


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[Container]:
    """The container over the target database, which must have the schedbot schema (no remote
    clients are used: these commands only read and write the database)."""
    from bot.bootstrap import build, require_schema
    from bot.settings import load_settings

    settings = load_settings()
    url = getattr(args, "database_url", None) or settings.database_url
    require_schema(url)
    container = build(replace(settings, database_url=url), crossmark=None, retaillink=None,
                      prepare_store=False)
    try:
        yield container
    finally:
        container.close()


def import_legacy(args: argparse.Namespace) -> int:
    """Read the legacy database, import it (or, with ``--dry-run``, only report) and print the report."""
    from bot.bootstrap import legacy_secret_box, read_legacy_database
    from core.services.legacy_import import import_legacy as run_import

    legacy_box = legacy_secret_box(args.legacy_key or os.environ.get(LEGACY_KEY_ENV))
    data, source = read_legacy_database(args.legacy_url)
    with _database(args) as container:
        report = run_import(container.uow_factory, data, now=datetime.now(UTC), store_number=args.store,
                            legacy_box=legacy_box, dry_run=args.dry_run, actor=CLI_ACTOR, source=source)
    print(report.render())
    return 0


def roster_import(args: argparse.Namespace) -> int:
    """Import a roster CSV; exit 1 when the file or any row is rejected (then nothing is applied)."""
    from core.services.roster_csv import MAX_BYTES

    path = Path(args.file)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    with _database(args) as container:
        report = container.services.roster.import_csv(CLI_ACTOR, data, dry_run=args.dry_run)
    print(report.render())
    return 0 if report.ok else 1


def roster_export(args: argparse.Namespace) -> int:
    """Write the roster CSV to ``FILE`` (UTF-8) or to standard output."""
    with _database(args) as container:
        text = container.services.roster.export_csv(CLI_ACTOR)
    if args.file is None:
        sys.stdout.write(text)
        return 0
    Path(args.file).write_text(text, encoding="utf-8", newline="")
    print(f"roster written to {args.file} ({text.count(chr(10)) - 1} employee(s))", file=sys.stderr)
    return 0
