"""The Edit availability modal's submission: weekly days, one day off, a temporary pattern.

Every field is checked before anything is saved (values the modal did not offer, dates in the
past, an end before the start), so a refused submission stores nothing. The service then saves
the weekly pattern (it refuses people who may not edit), the day off and the override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block
from bot.blocks.modals import (
    AVAILABILITY_CALLBACK,
    AVAILABILITY_TITLE,
    MAX_EMPLOYEE_ID,
    OFF_DAY_BLOCK,
    OFF_REASON_BLOCK,
    RANGE_DAYS_BLOCK,
    RANGE_END_BLOCK,
    RANGE_REASON_BLOCK,
    RANGE_START_BLOCK,
    WEEKLY_BLOCK,
    notice_modal,
)
from bot.blocks.schedule import DAY_ABBR, short_day, span
from bot.container import Container
from bot.slack.deadlines import settle
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import clean_input, escape
from bot.slack.payloads import chosen, read_day, state_values, ticked
from core.errors import DomainError, InvalidInput
from core.model import Actor

DAY_VALUES = tuple(d.lower() for d in DAY_ABBR)
CORE_FIELDS = {"days": RANGE_DAYS_BLOCK, "end": RANGE_END_BLOCK, "day": OFF_DAY_BLOCK,
               "reason": OFF_REASON_BLOCK}


@dataclass(frozen=True)
class AvailabilityEdit:
    """What the modal asks to save."""

    weekly: tuple[bool, ...]
    off_day: date | None = None
    off_reason: str | None = None
    range_start: date | None = None
    range_end: date | None = None
    range_days: tuple[bool, ...] = (False,) * 7
    range_reason: str | None = None


def _days(values: Mapping[str, Any], block: str, errors: dict[str, str]) -> tuple[bool, ...]:
    picked = ticked(values, block)
    if any(p not in DAY_VALUES for p in picked):
        errors[block] = "Tick days from the list only."
    return tuple(d in picked for d in DAY_VALUES)


def _reason(values: Mapping[str, Any], block: str, errors: dict[str, str]) -> str | None:
    try:
        return clean_input(chosen(values, block) or "", field=block, max_length=200, what="reason") or None
    except InvalidInput as err:
        errors.update(err.fields)
        return None


def read_edit(body: Mapping[str, Any], today: date) -> AvailabilityEdit:
    """The submitted edit; InvalidInput (per block) for anything invalid."""
    values = state_values(body)
    errors: dict[str, str] = {}
    weekly = _days(values, WEEKLY_BLOCK, errors)
    off_day = read_day(chosen(values, OFF_DAY_BLOCK), errors, OFF_DAY_BLOCK, required=False)
    if off_day is not None and off_day < today:
        errors[OFF_DAY_BLOCK] = "That day is in the past."
    start = read_day(chosen(values, RANGE_START_BLOCK), errors, RANGE_START_BLOCK, required=False)
    end = read_day(chosen(values, RANGE_END_BLOCK), errors, RANGE_END_BLOCK, required=False)
    range_days = _days(values, RANGE_DAYS_BLOCK, errors)
    if (start is None) != (end is None) and not ({RANGE_START_BLOCK, RANGE_END_BLOCK} & errors.keys()):
        errors[RANGE_END_BLOCK if end is None else RANGE_START_BLOCK] = "Give both ends of the range."
    if start is not None and end is not None:
        if end < start:
            errors[RANGE_END_BLOCK] = "The last day is before the first day."
        elif end < today:
            errors[RANGE_END_BLOCK] = "The range is over already."
    edit = AvailabilityEdit(weekly, off_day, _reason(values, OFF_REASON_BLOCK, errors), start, end,
                            range_days, _reason(values, RANGE_REASON_BLOCK, errors))
    if errors:
        raise InvalidInput("Check the highlighted fields.", errors)
    return edit


def save_edit(container: Container, actor: Actor, employee_id: str, body: Mapping[str, Any]) -> str:
    """Check and save the edit (blocking); what was saved, as a sentence."""
    services = container.services
    edit = read_edit(body, services.queries.today(actor))
    service = services.availability
    weekly = service.set_weekly(actor, employee_id, list(edit.weekly))
    done = [f"Weekly: {' '.join(DAY_ABBR[i] for i, ok in enumerate(weekly.days) if ok) or 'no days'}"]
    if edit.off_day is not None:
        service.set_date(actor, employee_id, edit.off_day, False, edit.off_reason)
        done.append(f"Not available {short_day(edit.off_day)}")
    if edit.range_start is not None and edit.range_end is not None:
        service.add_override(actor, employee_id, edit.range_start, edit.range_end, list(edit.range_days),
                             edit.range_reason)
        workable = " ".join(DAY_ABBR[i] for i, ok in enumerate(edit.range_days) if ok) or "no days"
        done.append(f"{span(edit.range_start, edit.range_end)}: {workable}")
    return "\n".join(f"• {escape(line, 200)}" for line in done)


def availability_errors(error: DomainError) -> dict[str, str] | None:
    """Field errors of the availability modal for ``error``."""
    if isinstance(error, InvalidInput) and error.fields:
        known = set(CORE_FIELDS.values()) | {WEEKLY_BLOCK, OFF_DAY_BLOCK, RANGE_START_BLOCK,
                                             RANGE_REASON_BLOCK}
        mapped: dict[str, str] = {}
        for name, text in error.fields.items():
            block = name if name in known else CORE_FIELDS.get(name, WEEKLY_BLOCK)
            mapped[block] = text
        return mapped
    return None


def register(app: AsyncApp, container: Container) -> None:
    """Save the Edit availability modal."""

    @app.view(AVAILABILITY_CALLBACK)
    async def on_save(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        async def work() -> Block:
            actor = require_linked(await current_actor(context))
            employee_id = str(body["view"].get("private_metadata") or "")
            if not employee_id or len(employee_id) > MAX_EMPLOYEE_ID:
                raise InvalidInput("This form is damaged; open it again.")
            text = await container.run_blocking(save_edit, container, actor, employee_id, body)
            return notice_modal("Availability saved", f":white_check_mark: Saved.\n{text}")

        await settle(ack, client, str(body["view"].get("id") or ""), work(), title=AVAILABILITY_TITLE,
                     errors_for=availability_errors)
