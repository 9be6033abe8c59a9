"""Bodies of ``schedbot clock``, ``packet`` and ``shell`` (``bot/cli/main.py`` loads them lazily)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.settings import load_settings
from core.model import DEFAULT_STORE_ID

log = logging.getLogger(__name__)


def clock(args: argparse.Namespace) -> int:
    """``schedbot clock``: the scheduler process (syncs, packet, reminders) until stopped."""
    from bot.bootstrap import build
    from bot.clock.scheduler import run_clock
    from bot.jobs.context import context_from

    settings = load_settings()
    container = build(settings)
    try:
        log.info("clock starting for store %s (%s)", settings.store_number, settings.store_timezone)
        run_clock(context_from(container, token=container.bot_token))
    finally:
        container.close()
    return 0


def packet(args: argparse.Namespace) -> int:
    """``schedbot packet --date D --out FILE``: build the day's packet into a PDF file.

    When Retail Link needs an SMS code and the command runs in a terminal, it asks for the code
    (Enter skips, and the packet is built without the EDR pages).
    """
    from bot.bootstrap import build
    from bot.jobs.context import system_actor
    from core.services.packet import store_today
    from core.textdates import parse_date

    settings = load_settings()
    container = build(settings)
    try:
        day = parse_date(args.date, store_today(container.clock, settings.store_timezone))
        service = container.services.packet
        retaillink = container.retaillink
        actor = system_actor(DEFAULT_STORE_ID)
        build_ = service.build(actor, day)
        if build_.needs_code and retaillink is not None and sys.stdin.isatty():
            retaillink.request_code()
            code = input("Retail Link texted a 6-digit code (Enter to skip): ").strip()
            if code:
                retaillink.submit_code(code)
                build_ = service.build(actor, day)
    finally:
        container.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_.pdf)
    print(service.summary(build_.data))
    if build_.missing_edr:
        print(f"EDR pages missing for: {', '.join(build_.missing_edr)}")
    print(f"packet written to {out} ({len(build_.pdf)} bytes)")
    return 0
