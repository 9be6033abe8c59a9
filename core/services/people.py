"""People: Slack roles and links, roster edits, and termination (product.md §1, §2.1 ``team``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from core.model import Actor, Assignment, Employee, Event, JobTitle, Role, SlackLink
from core.ports import Clock, CrossmarkPort, Notifier, UnitOfWork, UnitOfWorkFactory
from core.rules import Violation
from core.services import audit, authz
from core.services.identity import default_role_for
from core.services.lookups import employee_of, future_assignments, resolve_employee, store_today
from core.services.schedule_changes import ScheduleResult
from core.services.scheduling import SchedulingService

SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class TerminationStrategy(StrEnum):
    """What happens to a leaver's assignments after the last day."""

    UNASSIGN = "unassign"
    REASSIGN = "reassign"
    PROPOSE = "propose"
    """Leave them in place; the caller asks the auto-scheduler for replacement proposals."""


@dataclass(frozen=True)
class EmployeeUpdate:
    """An employee after an edit, with what the manager should know."""

    employee: Employee
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class TerminationResult:
    """The leaver, what happened to each future assignment, and what is still theirs."""

    employee: Employee
    handled: tuple[ScheduleResult, ...]
    remaining: tuple[Assignment, ...]
    warnings: tuple[str, ...] = ()


def _slack_user(slack_user_id: str) -> str:
    user = slack_user_id.strip()
    if not SLACK_USER_RE.match(user):
        raise InvalidInput(f"{slack_user_id!r} is not a Slack user id.", {"user": "not a Slack user"})
    return user


class PeopleService:
    """Admins change roles; managers link Slack users, edit the roster and terminate."""

    def __init__(self, uow_factory: UnitOfWorkFactory, crossmark: CrossmarkPort, notifier: Notifier | None,
                 clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._scheduling = SchedulingService(uow_factory, crossmark, notifier, clock)

    def set_role(self, actor: Actor, slack_user_id: str, role: Role | str) -> SlackLink:
        """Give a Slack user a role (admins only)."""
        authz.require(actor, authz.Action.ROLES)
        user = _slack_user(slack_user_id)
        try:
            wanted = Role(role)
        except ValueError as err:
            choices = ", ".join(r.value for r in Role)
            raise InvalidInput(f"Unknown role {role!r}; use one of {choices}.", {"role": "unknown"}) from err
        with self._uow_factory() as uow:
            before = uow.slack_links.get(user)
            if before is not None and before.role is wanted:
                return before
            after = (replace(before, role=wanted) if before is not None
                     else SlackLink(user, wanted, store_id=actor.store_id))
            if before is None:
                uow.slack_links.add(after)
            else:
                uow.slack_links.update(after)
            audit.record(uow, actor, "slack_link.role", "slack_link", user, before=before, after=after,
                         at=self._clock.now())
            uow.commit()
        return after

    def link(self, actor: Actor, slack_user_id: str, employee: str) -> SlackLink:
        """Link a Slack user to the employee named by id, RepID, email or a unique exact name."""
        authz.require(actor, authz.Action.LINK_USERS)
        user = _slack_user(slack_user_id)
        with self._uow_factory() as uow:
            person = resolve_employee(uow, actor.store_id, employee)
            taken = [link for link in uow.slack_links.list(employee_id=person.id)
                     if link.slack_user_id != user]
            if taken:
                raise InvalidInput(f"{person.name} is already linked to <@{taken[0].slack_user_id}>.",
                                   {"employee": "already linked"})
            before = uow.slack_links.get(user)
            if before is not None and before.employee_id == person.id:
                return before
            after = (replace(before, employee_id=person.id) if before is not None
                     else SlackLink(user, default_role_for(person), store_id=actor.store_id,
                                    employee_id=person.id))
            if before is None:
                uow.slack_links.add(after)
            else:
                uow.slack_links.update(after)
            audit.record(uow, actor, "slack_link.link", "slack_link", user, before=before, after=after,
                         at=self._clock.now())
            uow.commit()
        return after

    def unlink(self, actor: Actor, slack_user_id: str) -> SlackLink:
        """Detach a Slack user from their employee (their role stays)."""
        authz.require(actor, authz.Action.LINK_USERS)
        user = _slack_user(slack_user_id)
        with self._uow_factory() as uow:
            before = uow.slack_links.get(user)
            if before is None or before.employee_id is None:
                raise NotFound(f"<@{user}> is not linked to anyone.")
            after = replace(before, employee_id=None)
            uow.slack_links.update(after)
            audit.record(uow, actor, "slack_link.unlink", "slack_link", user, before=before, after=after,
                         at=self._clock.now())
            uow.commit()
        return after

    def update_employee(self, actor: Actor, employee_id: str, *, job_title: JobTitle | str | None = None,
                        is_active: bool | None = None, email: str | None = None,
                        rep_id: str | None = None) -> EmployeeUpdate:
        """Edit roster fields (``None`` keeps a value; ``email=""`` clears it). Marks the person reviewed."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        changes: dict[str, object] = {"needs_review": False}
        problems: dict[str, str] = {}
        if job_title is not None:
            try:
                changes["job_title"] = JobTitle(job_title)
            except ValueError:
                problems["job_title"] = "one of " + ", ".join(t.value for t in JobTitle)
        if is_active is not None:
            changes["is_active"] = is_active
        if email is not None:
            address = email.strip() or None
            if address is not None and (len(address) > 120 or not EMAIL_RE.match(address)):
                problems["email"] = "not an email address"
            changes["email"] = address
        if rep_id is not None:
            rid = rep_id.strip() or None
            if rid is not None and not rid.isdigit():
                problems["rep_id"] = "a Crossmark RepID is a number"
            changes["rep_id"] = rid
        with self._uow_factory() as uow:
            before = employee_of(uow, actor.store_id, employee_id)
            after = replace(before, **changes)  # type: ignore[arg-type]
            for fieldname, label in (("email", "email"), ("rep_id", "RepID")):
                value = getattr(after, fieldname)
                if value is not None and fieldname not in problems and any(
                        getattr(e, fieldname) == value and e.id != employee_id
                        for e in uow.employees.list(store_id=actor.store_id)):
                    problems[fieldname] = f"another employee has this {label}"
            if problems:
                raise InvalidInput("Not saved: " + "; ".join(f"{k}: {v}" for k, v in problems.items()),
                                   problems)
            warnings = self._future_warning(uow, after, store_today(uow, self._clock, actor.store_id))
            if after != before:
                uow.employees.update(after)
                audit.record(uow, actor, "employee.update", "employee", employee_id, before=before,
                             after=after, at=self._clock.now())
                uow.commit()
        return EmployeeUpdate(after, warnings)

    def _future_warning(self, uow: UnitOfWork, employee: Employee, today: date) -> tuple[str, ...]:
        if employee.is_active:
            return ()
        count = len(future_assignments(uow, employee, today))
        if not count:
            return ()
        return (f"{employee.name} still has {count} assignment(s) from today on — use terminate to hand "
                "them over.",)

    def terminate(self, actor: Actor, employee_id: str, last_day: date, strategy: TerminationStrategy | str,
                  *, reassign_to: str | None = None) -> TerminationResult:
        """Record the last day; assignments after it are unassigned, reassigned or left for proposals.

        Reassigning first checks every assignment for the new person: if any breaks a hard rule,
        nothing is changed at all.
        """
        authz.require(actor, authz.Action.EDIT_TEAM)
        authz.require(actor, authz.Action.SCHEDULE)
        try:
            how = TerminationStrategy(strategy)
        except ValueError as err:
            raise InvalidInput("Choose unassign, reassign or propose.", {"strategy": "unknown"}) from err
        with self._uow_factory() as uow:
            before = employee_of(uow, actor.store_id, employee_id)
            today = store_today(uow, self._clock, actor.store_id)
            future = future_assignments(uow, before, max(today, last_day + timedelta(days=1)))
            target: Employee | None = None
            if how is TerminationStrategy.REASSIGN:
                if reassign_to is None:
                    raise InvalidInput("Say who takes over.", {"reassign_to": "required"})
                target = resolve_employee(uow, actor.store_id, reassign_to, field="reassign_to")
                if target.id == employee_id or not target.works_on(today):
                    raise InvalidInput(f"{target.name} cannot take over.", {"reassign_to": "not available"})
        if target is not None:
            self._dry_run(actor, future, target)
        with self._uow_factory() as uow:
            current = employee_of(uow, actor.store_id, employee_id)
            after = replace(current, termination_date=last_day,
                            is_active=current.is_active and last_day >= today)
            uow.employees.update(after)
            audit.record(uow, actor, "employee.terminate", "employee", employee_id, before=current,
                         after={**(audit.snapshot(after) or {}), "strategy": how.value,
                                "reassign_to": target.id if target else None}, at=self._clock.now())
            uow.commit()
        handled: list[ScheduleResult] = []
        remaining: list[Assignment] = []
        warnings: list[str] = []
        if how is TerminationStrategy.PROPOSE:
            return TerminationResult(after, (), tuple(a for a, _ in future))
        for a, event in future:
            if a.id in {r.id for h in handled for r in h.removed}:
                continue
            try:
                if target is None:
                    handled.append(self._scheduling.unassign(actor, event.id))
                else:
                    handled.append(self._scheduling.move(actor, event.id, a.start, employee_id=target.id,
                                                         confirm=True))
            except DomainError as err:
                remaining.append(a)
                warnings.append(f"{event.name} on {a.start:%a %m/%d}: {err.message}")
        return TerminationResult(after, tuple(handled), tuple(remaining), tuple(warnings))

    def _dry_run(self, actor: Actor, future: list[tuple[Assignment, Event]], target: Employee) -> None:
        blocking: list[Violation] = []
        for a, event in future:
            for v in self._scheduling.preview(actor, event.id, target.id, a.start):
                if v.hard:
                    blocking.append(Violation(v.code, f"{event.name} {a.start:%a %m/%d}: {v.message}",
                                              v.hard, v.overridable))
        if blocking:
            raise RuleViolation(blocking)
