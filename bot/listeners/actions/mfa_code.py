"""The "Enter code" button: open the code modal at once, then have Retail Link text the SMS code.

The modal opens first because the click's ``trigger_id`` lives three seconds; asking Retail Link for
the code happens after that. When Retail Link refuses (wrong password, outage) the modal is updated
to say so.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.logins import code_modal, notice_modal
from bot.container import Container
from bot.jobs.mfa_prompt import ENTER_CODE_ACTION, CodePurpose
from bot.slack.flows.retaillink_code import retaillink_of
from bot.slack.identity import current_actor
from bot.slack.payloads import action_value
from core.errors import DomainError, PermissionDenied
from core.services.authz import Action, require

log = logging.getLogger(__name__)


def register(app: AsyncApp, container: Container) -> None:
    """Listen to clicks of the "Enter code" button."""

    @app.action(ENTER_CODE_ACTION)
    async def on_enter_code(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                            context: dict[str, Any]) -> None:
        await ack()
        actor = await current_actor(context)
        if actor is None:
            raise PermissionDenied("Only a manager may sign in to Retail Link.")
        require(actor, Action.RUN_SYNC)
        purpose = CodePurpose.decode(action_value(body))
        port = retaillink_of(container)
        opened = await client.views_open(trigger_id=body["trigger_id"], view=code_modal(purpose))
        view_id = str((opened.get("view") or {}).get("id") or "")
        try:
            await container.run_blocking(port.request_code)
        except DomainError as exc:
            log.warning("Retail Link refused to send a code: %s", exc.code)
            await client.views_update(view_id=view_id, view=notice_modal(
                f":warning: Retail Link could not send a code: {exc.message}"))
            return
        log.info("Retail Link code requested by %s", actor.slack_user_id)
