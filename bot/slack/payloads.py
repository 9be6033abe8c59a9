"""Reading Slack interaction payloads: the clicked button's value, where its message is, and the
state of a submitted modal. Pure functions of the payload; nothing here calls Slack."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.blocks.modals import VALUE


def action_value(body: Mapping[str, Any]) -> str:
    """The ``value`` of the clicked button ("" when it has none)."""
    return str(((body.get("actions") or [{}])[0]).get("value") or "")


def message_location(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message a button sits in; None for buttons in views."""
    box = body.get("container") or {}
    channel, ts = box.get("channel_id"), box.get("message_ts")
    return (str(channel), str(ts)) if channel and ts else None


def trigger_of(body: Mapping[str, Any]) -> str:
    """The interaction's ``trigger_id`` ("" when Slack sent none)."""
    return str(body.get("trigger_id") or "")


def state_values(body: Mapping[str, Any], action_id: str = VALUE) -> dict[str, Any]:
    """``block id → element state`` of a submitted view (missing blocks are simply absent)."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    return {block: (actions or {}).get(action_id) or {} for block, actions in values.items()
            if isinstance(actions, Mapping)}


def chosen(values: Mapping[str, Any], block: str) -> str | None:
    """The value of a select, date picker or text input; ``None`` when empty or absent."""
    element = values.get(block) or {}
    if not isinstance(element, Mapping):
        return None
    picked = element.get("selected_option")
    value = (picked or {}).get("value") if isinstance(picked, Mapping) else None
    value = value or element.get("selected_date") or element.get("value")
    return str(value) if value not in (None, "") else None


def ticked(values: Mapping[str, Any], block: str) -> list[str]:
    """The values of the ticked checkboxes."""
    element = values.get(block) or {}
    options = element.get("selected_options") if isinstance(element, Mapping) else None
    return [str(o.get("value")) for o in options or [] if isinstance(o, Mapping)]


def read_day(text: str | None, errors: dict[str, str], block: str, *, required: bool) -> date | None:
    """A date picker's ISO date; a field error when it is missing (and required) or not a date."""
    if text is None:
        if required:
            errors[block] = "Pick a date."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[block] = "That is not a real date."
        return None
