"""Bodies of ``schedbot`` subcommands that need the wired core (``bot/cli.py`` loads them lazily)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from bot.container import Container
from bot.settings import Settings, load_settings
from core.model import DEFAULT_STORE_ID
from core.ports import UnitOfWork

log = logging.getLogger(__name__)


def _core(settings: Settings, notifier: Any = None) -> Any:
    from bot.bootstrap import build_core, ensure_store

    core = build_core(settings, notifier=notifier)
    ensure_store(core)
    return core


def _team_id(core: Any) -> str | None:
    with core.uow() as uow:
        links = uow.slack_links.list(store_id=DEFAULT_STORE_ID)
    return next((link.team_id for link in links if link.team_id), None)


def clock(args: argparse.Namespace) -> int:
    """``schedbot clock``: the scheduler process (syncs, packet, reminders) until stopped."""
    from bot.clock import run_clock
    from bot.jobs.context import context_from
    from bot.jobs.slack_token import InstallationToken
    from bot.notify import SlackNotifier, sync_web_client

    settings = load_settings()
    wired: dict[str, Any] = {}

    def uow() -> UnitOfWork:
        unit: UnitOfWork = wired["core"].uow()
        return unit

    def token() -> str:
        provider = wired.get("token")
        return provider() if provider is not None else settings.slack_bot_token.reveal()

    notifier = SlackNotifier(lambda: sync_web_client(settings, token()), uow, admins=settings.schedbot_admins)
    core = _core(settings, notifier)
    wired["core"] = core
    container = Container(settings=settings, uow_factory=core.uow, secret_box=core.secret_box,
                          clock=core.clock, services=core.services, health_check=core.health_check)
    if settings.slack_client_id:
        from integrations.slack_store import DbInstallationStore

        store = DbInstallationStore(core.session_factory, core.secret_box, client_id=settings.slack_client_id)
        wired["token"] = InstallationToken(store, settings, _team_id(core))
    ctx = context_from(container, token=token, notifier=notifier)
    if ctx.retaillink is None:
        ctx.retaillink = core.retaillink
    log.info("clock starting for store %s (%s)", settings.store_number, settings.store_timezone)
    run_clock(ctx)
    return 0


def packet(args: argparse.Namespace) -> int:
    """``schedbot packet --date D --out FILE``: build the day's packet into a PDF file.

    When Retail Link needs an SMS code and the command runs in a terminal, it asks for the code
    (Enter skips, and the packet is built without the EDR pages).
    """
    from bot.jobs.context import system_actor
    from core.services.packet import store_today
    from core.textdates import parse_date

    settings = load_settings()
    core = _core(settings)
    day = parse_date(args.date, store_today(core.clock, settings.store_timezone))
    service = core.services.packet
    actor = system_actor(DEFAULT_STORE_ID)
    build = service.build(actor, day)
    if build.needs_code and core.retaillink is not None and sys.stdin.isatty():
        core.retaillink.request_code()
        code = input("Retail Link texted a 6-digit code (Enter to skip): ").strip()
        if code:
            core.retaillink.submit_code(code)
            build = service.build(actor, day)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build.pdf)
    print(service.summary(build.data))
    if build.missing_edr:
        print(f"EDR pages missing for: {', '.join(build.missing_edr)}")
    print(f"packet written to {out} ({len(build.pdf)} bytes)")
    return 0


def shell(args: argparse.Namespace) -> int:
    """``schedbot shell``: the local Slack console on a freshly seeded demo store (see ``bot.shell``)."""
    from bot.shell_demo import main

    return main(args)
