"""The team on Slack: who may see the roster and one page of it, the people a manager may pick in a
form, and the Edit… modal's service (DMing the person through the request's bot token, and leaving
replacement proposals to the listener that posts them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks.team import roster_blocks
from bot.container import Container, Services
from bot.jobs.context import request_context
from bot.slack.identity import require_linked
from core.model import Actor
from core.services import authz
from core.services.team_edit import ReplacementPlanner, TeamEditService


def roster_actor(actor: Actor | None) -> Actor:
    """Leads and up see the roster (core checks again); others are refused."""
    checked = require_linked(actor)
    authz.require(checked, authz.Action.VIEW_ALL)
    return checked


async def roster_page(container: Container, actor: Actor, page: int) -> tuple[str, list[dict[str, Any]]]:
    """The text and blocks of one roster page."""
    rows = await container.run_blocking(container.services.queries.team, actor)
    blocks = roster_blocks(rows, page=page, can_edit=authz.allowed(actor, authz.Action.EDIT_TEAM))
    return f"Team roster: {len(rows)} people", blocks


def manager_options(services: Services, actor: Actor) -> list[tuple[str, str]]:
    """(name, id) of active employees when ``actor`` may act for others (approve time off), else none."""
    if not authz.allowed(actor, authz.Action.APPROVE_TIME_OFF):
        return []
    return [(row.employee.name, row.employee.id) for row in services.queries.team(actor)
            if row.employee.is_active]


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
    services = container.services
    return TeamEditService(
        container.uow_factory, services.people, services.availability, services.scheduling, container.clock,
        notifier=request_context(container, bolt_context).notifier, replacements=replacements)
