"""``/sched settings`` (admins): the credentials modal. Values are stored encrypted, never shown.

The modal only says whether each credential is set; empty fields leave a credential as it was.
``StoreSettingsService`` checks the admin, the values, stores them as secrets and audits which
credentials changed (never a value). Neither the modal nor the confirmation contains a value.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.logins import INPUT_ACTION, SETTINGS_CALLBACK, settings_modal
from bot.container import Container
from bot.slack.identity import current_actor
from bot.slack.replies import post_dm_quietly
from bot.slack.subcommands import SubcommandRequest, register_subcommand
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.services.store_settings import CREDENTIALS

log = logging.getLogger(__name__)

FIRST_FIELD = CREDENTIALS[0].key
NOT_AN_ADMIN = "Only an admin may change settings."
NO_KEY = "Credentials cannot be stored: SETTINGS_ENCRYPTION_KEY is not set."


def submitted_values(body: Mapping[str, Any]) -> dict[str, str]:
    """Credential key → the value typed (empty fields left out)."""
    state = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    found = {}
    for cred in CREDENTIALS:
        raw = ((state.get(cred.key) or {}).get(INPUT_ACTION) or {}).get("value")
        if raw is not None and str(raw).strip():
            found[cred.key] = str(raw)
    return found


def refusal_errors(error: DomainError) -> dict[str, str]:
    """The modal's field errors for a refused save (block ids are the credential keys)."""
    known = {cred.key for cred in CREDENTIALS}
    fields = error.fields if isinstance(error, InvalidInput) else {}
    mapped = {key: text for key, text in fields.items() if key in known}
    return mapped or {FIRST_FIELD: error.message}


async def open_settings(request: SubcommandRequest) -> None:
    """``/sched settings``: admins get the credentials modal."""
    actor = request.actor
    if actor is None:
        raise PermissionDenied(NOT_AN_ADMIN)
    status = await request.container.run_blocking(request.container.services.store_settings.credential_status,
                                                  actor)
    if not request.trigger_id:
        await request.reply("Open this from Slack: the settings need a modal.")
        return
    await request.client.views_open(trigger_id=request.trigger_id, view=settings_modal(status))


def register(app: AsyncApp, container: Container) -> None:
    """``/sched settings`` and its modal."""
    register_subcommand("settings", open_settings,
                        help="Credentials for Crossmark and Retail Link (admins).",
                        examples=("/sched settings",))

    @app.view(SETTINGS_CALLBACK)
    async def on_save(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        actor = await current_actor(context)
        if actor is None:
            await ack(response_action="errors", errors={FIRST_FIELD: NOT_AN_ADMIN})
            return
        values = submitted_values(body)
        try:
            changed = await container.run_blocking(container.services.store_settings.save_credentials,
                                                   actor, values)
        except DomainError as exc:
            await ack(response_action="errors", errors=refusal_errors(exc))
            return
        except RuntimeError as exc:
            log.warning("credentials not stored: %s", type(exc).__name__)
            await ack(response_action="errors", errors={FIRST_FIELD: NO_KEY})
            return
        await ack()
        log.info("credentials changed by %s: %s", actor.slack_user_id, ", ".join(sorted(values)))
        await post_dm_quietly(client, actor.slack_user_id, "Saved (encrypted): " + ", ".join(changed) + ".")
