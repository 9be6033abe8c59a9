"""``/sched assign | unassign | move | swap | reissue``: manual schedule changes.

The router has acknowledged the command; event references and dates are resolved (by core) and the
change is made by ``SchedulingService`` in the worker pool (``bot.slack.flows.schedule_changes``).
Soft rule warnings come back as Confirm / Cancel buttons whose Confirm carries the whole change
(``ChangeRequest``); hard violations are refused with their reasons, with an Override… button (the
Assign… modal) where a manager may override them.
"""

from __future__ import annotations

from datetime import datetime, time

from slack_bolt.async_app import AsyncApp

from bot.container import Container
from bot.slack.flows.schedule_changes import ChangeOp, ChangeRequest, perform
from bot.slack.identity import require_linked
from bot.slack.parsing import mention_user, parse_event_ref, split_trailing_when, take_event_ref
from bot.slack.subcommands import SubcommandHandler, SubcommandRequest, guarded, register_subcommand
from core.errors import InvalidInput
from core.model import Actor, Event
from core.ports import UnitOfWork
from core.rules import allowed_start_times
from core.services.event_refs import resolve_event
from core.services.lookups import employee_of_user, store_today
from core.services.time_settings import load_time_settings

USAGES = {
    ChangeOp.ASSIGN: "Use `/sched assign <event> @user <date> [<time>]`.",
    ChangeOp.UNASSIGN: "Use `/sched unassign <event>`.",
    ChangeOp.MOVE: "Use `/sched move <event> <date> [<time>]`.",
    ChangeOp.SWAP: "Use `/sched swap <event> <event>` (quote names with spaces).",
    ChangeOp.REISSUE: "Use `/sched reissue <event>`.",
}
EXAMPLES = {
    ChangeOp.ASSIGN: ("/sched assign 606001 core @ana fri 10:45", "/sched assign #12 @ana 12/24"),
    ChangeOp.UNASSIGN: ("/sched unassign 606001 core",),
    ChangeOp.MOVE: ("/sched move 606001 core sat 11:15", "/sched move #12 next mon"),
    ChangeOp.SWAP: ("/sched swap 606001 606002",),
    ChangeOp.REISSUE: ("/sched reissue #12",),
}
HELP = {
    ChangeOp.ASSIGN: "Schedule an event (full rule check; soft warnings ask to confirm).",
    ChangeOp.UNASSIGN: "Unschedule an event (a Core takes its Supervisor along).",
    ChangeOp.MOVE: "Move a scheduled event to another day or time.",
    ChangeOp.SWAP: "Swap the people of two scheduled Core events.",
    ChangeOp.REISSUE: "Reissue (re-open) an event in Crossmark to the same person.",
}


def _start_time(uow: UnitOfWork, actor: Actor, event: Event, given: time | None) -> time:
    if given is not None:
        return given
    current = uow.assignments.for_event(event.id)
    if current:
        return current[0].start.time()
    return allowed_start_times(load_time_settings(uow, actor.store_id), event)[0]


def _no_leftovers(words: list[str], usage: str) -> None:
    if words:
        raise InvalidInput(f"I did not understand “{' '.join(words)[:80]}”. {usage}", {"args": "Extra words"})


def prepare(container: Container, actor: Actor, op: ChangeOp, args: tuple[str, ...]) -> ChangeRequest:
    """The change a command asks for, with its events and people resolved (blocking)."""
    with container.uow_factory() as uow:
        today = store_today(uow, container.clock, actor.store_id)

        def event(words: list[str] | tuple[str, ...]) -> Event:
            return resolve_event(uow, actor.store_id, parse_event_ref(words), today)

        if op is ChangeOp.ASSIGN:
            spot = next((i for i, w in enumerate(args) if mention_user(w)), None)
            if spot is None:
                raise InvalidInput(f"Mention who works it. {USAGES[op]}", {"employee": "No mention"})
            found = event(args[:spot])
            person = employee_of_user(uow, actor.store_id, str(mention_user(args[spot])))
            rest, day, at = split_trailing_when(args[spot + 1:], today, need_head=False)
            _no_leftovers(rest, USAGES[op])
            first_slot = allowed_start_times(load_time_settings(uow, actor.store_id), found)[0]
            start = datetime.combine(day, at or first_slot)
            return ChangeRequest(op, found.id, person.id, start)
        if op is ChangeOp.MOVE:
            head, day, at = split_trailing_when(args, today)
            found = event(head)
            when = datetime.combine(day, _start_time(uow, actor, found, at))
            return ChangeRequest(op, found.id, None, when)
        if op is ChangeOp.SWAP:
            first, rest = take_event_ref(args)
            if not rest:
                raise InvalidInput(f"Give two events. {USAGES[op]}", {"event_b": "Required"})
            one, other = resolve_event(uow, actor.store_id, first, today), event(rest)
            return ChangeRequest(op, one.id, other_event_id=other.id)
        return ChangeRequest(op, event(args).id)


def handler_for(op: ChangeOp) -> SubcommandHandler:
    """The ``/sched <op>`` handler."""
    async def handle(request: SubcommandRequest) -> None:
        actor = require_linked(request.actor)
        if not request.args:
            raise InvalidInput(USAGES[op], {"event": "Required"})
        container = request.container
        change = await container.run_blocking(prepare, container, actor, op, request.args)
        answer = await perform(container, actor, change, confirm=False)
        answer.setdefault("response_type", "in_channel" if request.public else "ephemeral")
        await request.respond(**answer)

    handle.__doc__ = f"``/sched {op.value}``."
    return handle


def register(app: AsyncApp, container: Container) -> None:
    """Add the scheduling subcommands to ``/sched``."""
    for op in ChangeOp:
        register_subcommand(op.value, guarded(handler_for(op)), help=HELP[op], examples=EXAMPLES[op])
