"""``/sched availability | rotation | holidays | role | link``: the team's standing data.

``availability [@user]`` and ``rotation`` show the data with an Edit… button (for those who may
edit); ``rotation <date> juicer|lead @user [reason]`` records a one-off exception;
``holidays [add <date> <name> [recurring] | remove <#id>]``; ``role @user <role>`` (admins);
``link @user <employee>`` (managers), where an ambiguous or unknown name offers the close matches
as buttons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.blocks.common import Block, actions, button, section
from bot.blocks.schedule import availability_blocks, holiday_blocks, rotation_blocks, short_day
from bot.container import Container
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import clean_input, echo_safe, escape, mention_user, unslack
from bot.slack.payloads import action_value
from bot.slack.subcommands import SubcommandHandler, SubcommandRequest, guarded, register_subcommand
from core.errors import InvalidInput, NotFound
from core.model import Actor, Employee, RotationType
from core.services import authz
from core.services.lookups import employee_of, employee_of_user, normalise_name
from core.textdates import parse_date

LINK_CHOOSE_ACTION = "sched_link_choose"
ROTATION_WORDS = {"juicer": RotationType.JUICER, "lead": RotationType.PRIMARY_LEAD,
                  "primary": RotationType.PRIMARY_LEAD, "primary_lead": RotationType.PRIMARY_LEAD}
REMOVE_WORDS = frozenset({"remove", "delete", "rm"})
MAX_LINK_CHOICES = 8
HOLIDAY_USAGE = "Use `/sched holidays add <date> <name> [recurring]` or `/sched holidays remove <#id>`."
ROTATION_USAGE = "Use `/sched rotation <date> juicer|lead @user [reason]` or `/sched rotation remove <#id>`."


def _number(word: str, what: str) -> int:
    text = word.strip().lstrip("#")
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"Give the {what} number, like `#3`.", {"id": "Not a number"})
    return int(text)


def _target(container: Container, actor: Actor, args: tuple[str, ...]) -> Employee:
    with container.uow_factory() as uow:
        user = mention_user(args[0]) if args else None
        if args and user is None:
            raise InvalidInput("Mention the person, e.g. `/sched availability @ana`.", {"user": "No mention"})
        if user is not None:
            return employee_of_user(uow, actor.store_id, user)
        if actor.employee_id is None:
            raise InvalidInput("You are not linked to a team member; mention someone: "
                               "`/sched availability @ana`.", {"user": "Required"})
        return employee_of(uow, actor.store_id, actor.employee_id)


def load_availability(container: Container, actor: Actor, args: tuple[str, ...]) -> list[Block]:
    """The availability card of the mentioned person (default: the asker)."""
    person = _target(container, actor, args)
    summary = container.services.availability.summary(actor, person.id)
    own = actor.employee_id == person.id and authz.allowed(actor, authz.Action.SET_OWN_AVAILABILITY)
    can_edit = own or authz.allowed(actor, authz.Action.EDIT_AVAILABILITY)
    return availability_blocks(summary, person.name, can_edit=can_edit)


async def show_availability(request: SubcommandRequest) -> None:
    """``/sched availability [@user]``."""
    actor = require_linked(request.actor)
    blocks = await request.container.run_blocking(load_availability, request.container, actor, request.args)
    await request.reply("Availability", blocks)


def rotation_change(container: Container, actor: Actor, args: tuple[str, ...]) -> str:
    """Record or remove a one-off rotation exception; the sentence to answer with."""
    services = container.services
    if args[0].lower() in REMOVE_WORDS:
        if len(args) != 2:
            raise InvalidInput(ROTATION_USAGE, {"id": "Required"})
        services.rotations.remove_exception(actor, _number(args[1], "exception"))
        return f"Rotation exception {args[1]} removed; the weekly rotation applies again that day."
    spot = next((i for i, w in enumerate(args) if w.lower() in ROTATION_WORDS), None)
    if spot is None or spot == 0 or spot + 1 >= len(args):
        raise InvalidInput(ROTATION_USAGE, {"rotation": "Say juicer or lead"})
    user = mention_user(args[spot + 1])
    if user is None:
        raise InvalidInput(f"Mention who takes it. {ROTATION_USAGE}", {"user": "No mention"})
    rotation = ROTATION_WORDS[args[spot].lower()]
    reason = clean_input(unslack(" ".join(args[spot + 2:])), field="reason", max_length=200,
                         what="reason") or None
    with container.uow_factory() as uow:
        person = employee_of_user(uow, actor.store_id, user)
    day = parse_date(" ".join(args[:spot]), services.queries.today(actor))
    row = services.rotations.add_exception(actor, day, rotation, person.id, reason)
    label = "Juicer" if rotation is RotationType.JUICER else "Primary Lead"
    return f"{short_day(day)}: {person.name} is the {label} (exception #{row.id})."


def load_rotation(container: Container, actor: Actor) -> list[Block]:
    """The rotation card."""
    services = container.services
    view = services.rotations.view(actor)
    names = {row.employee.id: row.employee.name for row in services.queries.team(actor)}
    return rotation_blocks(view, names, can_edit=authz.allowed(actor, authz.Action.EDIT_ROTATIONS))


async def show_rotation(request: SubcommandRequest) -> None:
    """``/sched rotation``, ``/sched rotation <date> juicer|lead @user [reason]``, ``… remove <#id>``."""
    actor = require_linked(request.actor)
    container = request.container
    if request.args:
        text = await container.run_blocking(rotation_change, container, actor, request.args)
        await request.reply(escape(text, 300))
        return
    await request.reply("Rotation", await container.run_blocking(load_rotation, container, actor))


def _leading_date(words: Sequence[str], today: date) -> tuple[date, list[str]]:
    for size in (3, 2, 1):
        if len(words) > size:
            try:
                return parse_date(" ".join(words[:size]), today), list(words[size:])
            except InvalidInput:
                continue
    if words:
        parse_date(words[0], today)
    raise InvalidInput(HOLIDAY_USAGE, {"day": "Required"})


def holidays_change(container: Container, actor: Actor, args: tuple[str, ...]) -> str:
    """Add or remove a holiday; the sentence to answer with."""
    services = container.services
    verb, rest = args[0].lower(), list(args[1:])
    if verb in REMOVE_WORDS and len(rest) == 1:
        services.holidays.remove(actor, _number(rest[0], "holiday"))
        return f"Holiday {rest[0]} removed."
    if verb != "add" or not rest:
        raise InvalidInput(HOLIDAY_USAGE, {"args": "Unknown"})
    day, words = _leading_date(rest, services.queries.today(actor))
    recurring = bool(words) and words[-1].lower() in ("recurring", "yearly", "annual")
    name = clean_input(unslack(" ".join(words[:-1] if recurring else words)), field="name", max_length=100,
                       what="holiday name")
    if not name:
        raise InvalidInput(f"Give the holiday a name. {HOLIDAY_USAGE}", {"name": "Required"})
    row = services.holidays.add(actor, name, day, recurring=recurring)
    every = " every year" if recurring else ""
    return f"Holiday #{row.id} added: {row.name} on {short_day(day)} {day:%Y}{every}."


async def show_holidays(request: SubcommandRequest) -> None:
    """``/sched holidays``, ``holidays add <date> <name> [recurring]``, ``holidays remove <#id>``."""
    actor = require_linked(request.actor)
    container = request.container
    if request.args and request.args[0].lower() != "list":
        text = await container.run_blocking(holidays_change, container, actor, request.args)
        await request.reply(escape(text, 300))
        return
    days = await container.run_blocking(container.services.holidays.upcoming, actor)
    await request.reply("Holidays",
                        holiday_blocks(days, can_edit=authz.allowed(actor, authz.Action.EDIT_HOLIDAYS)))


async def set_role(request: SubcommandRequest) -> None:
    """``/sched role @user <role>`` (admins)."""
    actor = require_linked(request.actor)
    user = mention_user(request.args[0]) if request.args else None
    if user is None or len(request.args) != 2:
        raise InvalidInput("Use `/sched role @user employee|lead|manager|admin`.", {"user": "Required"})
    services = request.container.services
    role = request.args[1].lower()
    link = await request.container.run_blocking(services.people.set_role, actor, user, role)
    await request.reply(f"<@{user}> is now {link.role.value}.")


def link_choices(container: Container, actor: Actor, query: str) -> list[Employee]:
    """People whose name is, or contains, ``query`` (for the choice buttons)."""
    wanted = normalise_name(query)
    with container.uow_factory() as uow:
        people = uow.employees.list(store_id=actor.store_id)
    exact = [e for e in people if normalise_name(e.name) == wanted]
    close = exact or [e for e in people if wanted and wanted in normalise_name(e.name)]
    return sorted(close, key=lambda e: (not e.is_active, e.name.casefold(), e.id))[:MAX_LINK_CHOICES]


def choice_blocks(user: str, query: str, people: Sequence[Employee]) -> list[Block]:
    """Buttons to pick the employee a Slack user is."""
    buttons = [button(f"{e.name} · {e.job_title.value} ({e.id})", LINK_CHOOSE_ACTION,
                      value=json.dumps({"u": user, "e": e.id}, separators=(",", ":"))) for e in people]
    return [section(f"Which team member is <@{user}>? “{escape(query, 80)}” matches:"), actions(*buttons)]


async def link_user(request: SubcommandRequest) -> None:
    """``/sched link @user <employee id, RepID, email or name>`` (managers)."""
    actor = require_linked(request.actor)
    user = mention_user(request.args[0]) if request.args else None
    query = " ".join(request.args[1:])
    if user is None or not query.strip():
        raise InvalidInput("Use `/sched link @user <employee id, RepID, email or name>`.",
                           {"user": "Required"})
    query = clean_input(unslack(query), field="employee", max_length=120, what="employee")
    container = request.container
    services = container.services
    try:
        link = await container.run_blocking(services.people.link, actor, user, query)
    except (InvalidInput, NotFound) as error:
        ambiguous = isinstance(error, NotFound) or error.fields.get("employee", "").startswith("ambiguous")
        people = await container.run_blocking(link_choices, container, actor, query) if ambiguous else []
        if not people:
            raise
        await request.reply(f"Which team member is <@{user}>?", choice_blocks(user, query, people))
        return
    await request.reply(f"<@{user}> is linked to *{escape(_name(container, actor, link.employee_id), 80)}*.")


def _name(container: Container, actor: Actor, employee_id: str | None) -> str:
    if employee_id is None:
        return "nobody"
    with container.uow_factory() as uow:
        found = uow.employees.get(employee_id)
    return found.name if found is not None else employee_id


SUBCOMMANDS: tuple[tuple[str, SubcommandHandler, str, tuple[str, ...]], ...] = (
    ("availability", show_availability, "Weekly availability, days off and overrides (Edit… to change).",
     ("/sched availability", "/sched availability @ana")),
    ("rotation", show_rotation, "The Juicer / Primary Lead rotation and one-off exceptions.",
     ("/sched rotation", "/sched rotation 12/24 juicer @ana sick cover", "/sched rotation remove #3")),
    ("holidays", show_holidays, "Company holidays (nothing is scheduled on them).",
     ("/sched holidays", "/sched holidays add 12/25 Christmas recurring", "/sched holidays remove #2")),
    ("role", set_role, "Give a Slack user a role (admins).", ("/sched role @ana manager",)),
    ("link", link_user, "Link a Slack user to an employee (managers).",
     ("/sched link @ana Ana Lopez", "/sched link @ana 150001")),
)


def register(app: AsyncApp, container: Container) -> None:
    """Add the subcommands and the link choice buttons."""
    for name, handler, text, examples in SUBCOMMANDS:
        register_subcommand(name, guarded(handler), help=text, examples=examples)

    @app.action(LINK_CHOOSE_ACTION)
    async def on_link_choice(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                             context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            try:
                data = json.loads(action_value(body))
                user, employee = str(data["u"]), str(data["e"])
            except (ValueError, TypeError, KeyError, AttributeError):
                raise InvalidInput("That button is out of date; run `/sched link` again.") from None
            services = container.services
            link = await container.run_blocking(services.people.link, actor, user, employee)
        name = await container.run_blocking(_name, container, actor, link.employee_id)
        await respond(replace_original=True, text=f"<@{user}> is linked to *{escape(name, 80)}*.")
