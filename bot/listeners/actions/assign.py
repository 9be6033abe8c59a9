"""Buttons of the schedule views: Assign… / Reassign… / Override… (open the Assign… modal) and the
Confirm / Cancel buttons that follow a schedule change with soft warnings.

A click's ``trigger_id`` lives three seconds, so a modal opens at once with its data when the data
is quick, else with a loading view that is filled in with ``views.update``
(``bot.slack.deadlines.open_when_ready``).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.events import ASSIGN_OPEN_ACTION, CANCEL_ACTION, CONFIRM_ACTION
from bot.blocks.modals import ASSIGN_TITLE, AssignPrefill, assign_modal
from bot.container import Container
from bot.slack.deadlines import open_when_ready
from bot.slack.flows.schedule_changes import ChangeRequest, load_assign_form, perform
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import echo_safe
from bot.slack.payloads import action_value, trigger_of


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the Assign… and Confirm / Cancel buttons."""

    @app.action(ASSIGN_OPEN_ACTION)
    async def on_assign_open(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            prefill = AssignPrefill.decode(action_value(body))
            await open_when_ready(container, client, trigger_of(body), ASSIGN_TITLE,
                                  lambda: load_assign_form(container, actor, prefill.event_id),
                                  lambda form: assign_modal(form, prefill))

    @app.action(CONFIRM_ACTION)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            change = ChangeRequest.decode(action_value(body))
            answer = await perform(container, actor, change, confirm=True)
        await respond(replace_original=True, **answer)

    @app.action(CANCEL_ACTION)
    async def on_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(replace_original=True, text="Cancelled — nothing was changed.")
