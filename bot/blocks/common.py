"""Block Kit building blocks: plain data in, dicts out, always inside Slack's limits.

Text that is too long is cut with an ellipsis; lists of blocks that are too long are split into
pages (messages) or cut with a "…and N more" note (modals). Values that must round-trip exactly
(``private_metadata``, ``value``, ids) are refused with ``ValueError`` instead of being cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_MODAL_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_MESSAGE_TEXT = 4000
ELLIPSIS = "…"

BUTTON_STYLES = frozenset({"primary", "danger"})


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def plain_text(text: str, limit: int = MAX_SECTION_TEXT) -> Block:
    """A ``plain_text`` text object (emoji on)."""
    return {"type": "plain_text", "text": truncate(text or " ", limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> Block:
    """A ``mrkdwn`` text object."""
    return {"type": "mrkdwn", "text": truncate(text or " ", limit)}


def section(text: str, *, fields: Sequence[str] = (), accessory: Block | None = None,
            block_id: str | None = None) -> Block:
    """A section with mrkdwn text, optional two-column fields and an accessory element."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if fields:
        block["fields"] = [mrkdwn(f, MAX_FIELD_TEXT) for f in fields[:MAX_SECTION_FIELDS]]
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def header(text: str) -> Block:
    """A header block (plain text, 150 characters at most)."""
    return {"type": "header", "text": plain_text(text, MAX_HEADER_TEXT)}


def context(*texts: str) -> Block:
    """A context block of small mrkdwn texts (10 at most)."""
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def divider() -> Block:
    """A divider block."""
    return {"type": "divider"}


def _checked_id(value: str, what: str, limit: int) -> str:
    if not value or len(value) > limit:
        raise ValueError(f"{what} must be 1..{limit} characters")
    return value


def button(text: str, action_id: str, *, value: str | None = None, style: str | None = None,
           url: str | None = None, confirm: Block | None = None) -> Block:
    """A button element; ``style`` is ``primary``, ``danger`` or ``None``."""
    element: Block = {"type": "button", "text": plain_text(text, MAX_BUTTON_TEXT),
                      "action_id": _checked_id(action_id, "action_id", MAX_ACTION_ID)}
    if value is not None:
        element["value"] = _checked_id(value, "button value", MAX_BUTTON_VALUE)
    if style is not None:
        if style not in BUTTON_STYLES:
            raise ValueError(f"unknown button style {style!r}")
        element["style"] = style
    if url is not None:
        element["url"] = url
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(title: str, text: str, *, confirm: str = "Yes", deny: str = "Cancel") -> Block:
    """A confirmation dialog for a button."""
    return {"title": plain_text(title, 100), "text": mrkdwn(text, 300),
            "confirm": plain_text(confirm, 30), "deny": plain_text(deny, 30)}


def actions(*elements: Block, block_id: str | None = None) -> Block:
    """An actions block (25 elements at most)."""
    if not elements:
        raise ValueError("an actions block needs at least one element")
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS_ELEMENTS])}
    if block_id is not None:
        block["block_id"] = block_id
    return block


def option(text: str, value: str) -> Block:
    """One option of a select menu."""
    return {"text": plain_text(text, MAX_OPTION_TEXT), "value": _checked_id(value, "option value", 150)}


def static_select(action_id: str, options: Iterable[tuple[str, str]], *, placeholder: str = "Choose…",
                  initial: str | None = None) -> Block:
    """A static select with (text, value) options, cut to Slack's 100."""
    opts = [option(text, value) for text, value in list(options)[:MAX_OPTIONS]]
    if not opts:
        raise ValueError("a select needs at least one option")
    element: Block = {"type": "static_select",
                      "action_id": _checked_id(action_id, "action_id", MAX_ACTION_ID),
                      "placeholder": plain_text(placeholder, 150), "options": opts}
    chosen = [o for o in opts if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def cap_blocks(blocks: Sequence[Block], limit: int = MAX_MESSAGE_BLOCKS) -> list[Block]:
    """At most ``limit`` blocks; when cut, the last one says how many were left out."""
    if len(blocks) <= limit:
        return list(blocks)
    kept = list(blocks[: limit - 1])
    return [*kept, context(f"{ELLIPSIS}and {len(blocks) - len(kept)} more not shown")]


def message_text(text: str) -> str:
    """Fallback/notification text of a message, cut to a sane length."""
    return truncate(text, MAX_MESSAGE_TEXT)


def modal(title: str, blocks: Sequence[Block], *, callback_id: str | None = None,
          submit: str | None = None, close: str = "Close", private_metadata: str = "",
          external_id: str | None = None) -> Block:
    """A modal view: title/buttons cut to 24 characters, at most 100 blocks.

    ``private_metadata`` over 3000 characters raises ``ValueError`` (cutting it would corrupt it).
    """
    if len(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError(f"private_metadata is {len(private_metadata)} characters; "
                         f"Slack allows {MAX_PRIVATE_METADATA}")
    view: Block = {"type": "modal", "title": plain_text(title, MAX_MODAL_TITLE),
                   "close": plain_text(close, MAX_MODAL_TITLE),
                   "blocks": cap_blocks(blocks, MAX_MODAL_BLOCKS)}
    if submit is not None:
        view["submit"] = plain_text(submit, MAX_MODAL_TITLE)
    if callback_id is not None:
        view["callback_id"] = _checked_id(callback_id, "callback_id", MAX_ACTION_ID)
    if private_metadata:
        view["private_metadata"] = private_metadata
    if external_id is not None:
        view["external_id"] = external_id
    return view


def error_modal(text: str) -> Block:
    """A small modal that shows why a submission was refused."""
    return modal("Couldn't do that", [section(f":warning: {text}")], close="Back")


def reply(text: str, blocks: Sequence[Block] | None = None, *, public: bool = False) -> dict[str, Any]:
    """A ``respond()`` payload: ephemeral unless ``public``; blocks capped to a message's 50."""
    payload: dict[str, Any] = {"text": message_text(text),
                               "response_type": "in_channel" if public else "ephemeral"}
    if blocks:
        payload["blocks"] = cap_blocks(blocks, MAX_MESSAGE_BLOCKS)
    return payload
