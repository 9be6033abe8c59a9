"""Submissions of the time-off modal and of the "Deny…" note modal.

Both are checked while Slack waits for the answer, so problems show on the fields
(``response_action="errors"``) and nothing is stored. Free text refuses control and
direction-override characters; dates must come from the date pickers; the "For" select only
accepts people it offered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import modal, section
from bot.blocks.time_off import (
    DENY_CALLBACK,
    EMPLOYEE_BLOCK,
    END_BLOCK,
    MAX_REASON,
    MODAL_CALLBACK,
    NOTE_BLOCK,
    REASON_BLOCK,
    START_BLOCK,
    field_values,
)
from bot.container import Container
from bot.slack.flows.team import manager_options
from bot.slack.flows.time_off_requests import already_text, announce, load_card, redraw, submit_request
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import clean_input
from bot.slack.replies import close_dm_card
from core.errors import Conflict, InvalidInput
from core.model import Actor

log = logging.getLogger(__name__)

FIELD_BLOCKS = {"start": START_BLOCK, "end": END_BLOCK, "reason": REASON_BLOCK,
                "employee": EMPLOYEE_BLOCK, "note": NOTE_BLOCK, "date": START_BLOCK}


def optional_text(raw: object, block_id: str, what: str) -> str | None:
    """Optional free text of a plain-text input (``clean_input`` rules), ``None`` when empty."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidInput(f"The {what} is not readable.", {block_id: "Type plain text."})
    return clean_input(raw, field=block_id, max_length=MAX_REASON, what=what) or None


def picked_date(values: Mapping[str, Mapping[str, Any]], block_id: str, label: str) -> date:
    """The ISO date of a date picker, or a field error."""
    raw = (values.get(block_id) or {}).get("selected_date")
    if not isinstance(raw, str) or not raw:
        raise InvalidInput(f"Pick the {label}.", {block_id: f"Pick the {label}."})
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"Pick the {label}.", {block_id: "Not a real date."}) from None


def picked_employee(values: Mapping[str, Mapping[str, Any]], actor: Actor,
                    offered: list[tuple[str, str]]) -> str:
    """Who is off: the "For" select (managers, offered values only) or the actor themself."""
    state = values.get(EMPLOYEE_BLOCK)
    if state is None:
        if actor.employee_id is None:
            raise InvalidInput("Say who is off.", {START_BLOCK: "You are not linked to an employee, so "
                                                                "the form must say who is off."})
        return actor.employee_id
    option = state.get("selected_option") or {}
    chosen = option.get("value") if isinstance(option, Mapping) else None
    if not isinstance(chosen, str) or chosen not in {value for _, value in offered}:
        raise InvalidInput("Pick someone from the list.", {EMPLOYEE_BLOCK: "Pick someone from the list."})
    return chosen


def field_errors(error: InvalidInput) -> dict[str, str]:
    """A service's field problems keyed by the modal's block ids (unknown fields go to the start)."""
    errors: dict[str, str] = {}
    for name, problem in (error.fields or {"start": error.message}).items():
        block = FIELD_BLOCKS.get(name, START_BLOCK)
        errors[block] = f"{errors[block]} {problem}" if block in errors else problem
    return errors


def location_of(private_metadata: str) -> tuple[str, str] | None:
    """The (channel, ts) of a message the modal should update, from its private metadata."""
    try:
        data = json.loads(private_metadata) if private_metadata else {}
        where = data.get("w") if isinstance(data, dict) else None
        if isinstance(where, list) and len(where) == 2 and all(isinstance(x, str) for x in where):
            return where[0], where[1]
    except ValueError:
        log.info("ignoring unreadable private_metadata")
    return None


def notice(text: str) -> dict[str, Any]:
    """A closing modal that says ``text``."""
    return modal("Time off", [section(text)], close="Close")


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the time-off modal submissions."""

    @app.view(MODAL_CALLBACK)
    async def on_request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        actor = require_linked(await current_actor(context))
        view = body.get("view") or {}
        values = field_values(view)
        services = container.services
        try:
            offered = (await container.run_blocking(manager_options, services, actor)
                       if EMPLOYEE_BLOCK in values else [])
            employee_id = picked_employee(values, actor, offered)
            start = picked_date(values, START_BLOCK, "first day")
            end = picked_date(values, END_BLOCK, "last day")
            reason = optional_text((values.get(REASON_BLOCK) or {}).get("value"), REASON_BLOCK, "reason")
            card = await submit_request(container, actor, employee_id, start, end, reason)
        except InvalidInput as error:
            await ack(response_action="errors", errors=field_errors(error))
            return
        await ack()
        await announce(container, client, actor, card)
        await close_dm_card(client, location_of(str(view.get("private_metadata") or "")),
                            f"Sent to your managers as request #{card.request.id}.")

    @app.view(DENY_CALLBACK)
    async def on_deny_note(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                           context: dict[str, Any]) -> None:
        actor = require_linked(await current_actor(context))
        view = body.get("view") or {}
        meta = str(view.get("private_metadata") or "")
        try:
            data = json.loads(meta) if meta else {}
            request_id = int(data["r"])
        except (ValueError, TypeError, KeyError):
            await ack(response_action="errors",
                      errors={NOTE_BLOCK: "This form is damaged; click Deny… again."})
            return
        services = container.services
        try:
            note = optional_text((field_values(view).get(NOTE_BLOCK) or {}).get("value"), NOTE_BLOCK, "note")
            outcome = await container.run_blocking(services.time_off.deny, actor, request_id, note)
        except InvalidInput as error:
            await ack(response_action="errors", errors={NOTE_BLOCK: " ".join(field_errors(error).values())})
            return
        except Conflict:
            card = await container.run_blocking(load_card, services, actor, request_id)
            await ack(response_action="update", view=notice(already_text(card.request)))
            await redraw(container, client, actor, request_id, location_of(meta))
            return
        await ack()
        await redraw(container, client, actor, request_id, location_of(meta), outcome.warnings)
