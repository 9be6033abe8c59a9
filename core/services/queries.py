"""Read-only views of the schedule: day, week, a person, event lists, workload, status.

Each view reads in one unit of work with a handful of set-based queries (no per-row look-ups).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time, timedelta

from core.errors import InvalidInput
from core.model import (
    Actor,
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    ProposalStatus,
    RunStatus,
    TimeOffStatus,
    WeeklyAvailability,
)
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.rules import Code, Facts, Mode, end_of, holiday_on, pair_key, validate_plan, week_start
from core.rules.validator import CLOSED_CONDITIONS
from core.services import authz
from core.services.event_refs import EventRef, resolve_event
from core.services.lookups import employee_of, store_today
from core.services.query_models import (
    DaySchedule,
    EmployeeSchedule,
    EventRow,
    RosterRow,
    ScheduledRow,
    StatusView,
    TimeSlot,
    WeekLoad,
    WeekSchedule,
    WorkloadRow,
)
from core.services.time_settings import load_time_settings

UNREPORTED_DAYS = 14
UNREPORTED_CONDITIONS = frozenset({Condition.SCHEDULED, Condition.STAFFED, Condition.IN_PROGRESS,
                                   Condition.PAUSED})
LIST_HORIZON_DAYS = 120
MAX_PERIOD_DAYS = 366
NOT_WARNINGS = frozenset({Code.PAST, Code.EVENT_CLOSED})
"""Rules that describe history, not problems, when looking at a schedule."""


class QueryService:
    """Schedule views for Slack; employees see the team's schedule, leads and up see everything."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def today(self, actor: Actor) -> date:
        """Today in the actor's store (its timezone); anyone may ask."""
        with self._uow_factory() as uow:
            return store_today(uow, self._clock, actor.store_id)

    def resolve_event(self, actor: Actor, ref: EventRef, today: date | None = None) -> Event:
        """The one event of the actor's store that ``ref`` names (see ``core.services.event_refs``);
        words and numbers are looked for around ``today`` (default: the store's today)."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        with self._uow_factory() as uow:
            around = today or store_today(uow, self._clock, actor.store_id)
            return resolve_event(uow, actor.store_id, ref, around)

    def day(self, actor: Actor, day: date) -> DaySchedule:
        """One day by time slot, with its unstaffed events and warnings."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        with self._uow_factory() as uow:
            return self._days(uow, actor.store_id, day, day)[0]

    def week(self, actor: Actor, any_day: date) -> WeekSchedule:
        """The Sunday-to-Saturday week containing ``any_day``."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        sunday = week_start(any_day)
        with self._uow_factory() as uow:
            days = self._days(uow, actor.store_id, sunday, sunday + timedelta(days=6))
        return WeekSchedule(sunday, tuple(days))

    def _days(self, uow: UnitOfWork, store_id: int, first: date, last: date) -> list[DaySchedule]:
        facts = Facts.load(uow, store_id, first, last, today=store_today(uow, self._clock, store_id),
                           settings=load_time_settings(uow, store_id))
        by_day: dict[date, list[Assignment]] = defaultdict(list)
        for a in facts.assignments:
            by_day[a.start.date()].append(a)
        scheduled_events = {a.event_id for a in facts.assignments}
        out = []
        for offset in range((last - first).days + 1):
            d = first + timedelta(days=offset)
            todays = by_day.get(d, [])
            rows = _rows(facts, todays)
            slots: dict[time, list[ScheduledRow]] = defaultdict(list)
            for r in rows:
                slots[r.start.time()].append(r)
            unstaffed = sorted((e for e in facts.events.values()
                                if e.start_date <= d <= e.due_date and e.id not in scheduled_events
                                and e.condition is Condition.UNSTAFFED),
                               key=lambda e: (e.due_date, e.name))
            off = sorted(facts.employees[emp].name for emp, spans in facts.time_off.items()
                         if emp in facts.employees and any(t.start_date <= d <= t.end_date for t in spans))
            hol = holiday_on(facts, d)
            grouped = tuple(TimeSlot(t, tuple(rs)) for t, rs in sorted(slots.items()))
            out.append(DaySchedule(d, grouped, tuple(unstaffed), tuple(_warnings(facts, todays)),
                                   tuple(off), hol.name if hol else None))
        return out

    def employee(self, actor: Actor, employee_id: str, days: int = 14,
                 start: date | None = None) -> EmployeeSchedule:
        """One person's next ``days`` days (from ``start``, default today)."""
        authz.require_self_or(actor, employee_id, authz.Action.VIEW_TEAM)
        if not 1 <= days <= MAX_PERIOD_DAYS:
            raise InvalidInput(f"Pick 1 to {MAX_PERIOD_DAYS} days.", {"days": "out of range"})
        with self._uow_factory() as uow:
            person = employee_of(uow, actor.store_id, employee_id)
            first = start or store_today(uow, self._clock, actor.store_id)
            last = first + timedelta(days=days - 1)
            settings = load_time_settings(uow, actor.store_id)
            mine = [a for a in uow.assignments.between(actor.store_id, first, last)
                    if a.employee_id == person.id]
            events = _events_of(uow, actor.store_id, mine, first, last)
            facts = Facts.build(today=first, settings=settings, employees=[person], events=events.values())
            off = [t for t in uow.time_off.list(employee_id=person.id)
                   if t.end_date >= first and t.start_date <= last]
            pending = [r for r in uow.time_off_requests.list(employee_id=person.id)
                       if r.status is TimeOffStatus.PENDING]
        return EmployeeSchedule(person, first, last, tuple(_rows(facts, mine)),
                                tuple(sorted(off, key=lambda t: t.start_date)),
                                tuple(sorted(pending, key=lambda r: r.start_date)))

    def events(self, actor: Actor, which: str | None = None, *, limit: int = 50) -> list[EventRow]:
        """``unscheduled``, ``urgent`` (due within the urgent days), ``unreported`` (R-STATE-5), or text."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        kind = (which or "unscheduled").strip()
        if not kind or len(kind) > 100:
            raise InvalidInput("Say what to look for.", {"filter": "1 to 100 characters"})
        with self._uow_factory() as uow:
            today = store_today(uow, self._clock, actor.store_id)
            settings = load_time_settings(uow, actor.store_id)
            first, last = today - timedelta(days=UNREPORTED_DAYS), today + timedelta(days=LIST_HORIZON_DAYS)
            events = uow.events.overlapping(actor.store_id, first, last)
            assigned: dict[int, Assignment] = {}
            for a in uow.assignments.between(actor.store_id, first - timedelta(days=LIST_HORIZON_DAYS), last):
                assigned.setdefault(a.event_id, a)
            names = {e.id: e.name for e in uow.employees.list(store_id=actor.store_id)}
        rows = [_event_row(e, assigned.get(e.id), names, today) for e in events]
        lowered = kind.casefold()
        if lowered == "unscheduled":
            picked = [r for r in rows if r.assignment is None and r.event.condition is Condition.UNSTAFFED
                      and r.event.due_date >= today]
        elif lowered == "urgent":
            picked = [r for r in rows if r.assignment is None and r.event.condition is Condition.UNSTAFFED
                      and today <= r.event.due_date <= today + timedelta(days=settings.urgent_days)]
        elif lowered == "unreported":
            picked = [r for r in rows if r.assignment is not None and r.days_overdue is not None]
            picked.sort(key=lambda r: -(r.days_overdue or 0))
            return picked[:limit]
        else:
            picked = [r for r in rows if lowered in r.event.name.casefold() or kind == str(r.event.mplan_id)]
        picked.sort(key=lambda r: (r.event.due_date, r.event.name))
        return picked[:limit]

    def workload(self, actor: Actor, start: date, end: date) -> list[WorkloadRow]:
        """Events and work days per person per Sunday-to-Saturday week in [start, end]."""
        authz.require(actor, authz.Action.VIEW_ALL)
        if end < start or (end - start).days >= MAX_PERIOD_DAYS:
            raise InvalidInput("Pick a period of up to a year, end after start.", {"end": "out of range"})
        with self._uow_factory() as uow:
            people = uow.employees.list(store_id=actor.store_id)
            rows = uow.assignments.between(actor.store_id, start, end)
        count: dict[tuple[str, date], int] = defaultdict(int)
        worked: dict[tuple[str, date], set[date]] = defaultdict(set)
        for a in rows:
            key = (a.employee_id, week_start(a.start.date()))
            count[key] += 1
            worked[key].add(a.start.date())
        weeks = sorted({week_start(start + timedelta(days=i)) for i in range((end - start).days + 1)})
        out = []
        for person in sorted(people, key=lambda e: e.name.casefold()):
            if not person.is_active and not any((person.id, w) in count for w in weeks):
                continue
            out.append(WorkloadRow(person, tuple(WeekLoad(w, count.get((person.id, w), 0),
                                                          len(worked.get((person.id, w), set())))
                                                 for w in weeks)))
        return out

    def team(self, actor: Actor) -> list[RosterRow]:
        """The roster with Slack links and weekly availability, by name."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        with self._uow_factory() as uow:
            people = uow.employees.list(store_id=actor.store_id)
            links = {link.employee_id: link.slack_user_id
                     for link in uow.slack_links.list(store_id=actor.store_id) if link.employee_id}
            weekly = {w.employee_id: w for w in uow.weekly_availability.list()}
        return [RosterRow(e, links.get(e.id), weekly.get(e.id, WeeklyAvailability(e.id)))
                for e in sorted(people, key=lambda e: (not e.is_active, e.name.casefold()))]

    def status(self, actor: Actor) -> StatusView:
        """Last syncs, pending proposals and time-off requests, people to review, job runs."""
        authz.require(actor, authz.Action.VIEW_ALL)
        with self._uow_factory() as uow:
            runs = uow.sync_runs.list(store_id=actor.store_id)
            open_runs = {r.id for r in uow.runs.list(store_id=actor.store_id)
                         if r.status in (RunStatus.COMPLETED, RunStatus.PARTIALLY_APPROVED)}
            proposals = [p for s in (ProposalStatus.PROPOSED, ProposalStatus.EDITED)
                         for p in uow.proposals.list(status=s) if p.run_id in open_runs and p.employee_id]
            requests = uow.time_off_requests.list(store_id=actor.store_id, status=TimeOffStatus.PENDING)
            review = [e for e in uow.employees.list(store_id=actor.store_id) if e.needs_review]
            jobs = uow.job_ledger.last_runs(actor.store_id)
        latest = {}
        for run in sorted(runs, key=lambda r: (r.started_at, r.id)):
            latest[run.kind] = run
        return StatusView(latest, len(proposals), len(requests), tuple(review), jobs)


def _events_of(uow: UnitOfWork, store_id: int, rows: Iterable[Assignment], first: date,
               last: date) -> dict[int, Event]:
    events = {e.id: e for e in uow.events.overlapping(store_id, first, last)}
    for a in rows:
        if a.event_id not in events:
            found = uow.events.get(a.event_id)
            if found is not None:
                events[found.id] = found
    return events


def _rows(facts: Facts, assignments: Iterable[Assignment]) -> list[ScheduledRow]:
    out = []
    for a in assignments:
        event = facts.events.get(a.event_id)
        if event is None:
            continue
        person: Employee | None = facts.employees.get(a.employee_id)
        out.append(ScheduledRow(a.id, event.id, event.name, event.event_type, event.condition, a.employee_id,
                                person.name if person else a.employee_id, a.start,
                                end_of(facts.settings, event, a.start)))
    return sorted(out, key=lambda r: (r.start, r.employee_name.casefold(), r.event_name))


def _warnings(facts: Facts, todays: list[Assignment]) -> list[str]:
    ids = {a.id for a in todays}
    out = []
    for a, v in validate_plan(facts, facts.assignments, mode=Mode.MANUAL, new_only=ids):
        if v.code in NOT_WARNINGS:
            continue
        event = facts.events[a.event_id]
        out.append(f"{event.name}: {v.message}")
    scheduled = {a.event_id for a in facts.assignments}
    for a in todays:
        core = facts.events[a.event_id]
        key = pair_key(core)
        if core.event_type is not EventType.CORE or key is None:
            continue
        for sup in facts.events.values():
            if (sup.event_type is EventType.SUPERVISOR and pair_key(sup) == key and sup.id not in scheduled
                    and sup.condition not in CLOSED_CONDITIONS):
                out.append(f"{core.name}: its Supervisor event {sup.name} is not scheduled")
    return list(dict.fromkeys(out))


def _event_row(event: Event, assignment: Assignment | None, names: dict[str, str], today: date) -> EventRow:
    overdue = None
    if (assignment is not None and event.condition in UNREPORTED_CONDITIONS
            and today - timedelta(days=UNREPORTED_DAYS) <= assignment.start.date() < today):
        overdue = (today - assignment.start.date()).days
    return EventRow(event, assignment, names.get(assignment.employee_id) if assignment else None,
                    (event.due_date - today).days, overdue)
