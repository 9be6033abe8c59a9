"""Submission of the proposal edit modal (from Review…).

The auto-scheduler service re-validates every edit: a hard rule shows on the field it concerns
(employee, day or time), soft rules come back as warnings with a "Save anyway" box, malformed
inputs (options not offered, impossible dates, unreadable times) are field errors, and nothing is
stored until the edit passes. A saved edit redraws the Review… modal and the proposal message.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.proposals import (
    CONFIRM_BLOCK,
    DAY_BLOCK,
    EDIT_CALLBACK,
    EMPLOYEE_BLOCK,
    TIME_BLOCK,
    edit_modal,
    encode_meta,
    review_modal,
)
from bot.blocks.time_off import field_values
from bot.container import Container
from bot.slack.flows.auto_proposals import auto_manager, row_of, show
from bot.slack.flows.team import manager_options
from core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from core.rules import Code
from core.textdates import parse_time

TIME_CODES = frozenset({Code.OVERLAP, Code.TIME_NOT_ALLOWED, Code.PAST})
DAY_CODES = frozenset({Code.OUTSIDE_WINDOW, Code.BUFFER, Code.HOLIDAY, Code.SUPERVISOR_DAY,
                       Code.EVENT_CLOSED})
TIME_HELP = "Type a time such as 10:45 or 1pm."
MAX_TIME_TEXT = 10


def edit_meta(view: Mapping[str, Any]) -> dict[str, Any]:
    """Run, proposal, parent modal and message location of an edit modal."""
    try:
        meta = json.loads(str(view.get("private_metadata") or ""))
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), int) for k in ("run", "pid")):
        raise InvalidInput("This form is damaged.",
                           {EMPLOYEE_BLOCK: "This form is damaged; open Review… again."})
    return meta


def chosen_employee(values: Mapping[str, Mapping[str, Any]], offered: list[tuple[str, str]]) -> str:
    """The picked employee, who must be one of the options the modal offered."""
    option = (values.get(EMPLOYEE_BLOCK) or {}).get("selected_option")
    chosen = option.get("value") if isinstance(option, Mapping) else None
    if not isinstance(chosen, str) or chosen not in {value for _, value in offered}:
        raise InvalidInput("Pick someone from the list.", {EMPLOYEE_BLOCK: "Pick someone from the list."})
    return chosen


def chosen_start(values: Mapping[str, Mapping[str, Any]]) -> datetime:
    """The day (date picker) and time (typed, e.g. 10:45) of the edit, as a store-local start."""
    raw_day = (values.get(DAY_BLOCK) or {}).get("selected_date")
    try:
        day = date.fromisoformat(raw_day) if isinstance(raw_day, str) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("Pick the day.", {DAY_BLOCK: "Pick a real day."})
    raw_time = (values.get(TIME_BLOCK) or {}).get("value")
    if not isinstance(raw_time, str) or not raw_time.strip() or len(raw_time) > MAX_TIME_TEXT:
        raise InvalidInput("Type the start time.", {TIME_BLOCK: TIME_HELP})
    try:
        at = parse_time(raw_time)
    except InvalidInput:
        raise InvalidInput("Type the start time.", {TIME_BLOCK: TIME_HELP}) from None
    return datetime.combine(day, at)


def confirmed(values: Mapping[str, Mapping[str, Any]]) -> bool:
    """True when "Save anyway" is ticked."""
    chosen = (values.get(CONFIRM_BLOCK) or {}).get("selected_options") or []
    return any(isinstance(o, Mapping) and o.get("value") == "yes" for o in chosen)


def violation_errors(error: RuleViolation) -> dict[str, str]:
    """Hard rule messages on the field each concerns."""
    errors: dict[str, list[str]] = {}
    for v in error.violations:
        block = TIME_BLOCK if v.code in TIME_CODES else DAY_BLOCK if v.code in DAY_CODES else EMPLOYEE_BLOCK
        errors.setdefault(block, []).append(v.message)
    return {block: " ".join(dict.fromkeys(messages))[:300] for block, messages in errors.items()}


def register(app: AsyncApp, container: Container) -> None:
    """Listen to edit submissions."""

    @app.view(EDIT_CALLBACK)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        actor = await auto_manager(context)
        view = body.get("view") or {}
        values = field_values(view)
        service = container.services.auto
        try:
            meta = edit_meta(view)
            offered = await container.run_blocking(manager_options, container.services, actor)
            employee_id = chosen_employee(values, offered)
            start = chosen_start(values)
            await container.run_blocking(service.edit, actor, meta["pid"], employee_id=employee_id,
                                         start=start, confirm=confirmed(values))
        except RuleViolation as error:
            if not error.needs_confirmation:
                await ack(response_action="errors", errors=violation_errors(error))
                return
            summary = await container.run_blocking(service.summary, meta["run"])
            row = dataclasses.replace(row_of(summary, meta["pid"]), employee_id=employee_id, start=start)
            warnings = [v.message for v in error.violations]
            await ack(response_action="update", view=edit_modal(row, offered, encode_meta(**meta),
                                                                warnings=warnings))
            return
        except (InvalidInput, NotFound, Conflict) as error:
            fields = getattr(error, "fields", None) or {}
            known = {k: v for k, v in fields.items() if k in (EMPLOYEE_BLOCK, DAY_BLOCK, TIME_BLOCK)}
            await ack(response_action="errors", errors=known or {EMPLOYEE_BLOCK: error.message[:300]})
            return
        await ack()
        summary = await container.run_blocking(service.summary, meta["run"])
        if meta.get("parent"):
            raw_page = meta.get("p")
            page = raw_page if isinstance(raw_page, int) else 0
            parent_meta = encode_meta(**{k: v for k, v in meta.items() if k not in ("pid", "parent")})
            await client.views_update(view_id=str(meta["parent"]),
                                      view=review_modal(summary, page, parent_meta))
        where = meta.get("w")
        if isinstance(where, list) and len(where) == 2:
            await show(client, (str(where[0]), str(where[1])), summary)
