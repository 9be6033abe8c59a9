"""``/timeoff [<dates> [reason]]``, ``/timeoff list``, ``/timeoff cancel <id>`` (product.md §2.1, §2.4).

Dates typed after the command prefill the modal (``/timeoff 12/24-12/26 family trip``); text that is
not a date opens the modal empty with a note saying so. The modal opens right after the ack because
the ``trigger_id`` lives three seconds.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import reply
from bot.blocks.time_off import MAX_REASON, Prefill, requests_list, span
from bot.container import Container, Services
from bot.slack.flows.time_off_requests import open_request_modal
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import UNSAFE_INPUT
from core.errors import InvalidInput
from core.model import Actor, TimeOffStatus
from core.services.authz import Action, allowed
from core.textdates import split_leading_range

COMMAND = "/timeoff"
LIST_LIMIT = 20
USAGE = ("Use `/timeoff` (a form), `/timeoff 12/24-12/26 family trip`, `/timeoff list` or "
         "`/timeoff cancel <id>`.")
_REQUEST_ID = re.compile(r"^#?(\d{1,9})$")


def prefill_from_text(text: str, today: date) -> Prefill:
    """The modal's starting values from the words after ``/timeoff``."""
    if not text:
        return Prefill()
    try:
        start, end, rest = split_leading_range(text, today)
    except InvalidInput:
        return Prefill(note=f"I couldn't read “{text[:60]}” as dates — pick them below.")
    reason = rest.strip()[:MAX_REASON] or None
    if reason is not None and UNSAFE_INPUT.search(reason):
        return Prefill(start, end, None, note="The reason had hidden control characters; type it again.")
    return Prefill(start, end, reason)


def list_reply(services: Services, actor: Actor) -> dict[str, Any]:
    """``/timeoff list``: own requests (managers: everyone's), newest first, with Cancel buttons."""
    requests = services.time_off.list_requests(actor)[:LIST_LIMIT]
    manager = allowed(actor, Action.APPROVE_TIME_OFF)
    names = ({row.employee.id: row.employee.name for row in services.queries.team(actor)}
             if requests else {})
    cancellable = {r.id for r in requests
                   if r.status in (TimeOffStatus.PENDING, TimeOffStatus.APPROVED)
                   and (manager or r.employee_id == actor.employee_id)}
    blocks = requests_list(requests, names, can_cancel=cancellable)
    return reply(f"{len(requests)} time-off request(s)", blocks)


def cancel_reply(services: Services, actor: Actor, words: list[str]) -> dict[str, Any]:
    """``/timeoff cancel <id>``."""
    match = _REQUEST_ID.match(words[0]) if len(words) == 1 else None
    if match is None:
        raise InvalidInput(f"Say which request to cancel, e.g. `/timeoff cancel 12`. {USAGE}",
                           {"request": "missing id"})
    outcome = services.time_off.cancel(actor, int(match.group(1)))
    r = outcome.request
    text = f"Request #{r.id} ({span(r.start_date, r.end_date)}) is cancelled."
    return reply(" ".join([text, *outcome.warnings]))


def register(app: AsyncApp, container: Container) -> None:
    """Listen to ``/timeoff``."""

    @app.command(COMMAND)
    async def on_timeoff(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient, context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        text = str(body.get("text") or "").strip()
        words = text.split()
        head = words[0].lower() if words else ""
        if head == "list" and len(words) == 1:
            await respond(**await container.run_blocking(list_reply, container.services, actor))
            return
        if head == "cancel":
            await respond(**await container.run_blocking(cancel_reply, container.services, actor,
                                                         words[1:]))
            return
        if head == "help":
            await respond(**reply(USAGE))
            return
        today = await container.run_blocking(container.services.queries.today, actor)
        prefill = prefill_from_text(text, today)
        await open_request_modal(container, client, actor, str(body.get("trigger_id") or ""), prefill)
