"""``/sched team``: the roster with an Edit… button per person (managers), paged within Block Kit limits.

- ``/sched team [page N]`` — job title, active, RepID, Slack link, availability of everyone;
- ``/sched team review`` — new reps from the Crossmark sync that need review, and Slack users whose
  full name matches exactly one unlinked team member (a one-click Link button; never linked by name
  automatically);
- ``/sched team export`` — the roster CSV, uploaded to the asker's DM (it holds emails, so never to a
  channel). Importing is a CSV upload in a DM to the bot (``bot.listeners.events.roster_upload``).

This module also wires the team services from ``container.services`` for the team listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.team import review_page_blocks, roster_blocks
from bot.container import Container
from bot.jobs.context import request_context
from bot.listeners.commands.sched import SubcommandRequest, register_subcommand
from bot.slack.identity import profile_from_user, require_linked
from core.errors import InvalidInput
from core.model import Actor
from core.services import authz
from core.services.identity import SlackProfile
from core.services.team_edit import ReplacementPlanner, TeamEditService
from core.services.team_review import TeamReviewService

log = logging.getLogger(__name__)

USAGE = "Use `/sched team`, `/sched team page 2`, `/sched team review` or `/sched team export`."
MEMBER_PAGES = 10
MEMBERS_PER_PAGE = 200
EXPORT_FILENAME = "roster.csv"


def services_of(container: Container) -> Any:
    """``container.services``; a plain refusal when the composition root gave none."""
    if container.services is None:
        raise InvalidInput("The team services are not configured.")
    return container.services


def review_service(container: Container) -> TeamReviewService:
    """The team review service (``services.team_review`` when wired, else built here)."""
    found = getattr(container.services, "team_review", None)
    if isinstance(found, TeamReviewService):
        return found
    return TeamReviewService(container.uow_factory, container.clock)


class DeferredReplacements:
    """``ReplacementPlanner`` that only notes the events; the listener posts the auto-scheduler's
    proposal for them (``/sched auto``'s message with its Approve buttons) once the edit is saved."""

    def __init__(self) -> None:
        self.event_ids: list[int] = []

    def propose_replacements(self, actor: Actor, event_ids: Sequence[int]) -> str:
        """Remember ``event_ids``; the sentence for the manager."""
        self.event_ids = list(event_ids)
        return (f"The auto-scheduler is planning replacements for {len(self.event_ids)} event(s); "
                "the proposal will arrive in your DM for approval.")


def edit_service(container: Container, bolt_context: Mapping[str, Any],
                 replacements: ReplacementPlanner | None = None) -> TeamEditService:
    """The Edit… modal's service, DMing the person through this request's bot token."""
    services = services_of(container)
    return TeamEditService(
        container.uow_factory, services.people, services.availability, services.scheduling, container.clock,
        notifier=request_context(container, bolt_context).notifier, replacements=replacements)


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


def roster_actor(actor: Actor | None) -> Actor:
    """Leads and up see the roster (core checks again); others are refused."""
    checked = require_linked(actor)
    authz.require(checked, authz.Action.VIEW_ALL)
    return checked


async def roster_page(container: Container, actor: Actor, page: int) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks of one roster page."""
    rows = await container.run_blocking(services_of(container).queries.team, actor)
    blocks = roster_blocks(rows, page=page, can_edit=authz.allowed(actor, authz.Action.EDIT_TEAM))
    return f"Team roster: {len(rows)} people", blocks


async def review_page(container: Container, client: AsyncWebClient,
                      actor: Actor) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks of ``/sched team review``."""
    review = review_service(container)
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
    text = await request.container.run_blocking(services_of(request.container).roster.export_csv, actor)
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
