"""``/sched today | tomorrow | <date> | week [<date>] | @user [week] [<date>] | events [<filter>]``.

Read-only views: the command is acknowledged by the router, the query runs in the worker pool,
and the answer goes back through ``respond`` (ephemeral unless ``public``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta

from slack_bolt.async_app import AsyncApp

from bot.blocks.events import event_list_blocks
from bot.blocks.schedule import day_blocks, employee_blocks, short_day, week_blocks
from bot.container import Container
from bot.slack.identity import require_linked
from bot.slack.parsing import escape, is_mention, looks_like_date, mention_user, plain
from bot.slack.subcommands import SubcommandHandler, SubcommandRequest, guarded, register_subcommand
from core.errors import InvalidInput
from core.model import Actor
from core.services import authz
from core.services.lookups import employee_of_user
from core.services.query_models import DaySchedule, EmployeeSchedule, WeekSchedule
from core.textdates import parse_date

PERSON_DAYS = 14
WEEK_WORD = "week"
EVENT_TITLES = {"unscheduled": "Unscheduled events", "urgent": "Urgent: unscheduled and due soon",
                "unreported": "Scheduled but not reported"}


def load_day(container: Container, actor: Actor, words: Sequence[str], offset: int = 0) -> DaySchedule:
    """The day named by ``words`` (default today + ``offset``)."""
    queries = container.services.queries
    today = queries.today(actor)
    day = parse_date(" ".join(words), today) if words else today + timedelta(days=offset)
    return queries.day(actor, day)


def load_week(container: Container, actor: Actor, words: Sequence[str]) -> WeekSchedule:
    """The Sunday-to-Saturday week containing the day named by ``words`` (default today)."""
    queries = container.services.queries
    today = queries.today(actor)
    day = parse_date(" ".join(words), today) if words else today
    return queries.week(actor, day)


def load_person(container: Container, actor: Actor, slack_user_id: str, words: Sequence[str]
                ) -> EmployeeSchedule:
    """One person's next 14 days, or with ``week`` the week containing the given day."""
    queries = container.services.queries
    with container.uow_factory() as uow:
        person = employee_of_user(uow, actor.store_id, slack_user_id)
    today = queries.today(actor)
    rest = list(words)
    if rest and rest[0].lower() == WEEK_WORD:
        day = parse_date(" ".join(rest[1:]), today) if rest[1:] else today
        sunday = day - timedelta(days=(day.weekday() + 1) % 7)
        return queries.employee(actor, person.id, 7, sunday)
    start = parse_date(" ".join(rest), today) if rest else today
    return queries.employee(actor, person.id, PERSON_DAYS, start)


def day_summary(day: DaySchedule) -> str:
    """The notification text of a day view."""
    return (f"Schedule for {short_day(day.day)}: {len(day.rows)} assignment(s), "
            f"{len(day.unstaffed)} unstaffed, {len(day.warnings)} warning(s)")


async def _reply_day(request: SubcommandRequest, words: Sequence[str], offset: int = 0) -> None:
    actor = require_linked(request.actor)
    day = await request.container.run_blocking(load_day, request.container, actor, words, offset)
    await request.reply(day_summary(day), day_blocks(day))


async def show_today(request: SubcommandRequest) -> None:
    """``/sched today``."""
    await _reply_day(request, ())


async def show_tomorrow(request: SubcommandRequest) -> None:
    """``/sched tomorrow``."""
    await _reply_day(request, (), 1)


async def show_date(request: SubcommandRequest) -> None:
    """``/sched <date>`` (``12/24``, ``fri``, ``next mon``, ``2026-12-24``)."""
    await _reply_day(request, request.args)


async def show_week(request: SubcommandRequest) -> None:
    """``/sched week [<date>]``."""
    actor = require_linked(request.actor)
    week = await request.container.run_blocking(load_week, request.container, actor, request.args)
    total = sum(len(d.rows) for d in week.days)
    await request.reply(f"Week of {short_day(week.start)}: {total} assignment(s)", week_blocks(week))


async def show_person(request: SubcommandRequest) -> None:
    """``/sched @user [week] [<date>]``."""
    actor = require_linked(request.actor)
    user = mention_user(request.args[0]) if request.args else None
    if user is None:
        raise InvalidInput("Mention the person, e.g. `/sched @ana` or `/sched @ana week`.",
                           {"user": "No mention"})
    schedule = await request.container.run_blocking(load_person, request.container, actor, user,
                                                    request.args[1:])
    title = f"{schedule.employee.name}: {short_day(schedule.start)} – {short_day(schedule.end)}"
    await request.reply(f"{escape(schedule.employee.name, 80)}: {len(schedule.rows)} assignment(s)",
                        employee_blocks(schedule, title=title))


def events_title(which: str | None) -> str:
    """The header of an event list."""
    if which is None:
        return EVENT_TITLES["unscheduled"]
    return EVENT_TITLES.get(which.casefold(), f"Events matching “{plain(which[:60])}”")


async def show_events(request: SubcommandRequest) -> None:
    """``/sched events [unscheduled|urgent|unreported|<text>]``."""
    actor = require_linked(request.actor)
    which = request.arg_text.strip() or None
    rows = await request.container.run_blocking(request.container.services.queries.events, actor, which)
    title = events_title(which)
    blocks = event_list_blocks(rows, title, can_assign=authz.allowed(actor, authz.Action.SCHEDULE))
    await request.reply(f"{escape(title, 100)}: {len(rows)} event(s)", blocks)


SUBCOMMANDS: tuple[tuple[str, SubcommandHandler, str, tuple[str, ...], Callable[[str], bool] | None], ...] = (
    ("today", show_today, "Today's schedule by time slot, with unstaffed events and warnings.",
     ("/sched today",), None),
    ("tomorrow", show_tomorrow, "Tomorrow's schedule.", ("/sched tomorrow",), None),
    ("date", show_date, "Any day's schedule.", ("/sched 12/24", "/sched fri", "/sched next mon"),
     looks_like_date),
    ("week", show_week, "The Sunday–Saturday week.", ("/sched week", "/sched week 12/24"), None),
    ("@user", show_person, "A person's next two weeks (or one week).", ("/sched @ana", "/sched @ana week"),
     is_mention),
    ("events", show_events, "Events to schedule; each has an Assign… button.",
     ("/sched events", "/sched events urgent", "/sched events unreported", "/sched events pretzel"), None),
)


def register(app: AsyncApp, container: Container) -> None:
    """Add the view subcommands to ``/sched``."""
    for name, handler, text, examples, matches in SUBCOMMANDS:
        register_subcommand(name, guarded(handler), help=text, examples=examples, matches=matches)
