"""The Retail Link code modal: six digits in, a signed-in Retail Link out, then the waiting work.

A malformed or wrong code is a field error on the input. The code is checked while Slack waits for
the answer when Retail Link is quick; otherwise the modal says "Checking…" and is updated with the
result. Once signed in, the waiting packet of the day is built with its EDR pages and posted (or,
for ``/sched sync edr``, the EDR cache is refreshed), and the manager is told by DM.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.logins import CODE_BLOCK, CODE_CALLBACK, CODE_INPUT, code_modal, notice_modal
from bot.container import Container
from bot.jobs.context import request_context
from bot.jobs.mfa_prompt import CodePurpose
from bot.slack.flows.retaillink_code import (
    BAD_FORMAT,
    clean_code,
    code_problem,
    done_text,
    finish_after_code,
    retaillink_of,
)
from bot.slack.identity import current_actor
from bot.slack.replies import post_dm_quietly
from core.errors import DomainError, PermissionDenied
from core.services.authz import Action, require

log = logging.getLogger(__name__)

CODE_CHECK_BUDGET_SECONDS = 2.0


def submitted_code(body: Mapping[str, Any]) -> str | None:
    """The raw value typed into the code input."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    element = (values.get(CODE_BLOCK) or {}).get(CODE_INPUT) or {}
    value = element.get("value")
    return str(value) if value is not None else None


def register(app: AsyncApp, container: Container) -> None:
    """Handle submissions of the Retail Link code modal."""

    @app.view(CODE_CALLBACK)
    async def on_code(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        actor = await current_actor(context)
        try:
            if actor is None:
                raise PermissionDenied("Only a manager may sign in to Retail Link.")
            require(actor, Action.RUN_SYNC)
            purpose = CodePurpose.decode(str(body["view"].get("private_metadata") or ""))
            port = retaillink_of(container)
        except DomainError as exc:
            await ack(response_action="errors", errors={CODE_BLOCK: exc.message})
            return
        code = clean_code(submitted_code(body))
        if code is None:
            await ack(response_action="errors", errors={CODE_BLOCK: BAD_FORMAT})
            return
        view_id = str(body["view"].get("id") or "")
        check = asyncio.ensure_future(container.run_blocking(port.submit_code, code))
        try:
            await asyncio.wait_for(asyncio.shield(check), CODE_CHECK_BUDGET_SECONDS)
        except TimeoutError:
            await ack(response_action="update", view=notice_modal("Checking the code with Retail Link…"))
            try:
                await check
            except DomainError as exc:
                retry = code_modal(purpose, problem=code_problem(exc))
                await client.views_update(view_id=view_id, view=retry)
                return
            await client.views_update(view_id=view_id, view=notice_modal(done_text(purpose)))
        except DomainError as exc:
            await ack(response_action="errors", errors={CODE_BLOCK: code_problem(exc)})
            return
        else:
            await ack(response_action="update", view=notice_modal(done_text(purpose)))
        log.info("Retail Link code accepted from %s", actor.slack_user_id)
        ctx = request_context(container, context)
        try:
            text = await container.run_blocking(finish_after_code, ctx, actor, purpose)
        except DomainError as exc:
            text = f"Retail Link is signed in, but the follow-up failed: {exc.message}"
        await post_dm_quietly(client, actor.slack_user_id, text)
