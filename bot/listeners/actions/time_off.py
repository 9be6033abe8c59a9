"""Time-off buttons: Request time off (App Home), Approve / Deny… on the managers' card, Find
replacement / Unassign after an approval, Cancel in ``/timeoff list``, Submit / Edit on a DM card.

The request state machine lives in ``TimeOffService``: a second decision raises ``Conflict`` and the
clicker is told who decided first while the card is redrawn from the stored request
(``bot.slack.flows.time_off_requests``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

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
    deny_modal,
    span,
)
from bot.container import Container
from bot.slack.flows.auto_proposals import plan_and_post
from bot.slack.flows.time_off_requests import (
    already_text,
    announce,
    load_card,
    open_request_modal,
    redraw,
    submit_request,
)
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import escape
from bot.slack.payloads import action_value, message_location, trigger_of
from bot.slack.replies import close_dm_card, tell
from core.errors import Conflict, InvalidInput
from core.model import TimeOffStatus


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


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the time-off buttons."""

    @app.action(HOME_REQUEST_ACTION)
    async def on_home_request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                              context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        await open_request_modal(container, client, actor, trigger_of(body), Prefill())

    @app.action(APPROVE_ACTION)
    async def on_approve(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, where = request_id_of(body), message_location(body)
        try:
            outcome = await container.run_blocking(container.services.time_off.approve, actor, request_id)
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
        card = await container.run_blocking(load_card, container.services, actor, request_id)
        if card.request.status is not TimeOffStatus.PENDING:
            await redraw(container, client, actor, request_id, where)
            await tell(respond, already_text(card.request))
            return
        meta = json.dumps({"r": request_id, "w": list(where) if where else None}, separators=(",", ":"))
        await client.views_open(trigger_id=trigger_of(body),
                                view=deny_modal(request_id, meta))

    @app.action(UNASSIGN_ACTION)
    async def on_unassign(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                          context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        request_id, event_id = affected_of(body)
        result = await container.run_blocking(container.services.scheduling.unassign, actor, event_id)
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
        outcome = await container.run_blocking(container.services.time_off.cancel, actor, request_id)
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
        await open_request_modal(container, client, actor, trigger_of(body),
                                 prefill_of(body), meta)


def prefill_of(body: Mapping[str, Any]) -> Prefill:
    """The dates and reason a DM card's button carries."""
    try:
        return Prefill.decode(action_value(body))
    except (ValueError, TypeError) as exc:
        raise InvalidInput("That card is damaged; type your request again.", {"date": "bad value"}) from exc
