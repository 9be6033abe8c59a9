"""A roster CSV uploaded in a DM to the bot: dry-run report, then Apply / Discard buttons.

Only messages of the DM that carry files come here (plain-language DMs go to
``bot.listeners.messages.dm``). The file is read with ``files.info`` and downloaded from its
``url_private_download`` with the bot token. A manager gets the dry-run report of
``RosterService.import_csv``; when every row is acceptable and something would change, the file
content is kept server-side (a store setting under a random id, never in the button) and the report
carries Apply / Discard buttons (``bot.listeners.actions.team``). A bad file gets its report and
no button, so nothing can be applied.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.team import report_blocks
from bot.container import Container
from bot.listeners.commands.sched_team import services_of
from bot.slack.identity import current_actor
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.model import Actor
from core.ports import Clock, UnitOfWorkFactory
from core.services import authz
from core.services.roster import RosterReport, RowStatus

log = logging.getLogger(__name__)

KEY_PREFIX = "roster_upload."
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_FILES = 3
DOWNLOAD_TIMEOUT_SECONDS = 15.0
UPLOAD_TTL = timedelta(hours=24)
CSV_TYPES = frozenset({"csv", "text/csv", "application/csv"})
NOT_A_MANAGER = ("Only managers can import the team roster. I can't do anything else with files — "
                 "write to me in words instead.")
NOT_CSV = ("I can import the team roster from a CSV file (`schedbot roster export` or `/sched team export` "
           "gives you one to edit). This file is not a CSV.")


@dataclass(frozen=True)
class PendingUpload:
    """A dry-run-checked roster file waiting for Apply."""

    upload_id: str
    uploaded_by: str
    uploaded_at: datetime
    filename: str
    data: bytes

    def expired(self, now: datetime) -> bool:
        """Older than a day: the roster may have changed since; upload it again."""
        return now - self.uploaded_at > UPLOAD_TTL


def _key(upload_id: str) -> str:
    return KEY_PREFIX + upload_id


def keep_upload(uow_factory: UnitOfWorkFactory, store_id: int, actor: Actor, filename: str, data: bytes,
                clock: Clock) -> str:
    """Store the file under a new random id; the id goes into the Apply button."""
    upload_id = secrets.token_urlsafe(18)
    value = json.dumps({"state": "pending", "by": actor.slack_user_id, "at": clock.now().isoformat(),
                        "name": filename[:200], "data": base64.b64encode(data).decode("ascii")})
    with uow_factory() as uow:
        uow.settings.set(store_id, _key(upload_id), value)
        uow.commit()
    return upload_id


def pending_upload(uow_factory: UnitOfWorkFactory, store_id: int, upload_id: str) -> PendingUpload | None:
    """The waiting upload, or ``None`` when it was applied, discarded or never existed."""
    if not upload_id or len(upload_id) > 64:
        return None
    with uow_factory() as uow:
        raw = uow.settings.get(store_id, _key(upload_id))
    try:
        stored = json.loads(raw or "{}")
        if stored.get("state") != "pending":
            return None
        return PendingUpload(upload_id, str(stored["by"]), datetime.fromisoformat(stored["at"]),
                             str(stored.get("name") or "roster.csv"), base64.b64decode(stored["data"]))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        log.warning("stored roster upload %s is unreadable", upload_id)
        return None


def close_upload(uow_factory: UnitOfWorkFactory, store_id: int, upload_id: str, state: str, actor: Actor,
                 clock: Clock) -> None:
    """Forget the file content; remember who applied or discarded it."""
    value = json.dumps({"state": state, "by": actor.slack_user_id, "at": clock.now().isoformat()})
    with uow_factory() as uow:
        uow.settings.set(store_id, _key(upload_id), value)
        uow.commit()


def has_changes(report: RosterReport) -> bool:
    """True when applying would create or update at least one row."""
    return bool(report.count(RowStatus.CREATED) or report.count(RowStatus.UPDATED))


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


async def post_dm(client: AsyncWebClient, user_id: str, text: str,
                  blocks: list[dict[str, Any]] | None = None) -> None:
    """Post in the DM with ``user_id``."""
    opened = await client.conversations_open(users=user_id)
    channel = str((opened.get("channel") or {}).get("id") or user_id)
    await client.chat_postMessage(channel=channel, text=text, blocks=blocks)


async def check_upload(container: Container, client: AsyncWebClient, actor: Actor, file_id: str) -> None:
    """Dry-run one uploaded file and answer with its report (and buttons when it may be applied)."""
    name, data = await fetch_file(client, file_id)
    roster = services_of(container).roster
    report: RosterReport = await container.run_blocking(roster.import_csv, actor, data, dry_run=True)
    upload_id = None
    if report.ok and has_changes(report):
        upload_id = await container.run_blocking(keep_upload, container.uow_factory, actor.store_id, actor,
                                                 name, data, container.clock)
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
