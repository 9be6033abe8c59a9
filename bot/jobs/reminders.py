"""The evening reminders: everyone scheduled tomorrow gets one DM with their times, events and store."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from bot.jobs.context import JobContext
from core.errors import DomainError
from core.model import Condition
from core.ports import UnitOfWorkFactory
from core.rules import end_of
from core.services.time_settings import load_time_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    """The DM one employee gets for ``day``."""

    employee_id: str
    employee_name: str
    text: str


def _clock(value: object) -> str:
    return format(value, "%-I:%M %p")


def reminders_for(uow_factory: UnitOfWorkFactory, store_id: int, day: date) -> list[Reminder]:
    """One reminder per employee with assignments on ``day`` (cancelled events left out)."""
    with uow_factory() as uow:
        store = uow.stores.get(store_id)
        settings = load_time_settings(uow, store_id)
        assignments = uow.assignments.between(store_id, day, day)
        events = {a.event_id: uow.events.get(a.event_id) for a in assignments}
        people = {e.id: e for e in uow.employees.list(store_id=store_id)}
    lines: dict[str, list[str]] = defaultdict(list)
    for a in sorted(assignments, key=lambda x: x.start):
        event = events.get(a.event_id)
        if event is None or event.condition is Condition.CANCELED or a.employee_id not in people:
            continue
        end = end_of(settings, event, a.start)
        lines[a.employee_id].append(f"• {_clock(a.start)} – {_clock(end)}  {event.name}")
    where = store.name if store is not None else "the store"
    reminders = []
    for employee_id, rows in lines.items():
        person = people[employee_id]
        text = (f":alarm_clock: Reminder: tomorrow, *{day:%A %B %-d}*, you work at {where}:\n"
                + "\n".join(rows))
        reminders.append(Reminder(employee_id, person.name, text))
    return sorted(reminders, key=lambda r: r.employee_name)


def send_reminders(ctx: JobContext, day: date) -> str:
    """DM each person scheduled on ``day``; a failed DM does not stop the others."""
    sent = failed = 0
    for reminder in reminders_for(ctx.uow_factory, ctx.store_id, day):
        try:
            ctx.notifier.notify_employee(ctx.store_id, reminder.employee_id, reminder.text)
            sent += 1
        except DomainError as exc:
            failed += 1
            log.warning("reminder to %s failed: %s", reminder.employee_id, exc.message)
    return f"reminders for {day}: {sent} sent, {failed} failed"
