"""A roster CSV uploaded in a DM to the bot: dry-run report, then Apply / Discard buttons.

Only messages of the DM that carry files come here (plain-language DMs go to
``bot.listeners.messages.dm``). The file is read with ``files.info`` and downloaded from its
``url_private_download`` with the bot token. ``RosterService.stage_upload`` dry-runs it; when every
row is acceptable and something would change, core keeps the file (``roster_uploads``, under a random
id that goes in the buttons, never the content) and the report carries Apply / Discard buttons
(``bot.listeners.actions.team``). A bad file gets its report and no button, so nothing can be applied.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.team import report_blocks
from bot.container import Container
from bot.slack.identity import current_actor
from bot.slack.replies import post_dm
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.model import Actor
from core.services import authz
from core.services.roster import StagedUpload

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_FILES = 3
DOWNLOAD_TIMEOUT_SECONDS = 15.0
CSV_TYPES = frozenset({"csv", "text/csv", "application/csv"})
NOT_A_MANAGER = ("Only managers can import the team roster. I can't do anything else with files — "
                 "write to me in words instead.")
NOT_CSV = ("I can import the team roster from a CSV file (`schedbot roster export` or `/sched team export` "
           "gives you one to edit). This file is not a CSV.")


def is_file_dm(body: Mapping[str, Any], bot_user_id: str | None = None) -> bool:
    """A person's DM to the bot that carries files (bots' own messages and edits excluded)."""
    event = body.get("event") or {}
    user = event.get("user")
    return (event.get("type") == "message" and event.get("channel_type") == "im"
            and bool(event.get("files")) and not event.get("bot_id") and not event.get("bot_profile")
            and event.get("subtype") in (None, "file_share") and bool(user) and user != bot_user_id)


def is_csv(info: Mapping[str, Any]) -> bool:
    """Slack's file description says CSV (by type or by name)."""
    kinds = {str(info.get("filetype") or "").lower(), str(info.get("mimetype") or "").lower()}
    return bool(kinds & CSV_TYPES) or str(info.get("name") or "").lower().endswith(".csv")


async def download(url: str, token: str, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The file at ``url_private_download``, with the bot token; refuses more than ``limit`` bytes."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_SECONDS, follow_redirects=True) as http, \
            http.stream("GET", url, headers=headers) as answer:
        if answer.status_code != 200 or "text/html" in answer.headers.get("content-type", ""):
            raise InvalidInput(f"Slack did not hand me the file (HTTP {answer.status_code}); try again.")
        chunks, size = [], 0
        async for chunk in answer.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise InvalidInput(f"The file is larger than {limit // 1024} KB; a roster is much smaller.")
            chunks.append(chunk)
    return b"".join(chunks)


async def fetch_file(client: AsyncWebClient, file_id: str) -> tuple[str, bytes]:
    """(name, content) of an uploaded CSV; ``InvalidInput`` for anything else."""
    try:
        info = (await client.files_info(file=file_id)).get("file") or {}
    except SlackApiError as exc:
        log.warning("files.info failed: %s", exc.response.get("error"))
        raise InvalidInput("I could not read that file from Slack; send it again.") from None
    name = str(info.get("name") or "roster.csv")
    if not is_csv(info):
        raise InvalidInput(NOT_CSV)
    if int(info.get("size") or 0) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"{name} is larger than {MAX_UPLOAD_BYTES // 1024} KB; a roster is much smaller.")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url.startswith(("https://", "http://")):
        raise InvalidInput("Slack gave no download link for that file; send it again.")
    try:
        return name, await download(url, str(client.token or ""))
    except httpx.HTTPError as exc:
        log.warning("downloading an uploaded roster failed: %s", type(exc).__name__)
        raise InvalidInput("Downloading the file failed; send it again.") from None


async def check_upload(container: Container, client: AsyncWebClient, actor: Actor, file_id: str) -> None:
    """Dry-run one uploaded file and answer with its report (and buttons when it may be applied)."""
    name, data = await fetch_file(client, file_id)
    staged: StagedUpload = await container.run_blocking(container.services.roster.stage_upload, actor,
                                                        name, data)
    report = staged.report
    upload_id = staged.upload.id if staged.upload is not None else None
    if upload_id is not None:
        footer = "Nothing is saved until you press Apply."
    elif report.ok:
        footer = "The roster already matches this file: nothing to apply."
    else:
        footer = "Nothing can be applied from this file: fix it and upload it again."
    text = f"Roster check of {name}: " + ("ready to apply" if upload_id else "nothing to apply")
    await post_dm(client, actor.slack_user_id, text,
                  report_blocks(report.render(), upload_id=upload_id, title=f"Roster check: {name}"[:150],
                                footer=footer))


def register(app: AsyncApp, container: Container) -> None:
    """Listen to DMs that carry files."""

    async def carries_files(body: dict[str, Any], context: dict[str, Any]) -> bool:
        return is_file_dm(body, context.get("bot_user_id"))

    @app.event("message", matchers=[carries_files])
    async def on_file_dm(event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        user_id = str(event.get("user") or "")
        try:
            actor = await current_actor(context)
            if actor is None or not authz.allowed(actor, authz.Action.EDIT_TEAM):
                raise PermissionDenied(NOT_A_MANAGER)
            for item in (event.get("files") or [])[:MAX_FILES]:
                if isinstance(item, Mapping) and item.get("id"):
                    await check_upload(container, client, actor, str(item["id"]))
        except DomainError as exc:
            log.info("roster upload refused: %s", exc.code)
            await post_dm(client, user_id, exc.message)
