"""The channel message that goes with a posted daily packet."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import context, message_text, section


def packet_message(summary: str, filename: str, replaced: bool) -> tuple[str, list[dict[str, Any]]]:
    """Who works where and when, then the file it belongs to: (fallback text, blocks)."""
    note = f":page_facing_up: {filename}" + (" (updated; the earlier file was replaced)" if replaced else "")
    return message_text(summary), [section(summary), context(note)]
