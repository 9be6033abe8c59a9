"""What the standing-data modals show: a person's availability (Edit availability) and the weekly
rotation with who may hold each rotation (Edit rotation). Loaded in the worker pool; the buttons
that open the modals and the submissions that save them both use these."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.modals import MAX_EMPLOYEE_ID
from bot.container import Container
from core.errors import InvalidInput
from core.model import Actor, Employee, RotationType
from core.services.availability import AvailabilitySummary
from core.services.lookups import employee_of
from core.services.rotations import ELIGIBLE


def load_availability_form(container: Container, actor: Actor, employee_id: str
                           ) -> tuple[AvailabilitySummary, str]:
    """The person's current availability and name (blocking)."""
    if not employee_id or len(employee_id) > MAX_EMPLOYEE_ID:
        raise InvalidInput("That button is out of date; run `/sched availability` again.")
    summary = container.services.availability.summary(actor, employee_id)
    with container.uow_factory() as uow:
        name = employee_of(uow, actor.store_id, employee_id).name
    return summary, name


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
    services = container.services
    view = services.rotations.view(actor)
    team = [row.employee for row in services.queries.team(actor) if row.employee.is_active]
    people = {rotation: tuple(sorted((e for e in team if e.job_title in titles),
                                     key=lambda e: e.name.casefold()))
              for rotation, titles in ELIGIBLE.items()}
    current = {key: person.id for key, person in view.weekly.items()}
    return RotationForm(current, people)
