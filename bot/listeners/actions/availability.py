"""Edit… on an availability card, and Edit availability on the Home tab: open the edit modal.

The card's button carries the employee; the Home button edits the clicker's own availability.
Who may save is decided by ``AvailabilityService`` when the modal is submitted.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.home import HOME_EDIT_AVAILABILITY_ACTION
from bot.blocks.modals import AVAILABILITY_TITLE, availability_modal
from bot.blocks.schedule import AVAILABILITY_EDIT_ACTION
from bot.container import Container
from bot.slack.deadlines import open_when_ready
from bot.slack.flows.standing_data import load_availability_form
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import echo_safe
from bot.slack.payloads import action_value, trigger_of
from core.errors import InvalidInput
from core.model import Actor


def register(app: AsyncApp, container: Container) -> None:
    """Open the availability modal from a card or from the Home tab."""

    async def open_for(body: dict[str, Any], client: AsyncWebClient, actor: Actor, employee_id: str) -> None:
        await open_when_ready(container, client, trigger_of(body), AVAILABILITY_TITLE,
                              lambda: load_availability_form(container, actor, employee_id),
                              lambda loaded: availability_modal(*loaded))

    @app.action(AVAILABILITY_EDIT_ACTION)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            await open_for(body, client, actor, action_value(body))

    @app.action(HOME_EDIT_AVAILABILITY_ACTION)
    async def on_home_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                           context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            if actor.employee_id is None:
                raise InvalidInput("You are not linked to a team member; there is no availability to edit.")
            await open_for(body, client, actor, actor.employee_id)
