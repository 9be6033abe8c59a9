"""Saving the team Edit… modal: every field is checked before anything is stored, then the changes go
through the people and availability services (each audited), then the person gets one DM about
what concerns them.

Field problems are reported together, keyed by ``EditField`` (the modal's block ids), so the manager
sees each message under its input. A termination that hands work to someone is checked against the
hard scheduling rules for every affected assignment first; the "propose" strategy leaves the work in
place and asks a ``ReplacementPlanner`` (the auto-scheduler) for exactly those events.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from core.errors import DomainError, InvalidInput, NotFound, RuleViolation
from core.model import Actor, Assignment, Employee, Event, JobTitle, WeeklyAvailability
from core.ports import Clock, Notifier, UnitOfWork, UnitOfWorkFactory
from core.services import authz
from core.services.availability import AvailabilityService
from core.services.lookups import employee_of, future_assignments, resolve_employee, store_today
from core.services.people import EMAIL_RE, PeopleService, TerminationResult, TerminationStrategy
from core.services.scheduling import SchedulingService

log = logging.getLogger(__name__)

SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]{2,31}$")
MAX_EMAIL = 120
MAX_QUERY = 100
MAX_LISTED_PROBLEMS = 3
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class EditField(StrEnum):
    """The fields of the Edit… modal (also its block ids)."""

    JOB_TITLE = "job_title"
    ACTIVE = "active"
    EMAIL = "email"
    WEEKLY = "weekly"
    SLACK_USER = "slack_user"
    LAST_DAY = "last_day"
    STRATEGY = "strategy"
    REASSIGN_TO = "reassign_to"


@dataclass(frozen=True)
class Termination:
    """The last day and what happens to assignments after it (``reassign_to``: id, RepID, email or name)."""

    last_day: date | None
    strategy: TerminationStrategy | str = TerminationStrategy.UNASSIGN
    reassign_to: str | None = None


@dataclass(frozen=True)
class TeamEdit:
    """What the manager submitted; ``None`` leaves a field as it is."""

    employee_id: str
    job_title: JobTitle | str | None = None
    is_active: bool | None = None
    email: str | None = None
    """``""`` removes the email."""
    weekly: Sequence[bool] | None = None
    """Seven booleans, Monday first."""
    slack_user_id: str | None = None
    """``""`` unlinks whoever is linked to the employee."""
    termination: Termination | None = None


class ReplacementPlanner(Protocol):
    """The auto-scheduler, as the "propose replacements" strategy needs it."""

    def propose_replacements(self, actor: Actor, event_ids: Sequence[int]) -> str:
        """Plan exactly these events (an approval is still needed); a sentence for the manager."""
        ...


@dataclass(frozen=True)
class EditResult:
    """The saved employee, what changed (lines for the manager), and what needs attention."""

    employee: Employee
    changes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    termination: TerminationResult | None = None
    replacements: str | None = None
    notified: bool = False


@dataclass
class _Plan:
    person: Employee
    weekly: WeeklyAvailability
    linked_users: list[str]
    title: JobTitle | None = None
    email: str | None = None
    days: tuple[bool, ...] | None = None
    slack_user: str | None = None
    last_day: date | None = None
    strategy: TerminationStrategy | None = None
    target: Employee | None = None
    future: list[tuple[Assignment, Event]] = field(default_factory=list)


def describe_days(days: Sequence[bool]) -> str:
    """The weekdays as words: "every day", "no day", a run like "Mon to Fri" shortened, or a list."""
    chosen = [i for i, on in enumerate(days) if on]
    if len(chosen) == 7:
        return "every day"
    if not chosen:
        return "no day"
    if len(chosen) > 2 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return f"{WEEKDAYS[chosen[0]]}–{WEEKDAYS[chosen[-1]]}"
    return ", ".join(WEEKDAYS[i] for i in chosen)


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


class TeamEditService:
    """Checks and saves one employee's Edit… modal (managers only)."""

    def __init__(self, uow_factory: UnitOfWorkFactory, people: PeopleService,
                 availability: AvailabilityService, scheduling: SchedulingService, clock: Clock, *,
                 notifier: Notifier | None = None, replacements: ReplacementPlanner | None = None) -> None:
        self._uow_factory = uow_factory
        self._people = people
        self._availability = availability
        self._scheduling = scheduling
        self._clock = clock
        self._notifier = notifier
        self._replacements = replacements

    def validate(self, actor: Actor, edit: TeamEdit) -> None:
        """Raise ``InvalidInput`` with every field problem at once; stores nothing."""
        self._plan(actor, edit)

    def _plan(self, actor: Actor, edit: TeamEdit) -> _Plan:
        authz.require(actor, authz.Action.EDIT_TEAM)
        if edit.termination is not None:
            authz.require(actor, authz.Action.SCHEDULE)
        problems: dict[str, str] = {}
        with self._uow_factory() as uow:
            person = employee_of(uow, actor.store_id, edit.employee_id)
            links = [x.slack_user_id for x in uow.slack_links.list(employee_id=person.id)]
            plan = _Plan(person, uow.weekly_availability.get(person.id) or WeeklyAvailability(person.id),
                         sorted(links))
            self._check_title(edit, plan, problems)
            self._check_email(uow, edit, plan, problems)
            self._check_weekly(edit, plan, problems)
            self._check_slack(uow, edit, plan, problems)
            if edit.termination is not None:
                self._check_termination(uow, actor, edit.termination, plan, problems)
        if plan.target is not None and EditField.REASSIGN_TO not in problems:
            self._check_handover(actor, plan, problems)
        if problems:
            summary = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in problems.items())
            raise InvalidInput(f"Not saved. {summary}", problems)
        return plan

    @staticmethod
    def _check_title(edit: TeamEdit, plan: _Plan, problems: dict[str, str]) -> None:
        if edit.job_title is None:
            return
        try:
            plan.title = JobTitle(edit.job_title)
        except ValueError:
            problems[EditField.JOB_TITLE] = "Choose one of " + ", ".join(t.value for t in JobTitle) + "."

    @staticmethod
    def _check_email(uow: UnitOfWork, edit: TeamEdit, plan: _Plan, problems: dict[str, str]) -> None:
        if edit.email is None:
            return
        address = edit.email.strip()
        plan.email = address
        if not address:
            return
        if len(address) > MAX_EMAIL or not EMAIL_RE.match(address) or _has_controls(address):
            problems[EditField.EMAIL] = "This is not an email address (like name@example.com)."
            return
        folded = address.casefold()
        for other in uow.employees.list(store_id=plan.person.store_id):
            if other.id != plan.person.id and (other.email or "").strip().casefold() == folded:
                problems[EditField.EMAIL] = f"{other.name} already has this email."
                return

    @staticmethod
    def _check_weekly(edit: TeamEdit, plan: _Plan, problems: dict[str, str]) -> None:
        if edit.weekly is None:
            return
        days = tuple(edit.weekly)
        if len(days) != 7 or not all(isinstance(d, bool) for d in days):
            problems[EditField.WEEKLY] = "Tick the weekdays this person can work."
            return
        plan.days = days

    @staticmethod
    def _check_slack(uow: UnitOfWork, edit: TeamEdit, plan: _Plan, problems: dict[str, str]) -> None:
        if edit.slack_user_id is None:
            return
        user = edit.slack_user_id.strip()
        plan.slack_user = user
        if not user:
            return
        if not SLACK_USER_RE.match(user):
            problems[EditField.SLACK_USER] = "Pick a Slack user."
            return
        link = uow.slack_links.get(user)
        if link is not None and link.employee_id not in (None, plan.person.id):
            other = uow.employees.get(link.employee_id)
            name = other.name if other is not None else link.employee_id
            problems[EditField.SLACK_USER] = f"<@{user}> is already linked to {name}."

    def _check_termination(self, uow: UnitOfWork, actor: Actor, term: Termination, plan: _Plan,
                           problems: dict[str, str]) -> None:
        today = store_today(uow, self._clock, actor.store_id)
        try:
            plan.strategy = TerminationStrategy(term.strategy)
        except ValueError:
            problems[EditField.STRATEGY] = "Choose unassign, reassign or propose replacements."
        if term.last_day is None:
            problems[EditField.LAST_DAY] = "Pick the last working day."
        elif term.last_day < today:
            problems[EditField.LAST_DAY] = f"The last day can't be in the past (today is {today:%m/%d/%Y})."
        else:
            plan.last_day = term.last_day
            plan.future = future_assignments(uow, plan.person, term.last_day + timedelta(days=1))
        if plan.strategy is not TerminationStrategy.REASSIGN:
            return
        query = (term.reassign_to or "").strip()
        if not query:
            problems[EditField.REASSIGN_TO] = "Say who takes over (name, id, RepID or email)."
            return
        if len(query) > MAX_QUERY:
            problems[EditField.REASSIGN_TO] = f"At most {MAX_QUERY} characters."
            return
        try:
            target = resolve_employee(uow, actor.store_id, query, field=EditField.REASSIGN_TO)
        except NotFound as err:
            problems[EditField.REASSIGN_TO] = err.message
            return
        except InvalidInput as err:
            problems[EditField.REASSIGN_TO] = err.message
            return
        if target.id == plan.person.id:
            problems[EditField.REASSIGN_TO] = "Pick someone other than the person who is leaving."
        elif not target.works_on(today):
            problems[EditField.REASSIGN_TO] = f"{target.name} is inactive or has left."
        else:
            plan.target = target

    def _check_handover(self, actor: Actor, plan: _Plan, problems: dict[str, str]) -> None:
        target = plan.target
        assert target is not None
        blocking = []
        for a, event in plan.future:
            hard = [v for v in self._scheduling.preview(actor, event.id, target.id, a.start) if v.hard]
            if hard:
                blocking.append(f"{event.name} {a.start:%a %m/%d}: {hard[0].message}")
        if blocking:
            more = len(blocking) - MAX_LISTED_PROBLEMS
            listed = "; ".join(blocking[:MAX_LISTED_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
            problems[EditField.REASSIGN_TO] = f"{target.name} can't take over: {listed}."

    def apply(self, actor: Actor, edit: TeamEdit) -> EditResult:
        """Check everything, then terminate, edit, set availability and link — each step audited."""
        plan = self._plan(actor, edit)
        person = plan.person
        changes: list[str] = []
        warnings: list[str] = []
        told: list[str] = []
        termination: TerminationResult | None = None
        if plan.last_day is not None and plan.strategy is not None:
            try:
                termination = self._people.terminate(
                    actor, person.id, plan.last_day, plan.strategy,
                    reassign_to=plan.target.id if plan.target is not None else None)
            except RuleViolation as err:
                raise InvalidInput(err.message, {EditField.REASSIGN_TO: err.message}) from err
            changes.append(f"last day {plan.last_day:%a %m/%d/%Y} ({plan.strategy.value})")
            told.append(f"Your last working day is recorded as {plan.last_day:%A %m/%d/%Y}.")
            warnings.extend(termination.warnings)
        update = self._people.update_employee(actor, person.id, job_title=plan.title,
                                              is_active=edit.is_active, email=plan.email)
        after = update.employee
        if termination is None:
            warnings.extend(update.warnings)
        self._employee_changes(person, after, changes, told)
        if plan.days is not None and plan.days != tuple(plan.weekly.days):
            self._availability.set_weekly(actor, person.id, plan.days)
            changes.append(f"availability {describe_days(plan.weekly.days)} → {describe_days(plan.days)}")
            told.append(f"Your weekly availability is now {describe_days(plan.days)}.")
        self._relink(actor, plan, changes, told)
        replacements = self._propose(actor, plan, termination, warnings)
        notified = self._tell(actor, person.id, told, warnings)
        return EditResult(after, tuple(changes), tuple(warnings), termination, replacements, notified)

    @staticmethod
    def _employee_changes(before: Employee, after: Employee, changes: list[str], told: list[str]) -> None:
        if before.job_title is not after.job_title:
            changes.append(f"job title {before.job_title.value} → {after.job_title.value}")
            told.append(f"Your job title is now {after.job_title.value}.")
        if before.is_active != after.is_active:
            state = "active" if after.is_active else "inactive"
            changes.append(f"now {state}")
            told.append(f"You are now marked {state} on the team roster.")
        if before.email != after.email:
            changes.append(f"email {before.email or '(none)'} → {after.email or '(none)'}")
            told.append(f"Your email on file is now {after.email}." if after.email
                        else "Your email was removed from the roster.")
        if before.needs_review and not after.needs_review:
            changes.append("reviewed")

    def _relink(self, actor: Actor, plan: _Plan, changes: list[str], told: list[str]) -> None:
        wanted = plan.slack_user
        if wanted is None or plan.linked_users == ([wanted] if wanted else []):
            return
        for user in plan.linked_users:
            if user != wanted:
                self._people.unlink(actor, user)
                changes.append(f"unlinked <@{user}>")
        if wanted and wanted not in plan.linked_users:
            self._people.link(actor, wanted, plan.person.id)
            changes.append(f"linked <@{wanted}>")
            told.append("Your Slack account is now linked to your team profile, so I can show you "
                        "your schedule and remind you of shifts.")

    def _propose(self, actor: Actor, plan: _Plan, termination: TerminationResult | None,
                 warnings: list[str]) -> str | None:
        if termination is None or plan.strategy is not TerminationStrategy.PROPOSE:
            return None
        events = sorted({a.event_id for a in termination.remaining})
        if not events:
            return "No assignments after the last day, so there is nothing to replace."
        if self._replacements is None:
            warnings.append(f"{len(events)} assignment(s) after the last day still need someone: "
                            "run `/sched auto`.")
            return None
        try:
            return self._replacements.propose_replacements(actor, events)
        except DomainError as err:
            warnings.append(f"Could not plan replacements: {err.message}")
            return None

    def _tell(self, actor: Actor, employee_id: str, told: list[str], warnings: list[str]) -> bool:
        if not told or self._notifier is None:
            return False
        text = "Your manager updated your team profile:\n" + "\n".join(f"• {line}" for line in told)
        try:
            self._notifier.notify_employee(actor.store_id, employee_id, text)
        except Exception as err:
            log.warning("could not notify employee %s: %s", employee_id, type(err).__name__)
            warnings.append("Could not DM the person about the change.")
            return False
        return True
