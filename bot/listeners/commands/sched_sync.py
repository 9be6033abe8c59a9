"""``/sched sync [events|reps|edr]``: run the clock's syncs now (managers), report the counts.

Without an argument Crossmark events and reps are synced. When the EDR sync needs a Retail Link SMS
code the reply carries the "Enter code" button; the EDR sync runs again once the code is accepted.
"""

from __future__ import annotations

from bot.blocks.common import section
from bot.container import Container
from bot.jobs.context import request_context
from bot.jobs.mfa_prompt import CodePurpose, enter_code_blocks
from bot.jobs.syncs import SYNC_KINDS, SyncOutcome, run_sync
from bot.slack.identity import require_linked
from bot.slack.subcommands import SubcommandRequest, register_subcommand
from core.errors import InvalidInput
from core.services.authz import Action, require

DEFAULT_KINDS = ("events", "reps")
MAX_CONFLICTS_SHOWN = 10


def chosen_kinds(args: tuple[str, ...]) -> tuple[str, ...]:
    """The syncs asked for: ``events``, ``reps``, ``edr``, ``all``; none means events and reps."""
    words = [word.lower() for word in args]
    if not words:
        return DEFAULT_KINDS
    if words == ["all"]:
        return SYNC_KINDS
    unknown = [word for word in words if word not in SYNC_KINDS]
    if unknown:
        raise InvalidInput(f"Unknown sync {unknown[0]!r}. Use `/sched sync`, `/sched sync events`, "
                           f"`/sched sync reps`, `/sched sync edr` or `/sched sync all`.",
                           {"kind": "unknown"})
    return tuple(dict.fromkeys(words))


def outcome_text(outcome: SyncOutcome) -> str:
    """The reply line of one sync, with its first conflicts."""
    text = f"*{outcome.describe()}*"
    if outcome.conflicts:
        shown = outcome.conflicts[:MAX_CONFLICTS_SHOWN]
        text += "\n" + "\n".join(f"• {conflict}" for conflict in shown)
        if len(outcome.conflicts) > len(shown):
            text += f"\n…and {len(outcome.conflicts) - len(shown)} more"
    return text


async def sync_now(request: SubcommandRequest) -> None:
    """``/sched sync …``."""
    actor = require_linked(request.actor)
    require(actor, Action.RUN_SYNC)
    kinds = chosen_kinds(request.args)
    await request.reply(f":arrows_counterclockwise: Syncing {', '.join(kinds)}…")
    ctx = request_context(request.container, request.body)
    lines, needs_code = [], False
    for kind in kinds:
        outcome = await request.container.run_blocking(run_sync, ctx, kind, actor)
        needs_code = needs_code or outcome.needs_code
        lines.append(outcome_text(outcome))
    text = "\n".join(lines)
    if needs_code:
        note = text + "\nEnter a new Retail Link SMS code and the EDR sync runs again."
        await request.reply(note, enter_code_blocks(note, CodePurpose()))
        return
    await request.reply(text, [section(text)])


def register(app: object, container: Container) -> None:
    """Add the ``sync`` subcommand."""
    register_subcommand("sync", sync_now, help="Sync now from Crossmark / Retail Link (managers).",
                        examples=("/sched sync", "/sched sync events", "/sched sync edr"))
