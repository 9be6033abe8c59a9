"""``/sched settings`` (admins): the credentials modal. Values are stored encrypted, never shown.

The modal only says whether each credential is set; empty fields leave a credential as it was.
Stored values go through ``uow.settings.set(..., secret=True)`` (Fernet at rest). Neither the modal,
the confirmation nor the audit log ever contains a value — only which credentials changed.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, context, modal, plain_text, section
from bot.container import Container
from bot.listeners.commands.sched import SubcommandRequest, register_subcommand
from bot.listeners.views.mfa_code import tell
from bot.slack.identity import current_actor
from core.errors import DomainError, PermissionDenied
from core.model import Actor
from core.ports import Clock, UnitOfWorkFactory
from core.services import audit
from core.services.authz import Action, require

log = logging.getLogger(__name__)

CALLBACK = "sched_settings_credentials"
MAX_LENGTH = 200


@dataclass(frozen=True)
class Credential:
    """One stored credential: its settings key (also the modal block id) and its label."""

    key: str
    label: str
    hint: str


CREDENTIALS = (
    Credential("crossmark_username", "Crossmark username", "MVRetail login"),
    Credential("crossmark_password", "Crossmark password", "MVRetail password"),
    Credential("walmart_edr_username", "Walmart Retail Link username", "Retail Link user id"),
    Credential("walmart_edr_password", "Walmart Retail Link password", "Retail Link password"),
    Credential("walmart_edr_mfa_credential_id", "Retail Link MFA credential id", "the SMS credential id"),
)
INPUT_ACTION = "value"


def credential_status(uow_factory: UnitOfWorkFactory, store_id: int) -> dict[str, str]:
    """For each credential key: "set", "not set" or "set, but unreadable" — never the value."""
    status = {}
    with uow_factory() as uow:
        for cred in CREDENTIALS:
            try:
                present = uow.settings.get(store_id, cred.key) not in (None, "")
                status[cred.key] = "set" if present else "not set"
            except (RuntimeError, ValueError) as exc:
                log.warning("credential %s cannot be read: %s", cred.key, type(exc).__name__)
                status[cred.key] = "set, but unreadable with the current key"
    return status


def settings_modal(status: Mapping[str, str]) -> Block:
    """The credentials modal: one optional input per credential, no initial values."""
    lines = "\n".join(f"• {cred.label}: _{status.get(cred.key, 'not set')}_" for cred in CREDENTIALS)
    blocks: list[Block] = [
        section("Credentials are stored encrypted and are never shown again. Leave a field empty to "
                "keep what is stored.\n" + lines),
    ]
    for cred in CREDENTIALS:
        blocks.append({"type": "input", "block_id": cred.key, "optional": True,
                       "label": plain_text(cred.label), "hint": plain_text(cred.hint),
                       "element": {"type": "plain_text_input", "action_id": INPUT_ACTION,
                                   "max_length": MAX_LENGTH}})
    blocks.append(context("Changes are recorded in the audit log (which credentials, not their values)."))
    return modal("Settings", blocks, callback_id=CALLBACK, submit="Save", close="Cancel")


def submitted_values(body: Mapping[str, Any]) -> dict[str, str]:
    """Credential key → the value typed (empty fields left out)."""
    state = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    found = {}
    for cred in CREDENTIALS:
        raw = ((state.get(cred.key) or {}).get(INPUT_ACTION) or {}).get("value")
        if raw is not None and str(raw).strip():
            found[cred.key] = str(raw)
    return found


def value_problems(values: Mapping[str, str]) -> dict[str, str]:
    """Block id → why the value cannot be stored."""
    problems = {}
    for key, value in values.items():
        if len(value) > MAX_LENGTH:
            problems[key] = f"At most {MAX_LENGTH} characters."
        elif any(unicodedata.category(ch).startswith("C") for ch in value):
            problems[key] = "Line breaks and control characters are not allowed."
        elif value != value.strip():
            problems[key] = "Remove the spaces at the start or end."
    return problems


def store_credentials(uow_factory: UnitOfWorkFactory, clock: Clock, actor: Actor,
                      values: Mapping[str, str]) -> list[str]:
    """Encrypt and store the values (one transaction); the labels of what changed."""
    require(actor, Action.SETTINGS)
    labels = {cred.key: cred.label for cred in CREDENTIALS}
    with uow_factory() as uow:
        for key, value in values.items():
            uow.settings.set(actor.store_id, key, value, secret=True)
        audit.record(uow, actor, "settings.credentials", "settings", "credentials",
                     after={"changed": sorted(values)}, at=clock.now())
        uow.commit()
    return [labels[key] for key in values]


async def open_settings(request: SubcommandRequest) -> None:
    """``/sched settings``: admins get the credentials modal."""
    actor = request.actor
    if actor is None:
        raise PermissionDenied("Only an admin may change settings.")
    require(actor, Action.SETTINGS)
    if not request.trigger_id:
        await request.reply("Open this from Slack: the settings need a modal.")
        return
    status = await request.container.run_blocking(credential_status, request.container.uow_factory,
                                                  actor.store_id)
    await request.client.views_open(trigger_id=request.trigger_id, view=settings_modal(status))


def register(app: AsyncApp, container: Container) -> None:
    """``/sched settings`` and its modal."""
    register_subcommand("settings", open_settings,
                        help="Credentials for Crossmark and Retail Link (admins).",
                        examples=("/sched settings",))

    @app.view(CALLBACK)
    async def on_save(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        actor = await current_actor(context)
        values = submitted_values(body)
        first = CREDENTIALS[0].key
        if actor is None:
            await ack(response_action="errors", errors={first: "Only an admin may change settings."})
            return
        if not values:
            await ack(response_action="errors", errors={first: "Enter at least one credential to save."})
            return
        problems = value_problems(values)
        if problems:
            await ack(response_action="errors", errors=problems)
            return
        try:
            changed = await container.run_blocking(store_credentials, container.uow_factory,
                                                   container.clock, actor, values)
        except DomainError as exc:
            await ack(response_action="errors", errors={first: exc.message})
            return
        except RuntimeError as exc:
            log.warning("credentials not stored: %s", type(exc).__name__)
            await ack(response_action="errors",
                      errors={first: "Credentials cannot be stored: SETTINGS_ENCRYPTION_KEY is not set."})
            return
        await ack()
        log.info("credentials changed by %s: %s", actor.slack_user_id, ", ".join(sorted(values)))
        await tell(client, actor.slack_user_id, "Saved (encrypted): " + ", ".join(changed) + ".")
