"""Schedule PDFs in Slack: ``/sched week [<date>] pdf`` and ``/sched @user [<date>] pdf``.

The word ``pdf`` turns the week view and the person view into an upload: the weekly schedule
(Sunday to Saturday) or the person's two weeks. The PDF goes to the asker's DM, or to the channel
with ``public``. ``/sched pdf week …`` and ``/sched pdf @user …`` work too.

The ``week`` and ``@user`` subcommands belong to the schedule views; this module wraps whatever
handler is registered for them so that only requests containing ``pdf`` come here. The wrap is
re-checked before each ``/sched`` request (a view module registered later replaces the wrapper).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.container import Container
from bot.slack.identity import require_linked
from bot.slack.parsing import parse_day_text
from bot.slack.subcommands import (
    COMMAND,
    REGISTRY,
    Subcommand,
    SubcommandHandler,
    SubcommandRegistry,
    SubcommandRequest,
)
from core.errors import InvalidInput, NotFound
from core.model import Actor
from core.services.packet import PacketService

log = logging.getLogger(__name__)

PDF_WORD = "pdf"
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$", re.IGNORECASE)
"""A mention as Slack escapes it in command text (the router lower-cases the first word)."""
SAMPLE_MENTION = "<@U0SAMPLE>"
PERSON_PLACEHOLDER = "@user"
USAGE = "Use `/sched week pdf`, `/sched week 12/24 pdf`, `/sched @user pdf` or `/sched pdf week`."
_WRAPPED: set[SubcommandHandler] = set()


def wants_pdf(args: tuple[str, ...]) -> bool:
    """True when the word ``pdf`` is among the arguments."""
    return any(word.lower() == PDF_WORD for word in args)


def is_mention(word: str) -> bool:
    """``<@U123>`` / ``<@U123|ana>``, as Slack escapes a mention in a command."""
    return MENTION.match(word) is not None


def _rest(args: tuple[str, ...]) -> str:
    return " ".join(word for word in args if word.lower() != PDF_WORD)


def _packet_service(request: SubcommandRequest) -> PacketService:
    return request.container.services.packet


def _employee_of_user(request: SubcommandRequest, slack_user_id: str) -> str:
    with request.container.uow_factory() as uow:
        link = uow.slack_links.get(slack_user_id)
    if link is None or link.employee_id is None:
        raise NotFound(f"<@{slack_user_id}> is not linked to an employee yet (`/sched link`).")
    return link.employee_id


async def _today(request: SubcommandRequest, actor: Actor) -> date:
    return await request.container.run_blocking(request.container.services.queries.today, actor)


async def _destination(request: SubcommandRequest) -> str:
    if request.public and request.channel_id:
        return request.channel_id
    opened = await request.client.conversations_open(users=request.user_id)
    return str((opened.get("channel") or {}).get("id") or request.user_id)


async def upload_pdf(request: SubcommandRequest, filename: str, pdf: bytes, title: str) -> None:
    """Upload ``pdf`` to the DM (or the channel with ``public``) and tell the asker where it went."""
    channel = await _destination(request)
    try:
        await request.client.files_upload_v2(channel=channel, file=pdf, filename=filename, title=title)
    except SlackApiError as exc:
        if exc.response.get("error") != "not_in_channel":
            raise
        await request.client.conversations_join(channel=channel)
        await request.client.files_upload_v2(channel=channel, file=pdf, filename=filename, title=title)
    where = "your DM with me" if channel.startswith("D") else f"<#{channel}>"
    await request.reply(f":page_facing_up: {title} uploaded to {where} ({filename}).")


async def send_week_pdf(request: SubcommandRequest, rest: str) -> None:
    """The weekly schedule PDF of the week containing ``rest`` (a date; default today)."""
    actor = require_linked(request.actor)
    day = parse_day_text(rest, await _today(request, actor))
    filename, pdf = await request.container.run_blocking(_packet_service(request).week_pdf, actor, day)
    await upload_pdf(request, filename, pdf, f"Weekly schedule, week of {day:%B %-d}")


async def send_employee_pdf(request: SubcommandRequest, mention: str, rest: str) -> None:
    """One person's two-week schedule PDF, from the week containing ``rest`` (default today)."""
    actor = require_linked(request.actor)
    match = MENTION.match(mention)
    if match is None:
        raise InvalidInput(f"Mention the person, e.g. `/sched @ana pdf`. {USAGE}", {"user": "no mention"})
    user_id = match.group(1).upper()
    employee_id = await request.container.run_blocking(_employee_of_user, request, user_id)
    day: date = parse_day_text(rest, await _today(request, actor))
    filename, pdf = await request.container.run_blocking(_packet_service(request).employee_pdf, actor,
                                                         employee_id, day)
    await upload_pdf(request, filename, pdf, f"Two-week schedule of <@{user_id}>")


async def pdf_command(request: SubcommandRequest) -> None:
    """``/sched pdf week [<date>]`` and ``/sched pdf @user [<date>]``."""
    words = tuple(w for w in request.args if w.lower() != PDF_WORD)
    if words and words[0].lower() == "week":
        await send_week_pdf(request, " ".join(words[1:]))
    elif words and is_mention(words[0]):
        await send_employee_pdf(request, words[0], " ".join(words[1:]))
    else:
        await request.reply(USAGE)


def _wrap(original: Subcommand | None,
          pdf: Callable[[SubcommandRequest], Awaitable[None]]) -> SubcommandHandler:
    async def handler(request: SubcommandRequest) -> None:
        if wants_pdf(request.args) or original is None:
            await pdf(request)
        else:
            await original.handler(request)

    _WRAPPED.add(handler)
    return handler


async def _week(request: SubcommandRequest) -> None:
    await send_week_pdf(request, _rest(request.args))


async def _person(request: SubcommandRequest) -> None:
    words = request.args
    await send_employee_pdf(request, words[0] if words else "", _rest(words[1:]))


def install_pdf_variants(registry: SubcommandRegistry = REGISTRY) -> None:
    """Make ``week`` and the ``@user`` view PDF-aware (idempotent); add the ``pdf`` subcommand."""
    week = registry.find("week")
    week = week if week is not None and week.name == "week" else None
    if week is None or week.handler not in _WRAPPED:
        registry.register(Subcommand("week", _wrap(week, _week),
                                     week.help if week else "The week's schedule; add `pdf` for the PDF.",
                                     week.examples if week else ("/sched week pdf",),
                                     week.matches if week else None))
    people = [sub for sub in registry.all()
              if sub.matches is not None and sub.name != PDF_WORD and sub.matches(SAMPLE_MENTION)]
    foreign = [sub for sub in people if sub.handler not in _WRAPPED]
    if foreign:
        base = foreign[0]
        registry.register(Subcommand(base.name, _wrap(base, _person), base.help, base.examples, base.matches))
        if base.name != PERSON_PLACEHOLDER:
            registry.unregister(PERSON_PLACEHOLDER)
    elif not people:
        registry.register(Subcommand(PERSON_PLACEHOLDER, _wrap(None, _person),
                                     "A person's schedule as a PDF.", ("/sched @ana pdf",), is_mention))
    if registry.find(PDF_WORD) is None:
        registry.register(Subcommand(PDF_WORD, pdf_command, "Upload schedule PDFs to your DM.",
                                     ("/sched week pdf", "/sched @ana pdf", "/sched pdf week 12/24")))


def register(app: AsyncApp, container: Container) -> None:
    """Install the PDF variants now and again before each ``/sched`` request."""
    install_pdf_variants()

    async def keep_pdf_variants(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        if body.get("command") == COMMAND:
            install_pdf_variants()
        return await next()

    app.use(keep_pdf_variants)
