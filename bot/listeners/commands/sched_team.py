"""``/sched team``: the roster with an Edit… button per person (managers), paged within Block Kit limits.

- ``/sched team [page N]`` — job title, active, RepID, Slack link, availability of everyone;
- ``/sched team review`` — new reps from the Crossmark sync that need review, and Slack users whose
  full name matches exactly one unlinked team member (a one-click Link button; never linked by name
  automatically);
- ``/sched team export`` — the roster CSV, uploaded to the asker's DM (it holds emails, so never to a
  channel). Importing is a CSV upload in a DM to the bot (``bot.listeners.events.roster_upload``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.team import review_page_blocks
from bot.container import Container
from bot.slack.flows.team import roster_actor, roster_page
from bot.slack.identity import profile_from_user, require_linked
from bot.slack.subcommands import SubcommandRequest, register_subcommand
from core.model import Actor
from core.services.identity import SlackProfile

log = logging.getLogger(__name__)

USAGE = "Use `/sched team`, `/sched team page 2`, `/sched team review` or `/sched team export`."
MEMBER_PAGES = 10
MEMBERS_PER_PAGE = 200
EXPORT_FILENAME = "roster.csv"


async def slack_members(client: AsyncWebClient) -> list[SlackProfile]:
    """Active human members of the workspace (``users.list``, a few pages at most); [] when refused."""
    found: list[SlackProfile] = []
    cursor: str | None = None
    try:
        for _ in range(MEMBER_PAGES):
            answer = await client.users_list(limit=MEMBERS_PER_PAGE, cursor=cursor)
            for user in answer.get("members") or []:
                if isinstance(user, Mapping) and not user.get("deleted"):
                    found.append(profile_from_user(user))
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "") or None
            if cursor is None:
                break
    except SlackApiError as exc:
        log.warning("users.list failed: %s", exc.response.get("error"))
        return []
    except (TimeoutError, OSError, aiohttp.ClientError) as exc:
        log.warning("users.list unreachable: %s", type(exc).__name__)
        return []
    return [p for p in found if not p.is_bot]


async def review_page(container: Container, client: AsyncWebClient,
                      actor: Actor) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks of ``/sched team review``."""
    review = container.services.team_review
    people = await container.run_blocking(review.needs_review, actor)
    members = await slack_members(client)
    suggestions = await container.run_blocking(review.link_suggestions, actor, members)
    text = f"{len(people)} need review, {len(suggestions)} link suggestion(s)"
    return text, review_page_blocks(people, suggestions)


def _page_number(words: Sequence[str]) -> int | None:
    if not words:
        return 1
    picked = words[1:] if words[0] == "page" else words
    if len(picked) == 1 and picked[0].isdigit() and len(picked[0]) <= 4:
        return int(picked[0])
    return None


async def export_roster(request: SubcommandRequest, actor: Actor) -> None:
    """Upload the roster CSV to the asker's DM."""
    text = await request.container.run_blocking(request.container.services.roster.export_csv, actor)
    opened = await request.client.conversations_open(users=request.user_id)
    channel = str((opened.get("channel") or {}).get("id") or request.user_id)
    await request.client.files_upload_v2(channel=channel, content=text, filename=EXPORT_FILENAME,
                                         title="Team roster",
                                         initial_comment="The team roster. Edit it and upload it here to "
                                                         "import it again.")
    await request.reply(f":page_facing_up: Roster CSV uploaded to your DM with me ({EXPORT_FILENAME}).")


async def show_team(request: SubcommandRequest) -> None:
    """``/sched team [page N | review | export]``."""
    words = [w.lower() for w in request.args]
    if words[:1] == ["review"]:
        actor = require_linked(request.actor)
        text, blocks = await review_page(request.container, request.client, actor)
        await request.reply(text, blocks)
        return
    if words[:1] == ["export"]:
        actor = require_linked(request.actor)
        await export_roster(request, actor)
        return
    page = _page_number(words)
    if page is None:
        await request.reply(USAGE)
        return
    actor = roster_actor(request.actor)
    text, blocks = await roster_page(request.container, actor, page)
    await request.reply(text, blocks)


def register(app: Any, container: Container) -> None:
    """Add ``/sched team`` to the ``/sched`` router."""
    register_subcommand("team", show_team, help="The team roster; managers edit people and review new reps.",
                        examples=("/sched team", "/sched team review", "/sched team export"))
