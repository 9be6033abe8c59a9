"""Edit… on the rotation card: open the weekly rotation modal (weekday → Juicer / Primary Lead).

The selects offer the active Juicer Baristas for the Juicer rotation and the active Leads and Club
Supervisors for the Primary Lead rotation (``bot.slack.flows.standing_data``); ``RotationService``
decides who may save.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.modals import ROTATION_TITLE, rotation_modal
from bot.blocks.schedule import ROTATION_EDIT_ACTION
from bot.container import Container
from bot.slack.deadlines import open_when_ready
from bot.slack.flows.standing_data import load_rotation_form
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import echo_safe
from bot.slack.payloads import trigger_of


def register(app: AsyncApp, container: Container) -> None:
    """Open the rotation modal."""

    @app.action(ROTATION_EDIT_ACTION)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            await open_when_ready(container, client, trigger_of(body), ROTATION_TITLE,
                                  lambda: load_rotation_form(container, actor),
                                  lambda form: rotation_modal(form.current, form.people))
