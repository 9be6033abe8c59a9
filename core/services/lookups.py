"""Shared look-ups of the services: the store's local today, rows that must exist, people by name or
Slack user, and a person's work from a day on."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InvalidInput, NotFound
from core.model import Assignment, Employee, Event, Store
from core.ports import Clock, UnitOfWork

_SPACES = re.compile(r"\s+")
FUTURE_DAYS = 730
"""How far ahead a person's assignments are looked for."""


def store_of(uow: UnitOfWork, store_id: int) -> Store:
    """The store row; NotFound when the store does not exist."""
    store = uow.stores.get(store_id)
    if store is None:
        raise NotFound(f"Store {store_id} does not exist.")
    return store


def zone_of(store: Store) -> ZoneInfo:
    """The store's timezone (a bad name is a configuration error, reported plainly)."""
    try:
        return ZoneInfo(store.timezone)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InvalidInput(f"Store {store.number} has an unknown timezone {store.timezone!r}.",
                           {"timezone": "unknown timezone"}) from err


def store_now(clock: Clock, store: Store) -> datetime:
    """The current store-local wall time, naive (as assignments are stored)."""
    return clock.now().astimezone(zone_of(store)).replace(tzinfo=None)


def store_today(uow: UnitOfWork, clock: Clock, store_id: int) -> date:
    """Today in the store's timezone."""
    return store_now(clock, store_of(uow, store_id)).date()


def event_of(uow: UnitOfWork, store_id: int, event_id: int) -> Event:
    """The event of this store; NotFound otherwise (other stores' rows are invisible)."""
    event = uow.events.get(event_id)
    if event is None or event.store_id != store_id:
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def employee_of(uow: UnitOfWork, store_id: int, employee_id: str) -> Employee:
    """The employee of this store; NotFound otherwise."""
    employee = uow.employees.get(employee_id)
    if employee is None or employee.store_id != store_id:
        raise NotFound(f"Employee {employee_id} does not exist.")
    return employee


def employee_of_user(uow: UnitOfWork, store_id: int, slack_user_id: str) -> Employee:
    """The employee a Slack user is linked to; NotFound when they are not linked."""
    link = uow.slack_links.get(slack_user_id)
    if link is None or link.employee_id is None:
        raise NotFound(f"<@{slack_user_id}> is not linked to a team member yet — a manager can use "
                       f"`/sched link <@{slack_user_id}> <employee>`.")
    return employee_of(uow, store_id, link.employee_id)


def future_assignments(uow: UnitOfWork, employee: Employee, first: date,
                       days: int = FUTURE_DAYS) -> list[tuple[Assignment, Event]]:
    """The person's assignments starting on ``first`` or later (up to ``days`` ahead), by start,
    each with its event."""
    rows = [a for a in uow.assignments.between(employee.store_id, first, first + timedelta(days=days))
            if a.employee_id == employee.id and a.start.date() >= first]
    found = []
    for a in rows:
        event = uow.events.get(a.event_id)
        if event is not None:
            found.append((a, event))
    return found


def normalise_name(name: str) -> str:
    """Case- and whitespace-insensitive form of a person's name."""
    return _SPACES.sub(" ", name).strip().casefold()


def resolve_employee(uow: UnitOfWork, store_id: int, query: str, *,
                     field: str = "employee") -> Employee:
    """An employee named by id, Crossmark RepID, email or a unique exact name.

    Ambiguous names raise InvalidInput listing the choices; no match raises NotFound.
    """
    wanted = query.strip()
    if not wanted:
        raise InvalidInput("Say which employee.", {field: "required"})
    employees = uow.employees.list(store_id=store_id)
    folded = wanted.casefold()
    for matches in (
        [e for e in employees if e.id.casefold() == folded],
        [e for e in employees if e.rep_id is not None and e.rep_id == wanted],
        [e for e in employees if e.email is not None and e.email.strip().casefold() == folded],
        [e for e in employees if normalise_name(e.name) == normalise_name(wanted)],
    ):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            choices = ", ".join(f"{e.name} ({e.id}, {e.job_title})" for e in matches)
            raise InvalidInput(f"{wanted!r} matches several people: {choices}. Use the id.",
                               {field: f"ambiguous: {choices}"})
    raise NotFound(f"No employee matches {wanted!r}.")
