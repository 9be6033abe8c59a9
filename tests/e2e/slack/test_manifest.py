"""``manifest.yml`` agrees with the code: the scopes OAuth asks for, commands, events, URLs."""

from __future__ import annotations

import re
from pathlib import Path

from bot.slack.app import BOT_SCOPES
from bot.slack.subcommands import COMMAND

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yml"


def _list_after(text: str, key: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    items = []
    for line in lines[start + 1 :]:
        match = re.match(r"\s+- (\S+)$", line)
        if match is None:
            break
        items.append(match.group(1))
    return items


def test_manifest_bot_scopes_are_the_scopes_the_oauth_flow_requests() -> None:
    assert _list_after(MANIFEST.read_text(), "bot") == list(BOT_SCOPES)


def test_manifest_subscribes_to_the_events_the_bot_handles() -> None:
    events = _list_after(MANIFEST.read_text(), "bot_events")

    assert events == ["app_home_opened", "message.im", "app_uninstalled", "tokens_revoked"]


def test_manifest_declares_the_three_commands_on_the_events_endpoint() -> None:
    text = MANIFEST.read_text()

    assert re.findall(r"- command: (\S+)", text) == [COMMAND, "/timeoff", "/packet"]
    urls = set(re.findall(r"(?:url|request_url): (\S+)", text))
    assert urls == {"https://YOUR-HOST/slack/events"}
    assert "https://YOUR-HOST/slack/oauth_redirect" in text
    assert "messages_tab_enabled: true" in text and "is_enabled: true" in text
