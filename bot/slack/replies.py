"""Answering people in Slack: an ephemeral note to a clicker, a DM, the managers' DMs, and closing a
DM card. Failures that would only lose a courtesy message are logged where the caller says so."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text
from bot.container import Container
from core.services.recipients import manager_user_ids

log = logging.getLogger(__name__)


async def tell(respond: AsyncRespond, text: str) -> None:
    """An ephemeral note to the clicker, next to the clicked message."""
    await respond(text=message_text(text), response_type="ephemeral", replace_original=False)


async def post_dm(client: AsyncWebClient, user_id: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
    """Post in the DM with ``user_id`` (opened first); Slack errors are raised."""
    opened = await client.conversations_open(users=user_id)
    channel = str((opened.get("channel") or {}).get("id") or user_id)
    await client.chat_postMessage(channel=channel, text=text, blocks=blocks)


async def post_dm_quietly(client: AsyncWebClient, user_id: str, text: str) -> None:
    """DM ``user_id``; failures are logged, never raised (the main work is done)."""
    try:
        await post_dm(client, user_id, text)
    except SlackApiError as exc:
        log.warning("could not DM %s: %s", user_id, exc.response.get("error"))


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


async def close_dm_card(client: AsyncWebClient, where: tuple[str, str] | None, text: str) -> None:
    """Replace a DM card's buttons with a closing line."""
    if where is None:
        return
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    await client.chat_update(channel=where[0], ts=where[1], text=message_text(text), blocks=blocks)
