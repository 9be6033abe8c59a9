"""Time-off buttons: Request time off (App Home), Approve / Deny… on the managers' card, Find
replacement / Unassign after an approval, Cancel in ``/timeoff list``, Submit / Edit on a DM card.

The request state machine lives in ``TimeOffService``: a second decision raises ``Conflict`` and the
clicker is told who decided first while the card is redrawn from the stored request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text
from bot.blocks.time_off import (
    APPROVE_ACTION,
    CANCEL_ACTION,
    DENY_ACTION,
    DM_EDIT_ACTION,
    DM_SUBMIT_ACTION,
    FIND_REPLACEMENT_ACTION,
    HOME_REQUEST_ACTION,
    UNASSIGN_ACTION,
    Prefill,
    decided_card,
    deny_modal,
    request_card,
    request_modal,
    request_text,
    span,
)
from bot.container import Container, Services
from bot.listeners.commands.sched_auto import plan_and_post
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import escape
from core.errors import Conflict, InvalidInput
from core.model import Actor, TimeOffRequest, TimeOffStatus
from core.services.authz import Action, allowed
from core.services.query_models import ScheduledRow
from core.services.recipients import manager_user_ids
from core.services.time_off import TimeOffOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    """A request with the requester's name and their assignments inside its range."""

    request: TimeOffRequest
    employee_name: str
    rows: tuple[ScheduledRow, ...]

    def blocks(self, notes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The card as it should look now."""
        if self.request.status is TimeOffStatus.PENDING:
            return request_card(self.request, self.employee_name, self.rows)
        return decided_card(self.request, self.employee_name, self.rows, notes)

    def text(self) -> str:
        """The notification text of the card."""
        return request_text(self.request, self.employee_name)


def services_of(container: Container) -> Services:
    """The core services the composition root put in the container."""
    if container.services is None:
        raise InvalidInput("schedbot is not fully configured (no services).")
    return cast(Services, container.services)


def store_today(container: Container) -> date:
    """Today in the store's timezone (``STORE_TIMEZONE``)."""
    return container.clock.now().astimezone(ZoneInfo(container.settings.store_timezone)).date()


def load_card(services: Services, actor: Actor, request: TimeOffRequest | int) -> Card:
    """The request (by id, as ``actor`` may see it) with its requester's work in the range."""
    if isinstance(request, int):
        found = [r for r in services.time_off.list_requests(actor) if r.id == request]
        if not found:
            raise InvalidInput(f"Time-off request #{request} does not exist.", {"request": "unknown"})
        request = found[0]
    days = (request.end_date - request.start_date).days + 1
    schedule = services.queries.employee(actor, request.employee_id, days=days, start=request.start_date)
    return Card(request, schedule.employee.name, schedule.rows)


def manager_options(services: Services, actor: Actor) -> list[tuple[str, str]]:
    """(name, id) of active employees when ``actor`` may file requests for others, else none."""
    if not allowed(actor, Action.APPROVE_TIME_OFF):
        return []
    return [(row.employee.name, row.employee.id) for row in services.queries.team(actor)
            if row.employee.is_active]


async def open_request_modal(container: Container, client: AsyncWebClient, actor: Actor, trigger_id: str,
                             prefill: Prefill, private_metadata: str = "") -> None:
    """Open the time-off modal (managers also pick who is off)."""
    options = await container.run_blocking(manager_options, services_of(container), actor)
    if options and prefill.employee_id is None and actor.employee_id in {v for _, v in options}:
        prefill = Prefill(prefill.start, prefill.end, prefill.reason, actor.employee_id, prefill.note)
    await client.views_open(trigger_id=trigger_id,
                            view=request_modal(prefill, employees=options, private_metadata=private_metadata))


async def post_to_managers(container: Container, client: AsyncWebClient, store_id: int, text: str,
                           blocks: list[dict[str, Any]]) -> int:
    """DM every manager (the team channel when there is none); how many posts went out."""
    settings = container.settings
    targets = await container.run_blocking(manager_user_ids, container.uow_factory, store_id,
                                           settings.schedbot_admins)
    if not targets and settings.team_channel:
        targets = [settings.team_channel]
    delivered = 0
    for target in targets:
        try:
            await client.chat_postMessage(channel=target, text=message_text(text), blocks=blocks)
            delivered += 1
        except SlackApiError as exc:
            log.warning("message to managers not delivered to %s: %s", target, exc.response.get("error"))
    return delivered


async def submit_request(container: Container, actor: Actor, employee_id: str, start: date, end: date,
                         reason: str | None) -> Card:
    """File the request (the service checks the dates); its card."""
    services = services_of(container)
    outcome: TimeOffOutcome = await container.run_blocking(services.time_off.submit, actor, employee_id,
                                                           start, end, reason)
    return await container.run_blocking(load_card, services, actor, outcome.request)


async def announce(container: Container, client: AsyncWebClient, actor: Actor, card: Card) -> None:
    """Send the card to the managers and tell the requester it went out."""
    delivered = await post_to_managers(container, client, card.request.store_id, card.text(), card.blocks())
    sent = "sent to your managers" if delivered else "saved, but no manager could be reached in Slack"
    r = card.request
    await dm(client, actor.slack_user_id, f"Your time-off request #{r.id} ({span(r.start_date, r.end_date)}) "
                                          f"was {sent}. I'll DM you when it is decided.")


async def dm(client: AsyncWebClient, user_id: str, text: str) -> None:
    """A direct message; failures are logged, not raised (the main work is done)."""
    try:
        await client.chat_postMessage(channel=user_id, text=message_text(text))
    except SlackApiError as exc:
        log.warning("DM to %s failed: %s", user_id, exc.response.get("error"))


def message_location(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message a button sits in; None for buttons in views."""
    box = body.get("container") or {}
    channel, ts = box.get("channel_id"), box.get("message_ts")
    return (str(channel), str(ts)) if channel and ts else None


def action_value(body: Mapping[str, Any]) -> str:
    """The ``value`` of the clicked button."""
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def request_id_of(body: Mapping[str, Any]) -> int:
    """The request id a button carries."""
    raw = action_value(body)
    if not raw.isdigit():
        raise InvalidInput("That button does not name a request.", {"request": "bad value"})
    return int(raw)


def affected_of(body: Mapping[str, Any]) -> tuple[int, int]:
    """(request id, event id) of a Find replacement / Unassign button."""
    try:
        data = json.loads(action_value(body))
        return int(data["r"]), int(data["e"])
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput("That button does not name an assignment.", {"event": "bad value"}) from exc


async def redraw(container: Container, client: AsyncWebClient, actor: Actor, request_id: int,
                 where: tuple[str, str] | None, notes: tuple[str, ...] = ()) -> Card:
    """Re-render the card at ``where`` from the stored request."""
    card = await container.run_blocking(load_card, services_of(container), actor, request_id)
    if where is not None:
        await client.chat_update(channel=where[0], ts=where[1], text=message_text(card.text()),
                                 blocks=card.blocks(notes))
    return card


def already_text(request: TimeOffRequest) -> str:
    """"Request #3 was already approved by @ana." """
    by = f" by <@{request.decided_by}>" if request.decided_by else ""
    return f"Request #{request.id} was already {request.status.value}{by}; nothing changed."


async def tell(respond: AsyncRespond, text: str) -> None:
    """An ephemeral note to the clicker."""
    await respond(text=message_text(text), response_type="ephemeral", replace_original=False)


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the time-off buttons."""

    @app.action(HOME_REQUEST_ACTION)
    async def on_home_request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        await open_request_modal(container, client, actor, str(body.get("trigger_id") or ""), Prefill())

    @app.action(APPROVE_ACTION)
    async def on_approve(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, where = request_id_of(body), message_location(body)
        try:
            outcome = await container.run_blocking(services_of(container).time_off.approve, actor, request_id)
        except Conflict:
            card = await redraw(container, client, actor, request_id, where)
            await tell(respond, already_text(card.request))
            return
        await redraw(container, client, actor, request_id, where, outcome.warnings)

    @app.action(DENY_ACTION)
    async def on_deny(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                      context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, where = request_id_of(body), message_location(body)
        card = await container.run_blocking(load_card, services_of(container), actor, request_id)
        if card.request.status is not TimeOffStatus.PENDING:
            await redraw(container, client, actor, request_id, where)
            await tell(respond, already_text(card.request))
            return
        meta = json.dumps({"r": request_id, "w": list(where) if where else None}, separators=(",", ":"))
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""),
                                view=deny_modal(request_id, meta))

    @app.action(UNASSIGN_ACTION)
    async def on_unassign(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                          context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, event_id = affected_of(body)
        result = await container.run_blocking(services_of(container).scheduling.unassign, actor, event_id)
        done = "; ".join(escape(c.event.name) for c in result.changes) or "nothing"
        notes = (f"Unassigned by <@{actor.slack_user_id}>: {done}", *(escape(w) for w in result.warnings))
        await redraw(container, client, actor, request_id, message_location(body), notes)

    @app.action(FIND_REPLACEMENT_ACTION)
    async def on_find_replacement(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                                  context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, event_id = affected_of(body)
        where = message_location(body)
        channel = where[0] if where else actor.slack_user_id
        await plan_and_post(container, client, actor, channel, only_event_ids=(event_id,),
                            title=f"Replacement for time-off request #{request_id}")

    @app.action(CANCEL_ACTION)
    async def on_cancel(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                        context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id = request_id_of(body)
        outcome = await container.run_blocking(services_of(container).time_off.cancel, actor, request_id)
        r = outcome.request
        await tell(respond, f"Request #{r.id} ({span(r.start_date, r.end_date)}) is cancelled.")

    @app.action(DM_SUBMIT_ACTION)
    async def on_dm_submit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                           context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        prefill = prefill_of(body)
        if prefill.start is None or prefill.end is None or actor.employee_id is None:
            raise InvalidInput("That card has no dates; type them again, e.g. `off fri`.",
                               {"date": "missing"})
        card = await submit_request(container, actor, actor.employee_id, prefill.start, prefill.end,
                                    prefill.reason)
        await announce(container, client, actor, card)
        await close_dm_card(client, message_location(body),
                            f"Sent to your managers as request #{card.request.id}.")

    @app.action(DM_EDIT_ACTION)
    async def on_dm_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        where = message_location(body)
        meta = json.dumps({"w": list(where)}, separators=(",", ":")) if where else ""
        await open_request_modal(container, client, actor, str(body.get("trigger_id") or ""),
                                 prefill_of(body), meta)


def prefill_of(body: Mapping[str, Any]) -> Prefill:
    """The dates and reason a DM card's button carries."""
    try:
        return Prefill.decode(action_value(body))
    except (ValueError, TypeError) as exc:
        raise InvalidInput("That card is damaged; type your request again.", {"date": "bad value"}) from exc


async def close_dm_card(client: AsyncWebClient, where: tuple[str, str] | None, text: str) -> None:
    """Replace a DM card's buttons with a closing line."""
    if where is None:
        return
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    await client.chat_update(channel=where[0], ts=where[1], text=message_text(text), blocks=blocks)
