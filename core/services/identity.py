"""Who is asking: a Slack user id turned into an ``Actor`` (product.md §1).

Precedence, first match wins for the role:
1. the user is listed in ``SCHEDBOT_ADMINS`` or is a Slack workspace admin/owner → ``admin``;
2. the user has a stored ``SlackLink`` → its role and employee;
3. the user's Slack profile email equals exactly one active employee's email, and that employee is
   not linked to another Slack user → a new link is stored (role by job title, audit row written);
4. anybody else → an unlinked ``employee`` actor (listeners answer "ask your manager to link you").

Admins keep the employee id of their link, if they have one, so "my schedule" still works for them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import Conflict
from core.model import (
    DEFAULT_STORE_ID,
    Actor,
    AuditEntry,
    Employee,
    JobTitle,
    Role,
    SlackLink,
)
from core.ports import UnitOfWork, UnitOfWorkFactory

NOT_LINKED_MESSAGE = (
    "I don't know which team member you are yet. Please ask your manager to link you "
    "(`/sched link @you <employee>`)."
)
"""What an unlinked user is told when they ask for something that needs their employee row."""

LEAD_TITLES = frozenset({JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR})


@dataclass(frozen=True)
class SlackProfile:
    """The parts of a Slack ``users.info`` answer that identity needs."""

    user_id: str
    email: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    real_name: str | None = None

    @property
    def is_workspace_admin(self) -> bool:
        """Workspace admins and owners administer schedbot too."""
        return self.is_admin or self.is_owner


ProfileLookup = Callable[[str], SlackProfile | None]
"""Slack user id → its profile, or ``None`` when Slack could not tell (the caller caches)."""


def default_role_for(employee: Employee) -> Role:
    """The role a newly linked employee starts with: leads and supervisors are ``lead``."""
    return Role.LEAD if employee.job_title in LEAD_TITLES else Role.EMPLOYEE


def _normalise_email(email: str | None) -> str | None:
    if email is None:
        return None
    cleaned = email.strip().casefold()
    return cleaned or None


def _employee_by_email(uow: UnitOfWork, email: str, store_id: int) -> Employee | None:
    matches = [e for e in uow.employees.list(store_id=store_id)
               if e.is_active and _normalise_email(e.email) == email]
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class _LinkAttempt:
    """What linking by email did: the new link, and whether an employee had that email at all."""

    link: SlackLink | None
    employee_found: bool


def _link_by_email(uow_factory: UnitOfWorkFactory, slack_user_id: str, email: str, *,
                   team_id: str | None, store_id: int, now: datetime) -> _LinkAttempt:
    with uow_factory() as uow:
        employee = _employee_by_email(uow, email, store_id)
        if employee is None:
            return _LinkAttempt(None, employee_found=False)
        if uow.slack_links.list(employee_id=employee.id):
            return _LinkAttempt(None, employee_found=True)
        link = SlackLink(slack_user_id=slack_user_id, role=default_role_for(employee),
                         team_id=team_id, store_id=store_id, employee_id=employee.id)
        try:
            uow.slack_links.add(link)
            uow.audit.add(AuditEntry(
                id=0, actor=slack_user_id, action="slack_link.auto", entity="slack_link",
                entity_id=slack_user_id, before=None,
                after={"employee_id": employee.id, "role": link.role.value, "by": "email"},
                at=now, store_id=store_id))
            uow.commit()
        except Conflict:
            return _LinkAttempt(None, employee_found=True)
        return _LinkAttempt(link, employee_found=True)


def _stored_link(uow_factory: UnitOfWorkFactory, slack_user_id: str) -> SlackLink | None:
    with uow_factory() as uow:
        return uow.slack_links.get(slack_user_id)


def resolve_actor(uow_factory: UnitOfWorkFactory, slack_user_id: str, *, team_id: str | None,
                  admins: Collection[str], profile_lookup: ProfileLookup,
                  store_id: int = DEFAULT_STORE_ID, now: datetime | None = None) -> Actor | None:
    """The ``Actor`` behind a verified Slack user id, linking by email on first contact.

    ``profile_lookup`` is only called when the answer depends on the Slack profile. Returns ``None``
    for an empty user id and for bot users (they act for nobody).
    """
    if not slack_user_id:
        return None
    link = _stored_link(uow_factory, slack_user_id)
    if link is not None and link.role is Role.ADMIN:
        return Actor(slack_user_id, Role.ADMIN, link.employee_id, link.store_id)
    if slack_user_id in admins:
        return Actor(slack_user_id, Role.ADMIN, link.employee_id if link else None,
                     link.store_id if link else store_id)
    profile = profile_lookup(slack_user_id)
    if profile is not None and profile.is_bot:
        return None
    if profile is not None and profile.is_workspace_admin:
        return Actor(slack_user_id, Role.ADMIN, link.employee_id if link else None,
                     link.store_id if link else store_id)
    if link is not None:
        return Actor(slack_user_id, link.role, link.employee_id, link.store_id)
    email = _normalise_email(profile.email if profile is not None else None)
    if email is not None:
        attempt = _link_by_email(uow_factory, slack_user_id, email, team_id=team_id,
                                 store_id=store_id, now=now or datetime.now(UTC))
        created = attempt.link
        if created is None and attempt.employee_found:
            # a concurrent request of the same user may have linked them a moment ago
            created = _stored_link(uow_factory, slack_user_id)
        if created is not None:
            return Actor(slack_user_id, created.role, created.employee_id, created.store_id)
    return Actor(slack_user_id, Role.EMPLOYEE, None, store_id)


def is_linked(actor: Actor) -> bool:
    """True when the actor is a known team member (or an admin, who may act without a row)."""
    return actor.employee_id is not None or actor.role is not Role.EMPLOYEE
