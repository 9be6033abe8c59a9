"""Edit… on the rotation card: open the weekly rotation modal (weekday → Juicer / Primary Lead).

The selects offer the active Juicer Baristas for the Juicer rotation and the active Leads and Club
Supervisors for the Primary Lead rotation; ``RotationService`` decides who may save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.modals import rotation_modal
from bot.blocks.schedule import ROTATION_EDIT_ACTION
from bot.container import Container
from bot.listeners.actions.assign import open_when_ready
from bot.listeners.commands.sched_views import services_of
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import echo_safe
from core.model import Actor, Employee, RotationType
from core.services.rotations import ELIGIBLE

TITLE = "Edit rotation"


@dataclass(frozen=True)
class RotationForm:
    """The current weekly rotation and who may hold each rotation."""

    current: dict[tuple[RotationType, int], str]
    people: dict[RotationType, tuple[Employee, ...]]

    def offered(self, rotation: RotationType) -> frozenset[str]:
        """Employee ids the select of ``rotation`` offers."""
        return frozenset(p.id for p in self.people.get(rotation, ()))


def load_rotation_form(container: Container, actor: Actor) -> RotationForm:
    """The rotation modal's data (blocking)."""
    services = services_of(container)
    view = services.rotations.view(actor)
    team = [row.employee for row in services.queries.team(actor) if row.employee.is_active]
    people = {rotation: tuple(sorted((e for e in team if e.job_title in titles),
                                     key=lambda e: e.name.casefold()))
              for rotation, titles in ELIGIBLE.items()}
    current = {key: person.id for key, person in view.weekly.items()}
    return RotationForm(current, people)


def register(app: AsyncApp, container: Container) -> None:
    """Open the rotation modal."""

    @app.action(ROTATION_EDIT_ACTION)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            await open_when_ready(container, client, str(body.get("trigger_id") or ""), TITLE,
                                  lambda: load_rotation_form(container, actor),
                                  lambda form: rotation_modal(form.current, form.people))
