"""The one validator: hard violations and soft warnings, with human reasons, for any assignment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.model import Assignment, Condition, Event, EventType, JobTitle, RotationType
from core.rules.availability import day_blockers, rotation_employee
from core.rules.events import allowed_start_times, end_of, pair_key
from core.rules.facts import Facts
from core.rules.roles import OVERRIDE_ONLY, title_allowed
from core.rules.violations import Code, Violation

CLOSED_CONDITIONS = frozenset({Condition.CANCELED, Condition.EXPIRED, Condition.SUBMITTED})


class Mode(StrEnum):
    MANUAL = "manual"
    """A manager or the bot on a person's behalf: some rules are warnings or overridable."""
    AUTO = "auto"
    """The auto-scheduler: every rule is hard, plus the buffer days."""


def week_start(day: date) -> date:
    """The Sunday that starts ``day``'s Sunday–Saturday week."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


class PlanIndex:
    """Assignments indexed by (employee, day), with the events they belong to."""

    def __init__(self, facts: Facts, assignments: Iterable[Assignment]) -> None:
        self.facts = facts
        self._by_emp_day: dict[tuple[str, date], list[Assignment]] = defaultdict(list)
        self._days: dict[tuple[str, date], set[date]] = defaultdict(set)
        self._pair_days: dict[str, list[tuple[int, date]]] = defaultdict(list)
        for a in assignments:
            self.add(a)

    def add(self, a: Assignment) -> None:
        day = a.start.date()
        self._by_emp_day[(a.employee_id, day)].append(a)
        self._days[(a.employee_id, week_start(day))].add(day)
        ev = self.facts.events.get(a.event_id)
        if ev is not None and ev.event_type is EventType.CORE:
            key = pair_key(ev)
            if key:
                self._pair_days[key].append((a.id, day))

    def on(self, employee_id: str, day: date) -> list[Assignment]:
        return self._by_emp_day.get((employee_id, day), [])

    def work_days(self, employee_id: str, day: date) -> set[date]:
        return self._days.get((employee_id, week_start(day)), set())

    def core_days(self, key: str) -> list[tuple[int, date]]:
        return self._pair_days.get(key, [])


def check(facts: Facts, event: Event, employee_id: str, start: datetime, *, mode: Mode,
          index: PlanIndex | None = None, ignore: Collection[int] = ()) -> list[Violation]:
    """Every rule that assigning ``employee_id`` to ``event`` at ``start`` would break.

    ``index`` holds the other assignments to judge against (defaults to ``facts.assignments``);
    assignments whose id is in ``ignore`` are left out (e.g. the one being moved).
    """
    idx = index if index is not None else PlanIndex(facts, facts.assignments)
    day = start.date()
    emp = facts.employees.get(employee_id)
    if emp is None:
        return [Violation(Code.UNKNOWN_EMPLOYEE, f"Unknown employee {employee_id}")]
    auto = mode is Mode.AUTO
    out = [_harden(v) if auto else v for v in day_blockers(facts, employee_id, day)]
    out += _role(facts, event, emp.job_title, employee_id, day, idx, ignore, auto)
    out += _window(facts, event, day, auto)
    if start.time() not in allowed_start_times(facts.settings, event):
        out.append(Violation(Code.TIME_NOT_ALLOWED, f"{start:%-I:%M %p} is not a {event.event_type} "
                             f"start time", overridable=not auto))
    if event.condition in CLOSED_CONDITIONS:
        out.append(Violation(Code.EVENT_CLOSED, f"{event.name} is {event.condition}"))
    out += _same_day(facts, event, emp.name, employee_id, start, idx, ignore)
    days = {d for d in idx.work_days(employee_id, day)
            if any(a.id not in ignore for a in idx.on(employee_id, d))}
    if day not in days and len(days) + 1 > facts.settings.max_work_days_per_week:
        out.append(Violation(Code.WEEK_CAP, f"{emp.name} would work {len(days) + 1} days in the week "
                             f"of {week_start(day):%m/%d} (limit {facts.settings.max_work_days_per_week})",
                             hard=auto))
    out += _supervisor_day(event, day, idx, ignore, auto)
    return out


def _harden(v: Violation) -> Violation:
    return Violation(v.code, v.message, hard=True, overridable=False)


def _role(facts: Facts, event: Event, title: JobTitle, employee_id: str, day: date, idx: PlanIndex,
          ignore: Collection[int], auto: bool) -> list[Violation]:
    name = facts.employees[employee_id].name
    etype = event.event_type
    if title in OVERRIDE_ONLY.get(etype, ()):
        return [Violation(Code.CLUB_SUPERVISOR_CORE, f"{name} is a {title}: {etype} only by override",
                          overridable=not auto)]
    if not title_allowed(title, etype):
        return [Violation(Code.ROLE, f"A {title} cannot work {etype} events")]
    out: list[Violation] = []
    if etype is EventType.JUICER and rotation_employee(facts, day, RotationType.JUICER) != employee_id:
        out.append(Violation(Code.NOT_ROTATION, f"{name} is not the Juicer rotation on {day:%a %m/%d}",
                             hard=False))
    if (etype is EventType.SUPERVISOR and title is JobTitle.LEAD
            and rotation_employee(facts, day, RotationType.PRIMARY_LEAD) != employee_id):
        out.append(Violation(Code.NOT_PRIMARY_LEAD, f"{name} is not the Primary Lead on {day:%a %m/%d}",
                             hard=auto))
    if etype is EventType.CORE:
        for a in idx.on(employee_id, day):
            other = facts.events.get(a.event_id)
            if a.id not in ignore and other is not None and other.event_type is EventType.JUICER:
                out.append(Violation(Code.JUICER_CORE, f"{name} is juicing on {day:%a %m/%d}"))
                break
    return out


def _window(facts: Facts, event: Event, day: date, auto: bool) -> list[Violation]:
    if not event.start_date <= day <= event.due_date:
        return [Violation(Code.OUTSIDE_WINDOW, f"{day:%m/%d} is outside the window "
                          f"{event.start_date:%m/%d}–{event.due_date:%m/%d}")]
    if day < facts.today or (auto and day <= facts.today):
        return [Violation(Code.PAST, f"{day:%m/%d} is in the past")]
    if auto and not event.allow_auto_schedule:
        return [Violation(Code.NO_AUTO, f"{event.name} is excluded from auto-scheduling")]
    if auto and day < earliest_auto_day(facts, event):
        return [Violation(Code.BUFFER, f"{day:%m/%d} is inside the {facts.settings.buffer_days}-day buffer")]
    return []


def earliest_auto_day(facts: Facts, event: Event) -> date:
    """Buffer days apply except to urgent Core events that could not be placed after them, and to
    their Supervisor events, which must go on the Core's day (same 6-digit number, same window)."""
    buffered = facts.today + timedelta(days=facts.settings.buffer_days)
    earliest = facts.today + timedelta(days=1)
    if event.event_type in (EventType.CORE, EventType.SUPERVISOR) and event.due_date < buffered:
        return max(event.start_date, earliest)
    return max(event.start_date, buffered)


def _same_day(facts: Facts, event: Event, name: str, employee_id: str, start: datetime,
              idx: PlanIndex, ignore: Collection[int]) -> list[Violation]:
    out: list[Violation] = []
    end = end_of(facts.settings, event, start)
    for a in idx.on(employee_id, start.date()):
        other = facts.events.get(a.event_id)
        if a.id in ignore or other is None or other.id == event.id:
            continue
        if event.event_type is EventType.CORE and other.event_type is EventType.CORE:
            out.append(Violation(Code.CORE_SAME_DAY, f"{name} already has a Core event on "
                                 f"{start:%a %m/%d} ({other.name})"))
        elif (event.event_type is EventType.JUICER and other.event_type is EventType.CORE):
            out.append(Violation(Code.JUICER_CORE, f"{name} has a Core event on {start:%a %m/%d}"))
        elif start < end_of(facts.settings, other, a.start) and a.start < end:
            out.append(Violation(Code.OVERLAP, f"Overlaps {other.name} at {a.start:%-I:%M %p}"))
    return out


def _supervisor_day(event: Event, day: date, idx: PlanIndex, ignore: Collection[int],
                    auto: bool) -> list[Violation]:
    if event.event_type is not EventType.SUPERVISOR:
        return []
    key = pair_key(event)
    live = [d for aid, d in (idx.core_days(key) if key else []) if aid not in ignore]
    if live and day not in live:
        return [Violation(Code.SUPERVISOR_DAY, f"The Core of {key} is on {live[0]:%a %m/%d}",
                          hard=auto)]
    if auto and not live:
        return [Violation(Code.SUPERVISOR_IMPOSSIBLE, f"The Core of {key or event.name} is not scheduled")]
    return []


def validate_plan(facts: Facts, assignments: Iterable[Assignment], *, mode: Mode = Mode.AUTO,
                  new_only: Collection[int] | None = None) -> list[tuple[Assignment, Violation]]:
    """Check every assignment of a whole plan against all the others (the independent validator).

    ``new_only``: ids of the assignments to judge (others are context, e.g. confirmed pins).
    """
    plan = list(assignments)
    idx = PlanIndex(facts, plan)
    problems: list[tuple[Assignment, Violation]] = []
    for a in plan:
        if new_only is not None and a.id not in new_only:
            continue
        event = facts.events.get(a.event_id)
        if event is None:
            continue
        for v in check(facts, event, a.employee_id, a.start, mode=mode, index=idx, ignore=(a.id,)):
            problems.append((a, v))
    return problems


def hard(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.hard]


def soft(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if not v.hard]
