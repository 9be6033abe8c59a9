"""The Edit rotation modal's submission: both rotations of all seven weekdays saved at once.

Each select must hold a person the modal offered for that rotation (or "nobody"); anything else is
a field error and nothing is saved. ``RotationService.set_weekly`` replaces the whole weekly plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block
from bot.blocks.modals import NOBODY, ROTATION_CALLBACK, ROTATION_TITLE, notice_modal, rotation_block_id
from bot.blocks.schedule import DAY_ABBR, ROTATION_LABEL
from bot.container import Container
from bot.slack.deadlines import settle
from bot.slack.flows.standing_data import RotationForm, load_rotation_form
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import escape
from bot.slack.payloads import chosen, state_values
from core.errors import DomainError, InvalidInput
from core.model import Actor, RotationType

ROTATIONS = (RotationType.JUICER, RotationType.PRIMARY_LEAD)


def read_plan(form: RotationForm, body: Mapping[str, Any]) -> dict[RotationType, dict[int, str | None]]:
    """The weekly plan the modal asks for; InvalidInput (per select) for values not offered."""
    values = state_values(body)
    errors: dict[str, str] = {}
    plan: dict[RotationType, dict[int, str | None]] = {r: {} for r in ROTATIONS}
    for rotation in ROTATIONS:
        offered = form.offered(rotation)
        for weekday in range(7):
            block = rotation_block_id(rotation, weekday)
            value = chosen(values, block)
            if value is None:
                errors[block] = "Choose someone, or “— nobody —”."
            elif value == NOBODY:
                plan[rotation][weekday] = None
            elif value not in offered:
                errors[block] = f"Choose a person from the list ({ROTATION_LABEL[rotation]})."
            else:
                plan[rotation][weekday] = value
    if errors:
        raise InvalidInput("Check the highlighted fields.", errors)
    return plan


def save_plan(container: Container, actor: Actor, body: Mapping[str, Any]) -> str:
    """Check and save the weekly rotation (blocking); a summary of what is saved."""
    form = load_rotation_form(container, actor)
    plan = read_plan(form, body)
    container.services.rotations.set_weekly(actor, plan)
    names = {p.id: p.name for people in form.people.values() for p in people}
    lines = []
    for weekday in range(7):
        cells = [f"{ROTATION_LABEL[r]} {escape(names.get(plan[r].get(weekday) or '', '—'), 40)}"
                 for r in ROTATIONS]
        lines.append(f"• {DAY_ABBR[weekday]}: " + ", ".join(cells))
    return "\n".join(lines)


def rotation_errors(error: DomainError) -> dict[str, str] | None:
    """Field errors of the rotation modal (the service names fields ``juicer.0`` …)."""
    if isinstance(error, InvalidInput) and error.fields:
        mapped = {name.replace(".", "_"): text for name, text in error.fields.items()}
        valid = {rotation_block_id(r, d) for r in ROTATIONS for d in range(7)}
        if set(mapped) <= valid:
            return mapped
    return None


def register(app: AsyncApp, container: Container) -> None:
    """Save the Edit rotation modal."""

    @app.view(ROTATION_CALLBACK)
    async def on_save(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        async def work() -> Block:
            actor = require_linked(await current_actor(context))
            text = await container.run_blocking(save_plan, container, actor, body)
            return notice_modal("Rotation saved", f":white_check_mark: Saved.\n{text}")

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=ROTATION_TITLE,
                     errors_for=rotation_errors)
