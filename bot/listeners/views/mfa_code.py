"""The Retail Link code modal: six digits in, a signed-in Retail Link out, then the waiting work.

A malformed or wrong code is a field error on the input. The code is checked while Slack waits for
the answer when Retail Link is quick; otherwise the modal says "Checking…" and is updated with the
result. Once signed in, the waiting packet of the day is built with its EDR pages and posted (or,
for ``/sched sync edr``, the EDR cache is refreshed), and the manager is told by DM.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, context, modal, plain_text, section
from bot.container import Container
from bot.jobs.context import JobContext, request_context
from bot.jobs.mfa_prompt import CodePurpose
from bot.jobs.packet import DailyPacket
from bot.jobs.syncs import run_sync
from bot.slack.identity import current_actor
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.model import Actor
from core.ports import RetailLinkPort
from core.services.authz import Action, require

log = logging.getLogger(__name__)

CODE_CALLBACK = "retaillink_code"
CODE_BLOCK = "mfa_code"
CODE_INPUT = "code"
CODE_CHECK_BUDGET_SECONDS = 2.0
SIX_DIGITS = re.compile(r"\d{6}")
BAD_FORMAT = "Enter the 6 digits from the text message (numbers only)."
WRONG_CODE = "Retail Link did not accept this code. Check the latest text message and try again."


def clean_code(raw: str | None) -> str | None:
    """The six digits of what was typed (spaces and dashes allowed), or None."""
    text = re.sub(r"[\s-]", "", raw or "")
    return text if SIX_DIGITS.fullmatch(text) else None


def code_modal(purpose: CodePurpose, *, problem: str | None = None) -> Block:
    """The modal with the 6-digit input; ``problem`` shows why the last attempt failed."""
    blocks: list[Block] = [section(f"Retail Link is texting a 6-digit code to the phone on file. "
                                   f"Type it here to {purpose.describe()}.")]
    if problem:
        blocks.append(context(f":warning: {problem}"))
    blocks.append({"type": "input", "block_id": CODE_BLOCK, "label": plain_text("SMS code"),
                   "hint": plain_text("6 digits, e.g. 123456"),
                   "element": {"type": "plain_text_input", "action_id": CODE_INPUT,
                               "min_length": 6, "max_length": 12,
                               "placeholder": plain_text("123456")}})
    return modal("Retail Link code", blocks, callback_id=CODE_CALLBACK, submit="Sign in", close="Cancel",
                 private_metadata=purpose.encode())


def notice_modal(text: str, *, title: str = "Retail Link code") -> Block:
    """A modal that only tells something (no submit)."""
    return modal(title, [section(text)], close="Close")


def submitted_code(body: Mapping[str, Any]) -> str | None:
    """The raw value typed into the code input."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    element = (values.get(CODE_BLOCK) or {}).get(CODE_INPUT) or {}
    value = element.get("value")
    return str(value) if value is not None else None


def retaillink_of(container: Container) -> RetailLinkPort:
    """The Retail Link adapter of the container; a plain refusal when it is not configured."""
    port = container.retaillink
    if port is None:
        raise InvalidInput("Retail Link is not set up yet: an admin can add its login with /sched settings.")
    return port


def code_problem(error: DomainError) -> str:
    """What to show under the input for a refused code."""
    if isinstance(error, InvalidInput):
        return WRONG_CODE if "pending" not in error.message else error.message
    return error.message


def finish_after_code(ctx: JobContext, actor: Actor, purpose: CodePurpose) -> str:
    """The work that waited for the code; the sentence for the manager."""
    if purpose.day is not None:
        outcome = DailyPacket(ctx).after_code(purpose.day)
        if outcome.posted is None:
            return f"Retail Link is signed in, but there was no packet to post for {purpose.day}."
        missing = (f" ({len(outcome.missing_edr)} EDR report(s) still missing)"
                   if outcome.missing_edr else " with its EDR pages")
        return f"Retail Link is signed in. The {purpose.day:%A %B %-d} packet was posted in " \
               f"<#{outcome.posted.channel}>{missing}."
    result = run_sync(ctx, "edr", actor)
    return f"Retail Link is signed in. {result.describe()}."


async def tell(client: AsyncWebClient, user_id: str, text: str) -> None:
    """DM ``user_id`` (failures are logged, never raised)."""
    try:
        opened = await client.conversations_open(users=user_id)
        channel = str((opened.get("channel") or {}).get("id") or user_id)
        await client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as exc:
        log.warning("could not DM %s: %s", user_id, exc.response.get("error"))


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
        await tell(client, actor.slack_user_id, text)


def done_text(purpose: CodePurpose) -> str:
    """What the modal says once the code is accepted."""
    return f":white_check_mark: Signed in to Retail Link. I'll {purpose.describe()} and DM you when done."

