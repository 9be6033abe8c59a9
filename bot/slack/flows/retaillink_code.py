"""Signing in to Retail Link from Slack: the adapter (when configured), reading and judging the typed
code, and the work that waited for it — the day's packet with its EDR pages, or the EDR refresh."""

from __future__ import annotations

import re

from bot.container import Container
from bot.jobs.context import JobContext
from bot.jobs.mfa_prompt import CodePurpose
from bot.jobs.packet import DailyPacket
from bot.jobs.syncs import run_sync
from core.errors import DomainError, InvalidInput
from core.model import Actor
from core.ports import RetailLinkPort

SIX_DIGITS = re.compile(r"\d{6}")
BAD_FORMAT = "Enter the 6 digits from the text message (numbers only)."
WRONG_CODE = "Retail Link did not accept this code. Check the latest text message and try again."


def retaillink_of(container: Container) -> RetailLinkPort:
    """The Retail Link adapter of the container; a plain refusal when it is not configured."""
    port = container.retaillink
    if port is None:
        raise InvalidInput("Retail Link is not set up yet: an admin can add its login with /sched settings.")
    return port


def clean_code(raw: str | None) -> str | None:
    """The six digits of what was typed (spaces and dashes allowed), or None."""
    text = re.sub(r"[\s-]", "", raw or "")
    return text if SIX_DIGITS.fullmatch(text) else None


def code_problem(error: DomainError) -> str:
    """What to show under the input for a refused code."""
    if isinstance(error, InvalidInput):
        return WRONG_CODE if "pending" not in error.message else error.message
    return error.message


def done_text(purpose: CodePurpose) -> str:
    """What the modal says once the code is accepted."""
    return f":white_check_mark: Signed in to Retail Link. I'll {purpose.describe()} and DM you when done."


def finish_after_code(ctx: JobContext, actor: Actor, purpose: CodePurpose) -> str:
    """The work that waited for the code (blocking); the sentence for the manager."""
    if purpose.day is not None:
        outcome = DailyPacket(ctx).after_code(purpose.day)
        if outcome.posted is None:
            return f"Retail Link is signed in, but there was no packet to post for {purpose.day}."
        missing = (f" ({len(outcome.missing_edr)} EDR report(s) still missing)"
                   if outcome.missing_edr else " with its EDR pages")
        return f"Retail Link is signed in. The {purpose.day:%A %B %-d} packet was posted in " \
               f"<#{outcome.posted.channel}>{missing}."
    result = run_sync(ctx, "edr", actor)
    return f"Retail Link is signed in. {result.describe()}."
