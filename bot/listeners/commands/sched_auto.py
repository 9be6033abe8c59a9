"""``/sched auto [<days>]``: plan the next N days (default 14) and post the proposal message.

The command is acknowledged at once; ``bot.slack.flows.auto_proposals.plan_and_post`` posts a
"Planning…" message to the channel (or, where the bot cannot post, to the manager's DM), runs the
solve in the worker pool and turns the placeholder into the proposal message with its buttons.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.container import Container
from bot.slack.flows.auto_proposals import DEFAULT_DAYS, MAX_DAYS, plan_and_post
from bot.slack.identity import require_linked
from bot.slack.subcommands import SubcommandRequest, register_subcommand
from core.errors import InvalidInput
from core.services import authz


def parse_days(args: Sequence[str]) -> int:
    """The ``<days>`` of ``/sched auto [<days>]`` (1 to 62, default 14)."""
    if not args:
        return DEFAULT_DAYS
    word = args[0].strip()
    if len(args) > 1 or not word.isdigit() or not 1 <= int(word) <= MAX_DAYS:
        raise InvalidInput(f"Say how many days to plan, 1 to {MAX_DAYS}: `/sched auto 14`.",
                           {"days": f"1 to {MAX_DAYS}"})
    return int(word)


async def sched_auto(request: SubcommandRequest) -> None:
    """``/sched auto [<days>]``."""
    actor = require_linked(request.actor)
    authz.require(actor, authz.Action.RUN_AUTO)
    days = parse_days(request.args)
    await request.reply(f"Planning the next {days} days; the proposal will appear in this channel "
                        "(or in your DM where I can't post).")
    await plan_and_post(request.container, request.client, actor, request.channel_id or actor.slack_user_id,
                        days=days)


def register(app: object, container: Container) -> None:
    """Add ``/sched auto`` to the ``/sched`` router."""
    register_subcommand("auto", sched_auto, examples=("/sched auto", "/sched auto 7"),
                        help="Plan the next N days (default 14) and propose it for approval.")
