"""Team review: new people to look at, marking them reviewed, and name-match link suggestions.

New reps from the Crossmark sync arrive as "Event Specialist, needs review"; managers see them until
someone reviews them (a button, or saving the Edit… modal). Slack users are linked automatically
only by email (``core.services.identity``); a unique exact full-name match is only *suggested* to
managers here, and nothing in this module ever links anybody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.model import Actor, Employee
from core.ports import Clock, UnitOfWorkFactory
from core.services import audit, authz
from core.services.identity import SlackProfile
from core.services.lookups import employee_of, normalise_name


@dataclass(frozen=True)
class ReviewOutcome:
    """The employee after a review click; ``changed`` is False when someone had reviewed them already."""

    employee: Employee
    changed: bool


@dataclass(frozen=True)
class LinkSuggestion:
    """A Slack user whose full name matches exactly one unlinked employee (and nobody else's)."""

    slack_user_id: str
    slack_name: str
    employee_id: str
    employee_name: str


def _people_by_name(people: Iterable[Employee]) -> dict[str, list[Employee]]:
    by_name: dict[str, list[Employee]] = defaultdict(list)
    for person in people:
        key = normalise_name(person.name)
        if key:
            by_name[key].append(person)
    return by_name


def match_names(profiles: Iterable[SlackProfile], employees: Iterable[Employee],
                linked_users: set[str], linked_employees: set[str]) -> list[LinkSuggestion]:
    """Suggestions for unlinked Slack users whose full name equals one unlinked active employee's.

    A name shared by two employees, or by two Slack users, suggests nothing: a wrong link would
    show somebody else's schedule.
    """
    candidates = [e for e in employees if e.is_active and e.id not in linked_employees]
    employees_by_name = _people_by_name(candidates)
    users = [p for p in profiles
             if not p.is_bot and p.user_id not in linked_users and normalise_name(p.real_name or "")]
    users_by_name: dict[str, list[SlackProfile]] = defaultdict(list)
    for profile in users:
        users_by_name[normalise_name(profile.real_name or "")].append(profile)
    found = []
    for name, same_name in users_by_name.items():
        matches = employees_by_name.get(name, [])
        if len(same_name) == 1 and len(matches) == 1:
            profile, person = same_name[0], matches[0]
            found.append(LinkSuggestion(profile.user_id, profile.real_name or "", person.id, person.name))
    return sorted(found, key=lambda s: (s.employee_name.casefold(), s.slack_user_id))


class TeamReviewService:
    """Lists people needing review, clears the flag, and suggests (never makes) name-based links."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def needs_review(self, actor: Actor) -> list[Employee]:
        """Employees of the actor's store still flagged for review, by name (managers only)."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            people = [e for e in uow.employees.list(store_id=actor.store_id) if e.needs_review]
        return sorted(people, key=lambda e: (e.name.casefold(), e.id))

    def mark_reviewed(self, actor: Actor, employee_id: str) -> ReviewOutcome:
        """Clear the review flag (audited); a second click changes nothing and says so."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            before = employee_of(uow, actor.store_id, employee_id)
            if not before.needs_review:
                return ReviewOutcome(before, False)
            after = replace(before, needs_review=False)
            uow.employees.update(after)
            audit.record(uow, actor, "employee.review", "employee", employee_id,
                         before={"needs_review": True}, after={"needs_review": False}, at=self._clock.now())
            uow.commit()
        return ReviewOutcome(after, True)

    def link_suggestions(self, actor: Actor, profiles: Iterable[SlackProfile]) -> list[LinkSuggestion]:
        """Name-match suggestions for the given Slack members (managers only; nothing is stored)."""
        authz.require(actor, authz.Action.LINK_USERS)
        with self._uow_factory() as uow:
            employees = uow.employees.list(store_id=actor.store_id)
            links = uow.slack_links.list()
        linked_users = {link.slack_user_id for link in links if link.employee_id is not None}
        linked_employees = {link.employee_id for link in links if link.employee_id is not None}
        return match_names(profiles, employees, linked_users, linked_employees)
