"""Block Kit as readable console text, with a number on everything that can be pressed or filled.

``Renderer.blocks(blocks, where)`` turns a message, modal or App Home into lines such as
``[3] Approve all`` or ``{4} First day off: 2025-12-24``; ``Renderer.targets`` remembers what each
number points at so ``press 3`` / ``fill 4 12/26`` can act on it. Numbers keep counting up over a
session, so a button printed earlier can still be pressed later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Block = dict[str, Any]

INPUT_TYPES = frozenset({"datepicker", "plain_text_input", "static_select", "checkboxes", "timepicker",
                         "users_select", "radio_buttons", "number_input", "email_text_input"})
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CDG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


@dataclass(frozen=True)
class Where:
    """A message (``channel`` + ``ts``) or a view (``view_id``)."""

    channel: str | None = None
    ts: str | None = None
    view_id: str | None = None


@dataclass(frozen=True)
class Target:
    """What a number stands for: a button, or an input of a modal."""

    where: Where
    block_id: str
    element: Block

    @property
    def is_input(self) -> bool:
        """True for a modal input (``fill``), False for a button (``press``)."""
        return self.element.get("type") in INPUT_TYPES


def plain(text: str, names: Mapping[str, str]) -> str:
    """mrkdwn made readable: mentions as @name, entities decoded, links as ``label (url)``."""
    text = _USER.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any) -> str:
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def shown_value(element: Block, state: Mapping[str, Any] | None) -> str:
    """The current value of an input, as typed or chosen."""
    current = state or {}
    kind = element.get("type")
    if kind == "datepicker":
        return str(current.get("selected_date") or element.get("initial_date") or "")
    if kind in ("static_select", "radio_buttons", "users_select"):
        option = current.get("selected_option") or element.get("initial_option")
        if kind == "users_select":
            return str(current.get("selected_user") or element.get("initial_user") or "")
        return _text(option.get("text")) if isinstance(option, dict) else ""
    if kind == "checkboxes":
        chosen = current.get("selected_options", element.get("initial_options") or [])
        return ", ".join(_text(o.get("text")) for o in chosen)
    return str(current.get("value", element.get("initial_value", "")) or "")


class Renderer:
    """Numbers every button and input it renders."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.names: Mapping[str, str] = names or {}
        self.targets: dict[int, Target] = {}

    def _number(self, where: Where, block_id: str, element: Block) -> int:
        number = len(self.targets) + 1
        self.targets[number] = Target(where, block_id, element)
        return number

    def _button(self, where: Where, block_id: str, element: Block) -> str:
        number = self._number(where, block_id, element)
        label = plain(_text(element.get("text")), self.names) or element.get("action_id", "?")
        if element.get("type") == "static_select":
            options = " | ".join(_text(o.get("text")) for o in element.get("options") or [])
            return f"[{number}] {label or 'choose'}: {options}"
        return f"[{number}] {label}"

    def blocks(self, blocks: list[Block], where: Where,
               state: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
        """Readable lines of ``blocks`` (``state``: current modal values by block id)."""
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            block_id = str(block.get("block_id") or "")
            if kind == "header":
                lines.append(f"== {plain(_text(block.get('text')), self.names)} ==")
            elif kind == "divider":
                lines.append("-" * 40)
            elif kind == "section":
                lines.extend(self._section(block, where, block_id))
            elif kind == "context":
                small = " · ".join(plain(_text(e), self.names) for e in block.get("elements") or [])
                lines.append(f"   ({small})")
            elif kind == "actions":
                buttons = [self._button(where, block_id, e) for e in block.get("elements") or []
                           if isinstance(e, dict) and "action_id" in e]
                lines.append("   " + "  ".join(buttons))
            elif kind == "input":
                element = block.get("element") or {}
                typed = ((state or {}).get(block_id) or {}).get(str(element.get("action_id")))
                lines.append(self._input(block, where, block_id, typed))
        return lines

    def _section(self, block: Block, where: Where, block_id: str) -> list[str]:
        out = [plain(_text(block.get("text")), self.names)] if _text(block.get("text")).strip() else []
        fields = [plain(_text(f), self.names).replace("\n", ": ", 1) for f in block.get("fields") or []]
        if fields:
            out.append("   " + " | ".join(fields))
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and "action_id" in accessory:
            out.append("   " + self._button(where, block_id, accessory))
        return out

    def _input(self, block: Block, where: Where, block_id: str, state: Mapping[str, Any] | None) -> str:
        element = block.get("element") or {}
        number = self._number(where, block_id, element)
        label = plain(_text(block.get("label")), self.names)
        optional = " (optional)" if block.get("optional") else ""
        kind = element.get("type", "?")
        value = shown_value(element, state)
        extra = ""
        if kind == "static_select":
            choices = ", ".join(f"{i + 1}={_text(o.get('text'))}"
                                for i, o in enumerate((element.get("options") or [])[:30]))
            extra = f"  choices: {choices}"
        return f"{{{number}}} {label}{optional} [{kind}]: {value or '—'}{extra}"
