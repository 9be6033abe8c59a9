"""Building a ``Problem`` from ``Facts``: every allowed (event, employee, day, starts) combination.

Filtering uses the rules' own helpers (``day_blockers``, the role matrix, ``rotation_employee``,
``earliest_auto_day``, ``allowed_start_times``); wherever a person already has confirmed work that
day, each start is judged by ``core.rules.check`` itself in auto mode. What the filter cannot know —
interactions between new placements — is the model's job, and the finished plan is judged again by
``validate_plan``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.model import Assignment, Employee, Event, EventType, JobTitle, RotationType
from core.rules import (
    Code,
    Facts,
    Mode,
    PlanIndex,
    allowed_start_times,
    check,
    day_blockers,
    digital_kind,
    duration_minutes,
    earliest_auto_day,
    end_of,
    pair_key,
    rotation_employee,
    title_allowed,
)
from core.rules.roles import OVERRIDE_ONLY
from core.scheduling.problem import (
    Candidate,
    Current,
    EmployeeSpec,
    EventSpec,
    FixedPin,
    Problem,
    sunday_of,
)
from core.scheduling.weights import DEFAULT_WEIGHTS, SCALE, Weights

MODEL_HANDLED = frozenset({Code.SUPERVISOR_DAY, Code.SUPERVISOR_IMPOSSIBLE})
"""Violations the model itself prevents (a Supervisor follows its Core's day)."""

LEAD_TITLES = frozenset({JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR})


def minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def at(day: date, start: int) -> datetime:
    """The store-local datetime ``start`` minutes after midnight of ``day``."""
    return datetime.combine(day, time()) + timedelta(minutes=start)


@dataclass(frozen=True)
class Movable:
    """A confirmed assignment the run may move: broken by new facts, or bumpable."""

    assignment: Assignment
    bumpable: bool = False
    released: bool = False


class _Builder:
    def __init__(self, facts: Facts, days: Sequence[date], fixed: Iterable[Assignment],
                 weights: Weights) -> None:
        self.facts = facts
        self.days = tuple(days)
        self.weights = weights
        self.fixed = list(fixed)
        self.index = PlanIndex(facts, self.fixed)
        self.employees = sorted((e for e in facts.employees.values() if e.is_active),
                                key=lambda e: e.id)
        self.emp_index = {e.id: i for i, e in enumerate(self.employees)}
        self._blocked: dict[tuple[str, date], bool] = {}
        self._week_full: dict[tuple[str, date], bool] = {}
        self._rotation: dict[tuple[date, RotationType], str | None] = {}
        self._pools: dict[EventType, list[Employee]] = {}

    def blocked(self, employee_id: str, day: date) -> bool:
        key = (employee_id, day)
        if key not in self._blocked:
            self._blocked[key] = bool(day_blockers(self.facts, employee_id, day))
        return self._blocked[key]

    def week_full(self, employee_id: str, day: date) -> bool:
        key = (employee_id, day)
        if key not in self._week_full:
            worked = self.index.work_days(employee_id, day)
            self._week_full[key] = (day not in worked
                                    and len(worked) >= self.facts.settings.max_work_days_per_week)
        return self._week_full[key]

    def rotation(self, day: date, kind: RotationType) -> str | None:
        key = (day, kind)
        if key not in self._rotation:
            self._rotation[key] = rotation_employee(self.facts, day, kind)
        return self._rotation[key]

    def pool(self, event: Event) -> list[Employee]:
        etype = event.event_type
        if etype not in self._pools:
            banned = OVERRIDE_ONLY.get(etype, ())
            self._pools[etype] = [e for e in self.employees
                                  if title_allowed(e.job_title, etype) and e.job_title not in banned]
        return self._pools[etype]

    def earliest(self, event: Event) -> date:
        return max(event.start_date, earliest_auto_day(self.facts, event),
                   self.facts.today + timedelta(days=1))

    def starts(self, event: Event, allowed: tuple[int, ...], employee_id: str,
               day: date) -> tuple[int, ...]:
        if not self.index.on(employee_id, day):
            return allowed
        ok = []
        for s in allowed:
            found = check(self.facts, event, employee_id, at(day, s), mode=Mode.AUTO, index=self.index)
            if not any(v.hard and v.code not in MODEL_HANDLED for v in found):
                ok.append(s)
        return tuple(ok)

    def penalties(self, event: Event, emp: Employee, day: date,
                  earliest: date) -> tuple[tuple[str, int], ...]:
        w = self.weights
        out: list[tuple[str, int]] = []
        etype = event.event_type
        if etype is not EventType.SUPERVISOR:
            late = (day - earliest).days
            if late > 0:
                out.append(("lateness", late * w.lateness_per_day))
            if day == event.due_date and event.due_date > earliest:
                out.append(("due_date", w.due_date))
        primary = self.rotation(day, RotationType.PRIMARY_LEAD)
        title = emp.job_title
        if etype is EventType.JUICER:
            if self.rotation(day, RotationType.JUICER) != emp.id:
                out.append(("rotation_juicer", w.rotation_juicer))
        elif etype is EventType.CORE:
            if title is JobTitle.JUICER_BARISTA:
                out.append(("role_preference", w.core_by_juicer_barista))
        elif etype is EventType.SUPERVISOR:
            if title is not JobTitle.CLUB_SUPERVISOR:
                out.append(("role_preference", w.supervisor_by_lead))
        elif etype is EventType.DIGITALS and digital_kind(event) == "teardown":
            if emp.id == primary:
                out.append(("role_preference", w.teardown_by_primary_lead))
            elif title is JobTitle.CLUB_SUPERVISOR:
                out.append(("role_preference", 2 * w.lead_work_by_club_supervisor))
        elif etype in (EventType.FREEOSK, EventType.DIGITALS):
            if emp.id != primary:
                out.append(("rotation_primary_lead", w.rotation_primary_lead))
            if title is JobTitle.CLUB_SUPERVISOR:
                out.append(("role_preference", w.lead_work_by_club_supervisor))
        elif etype is EventType.OTHER and title is not JobTitle.CLUB_SUPERVISOR:
            out.append(("role_preference", w.other_by_lead))
        return tuple((name, v * SCALE) for name, v in out)

    def candidates(self, event: Event, ev_index: int, current: Current | None) -> list[Candidate]:
        earliest = self.earliest(event)
        allowed = tuple(minutes(t) for t in allowed_start_times(self.facts.settings, event))
        pool = self.pool(event)
        out: list[Candidate] = []
        for day in self.days:
            if not earliest <= day <= event.due_date:
                continue
            for emp in pool:
                if self.blocked(emp.id, day) or self.week_full(emp.id, day):
                    continue
                if (event.event_type is EventType.SUPERVISOR and emp.job_title is JobTitle.LEAD
                        and self.rotation(day, RotationType.PRIMARY_LEAD) != emp.id):
                    continue
                starts = self.starts(event, allowed, emp.id, day)
                p = self.emp_index[emp.id]
                if (current is not None and current.bumpable and event.event_type is EventType.CORE
                        and (current.employee, current.day) == (p, day)):
                    starts = tuple(s for s in starts if s == current.start)
                if starts:
                    out.append(Candidate(ev_index, p, day, starts,
                                         self.penalties(event, emp, day, earliest)))
        return out


def build_problem(facts: Facts, days: Sequence[date], events: Sequence[Event], *,
                  fixed: Iterable[Assignment], movable: Mapping[int, Movable] | None = None,
                  previous: Mapping[int, tuple[str, date]] | None = None,
                  weights: Weights = DEFAULT_WEIGHTS) -> Problem:
    """The plain-data problem of placing ``events`` on ``days`` around the ``fixed`` assignments.

    ``movable`` maps an event id to its confirmed assignment that this run may move (it must also
    be in ``events``); ``previous`` maps event ids to the (employee, day) of the previous plan.
    """
    b = _Builder(facts, days, fixed, weights)
    movable = movable or {}
    specs: list[EventSpec] = []
    cands: list[Candidate] = []
    for ev in events:
        cur = None
        mv = movable.get(ev.id)
        if mv is not None:
            a = mv.assignment
            cur = Current(a.id, b.emp_index.get(a.employee_id, -1), a.start.date(), minutes(a.start.time()),
                          bumpable=mv.bumpable, released=mv.released)
        i = len(specs)
        specs.append(EventSpec(
            id=ev.id, name=ev.name, type=ev.event_type, due=ev.due_date, earliest=b.earliest(ev),
            duration=duration_minutes(facts.settings, ev), pair_key=pair_key(ev),
            unscheduled_cost=weights.unscheduled(ev.event_type, ev.due_date, facts.today) * SCALE,
            current=cur))
        cands.extend(b.candidates(ev, i, cur))
    pins = tuple(_fixed_pin(facts, a) for a in b.fixed if a.event_id in facts.events)
    cands = _supervisors_follow_cores(specs, cands, pins)
    emps = _employee_specs(b, pins, specs, cands)
    core_len: dict[tuple[int, date], int] = {}
    for c in cands:
        ev_spec = specs[c.event]
        if ev_spec.type is EventType.CORE:
            key = (c.employee, c.day)
            core_len[key] = max(core_len.get(key, 0), ev_spec.duration)
    week_room: dict[tuple[int, date], int] = {}
    pinned_days: set[tuple[int, date]] = set()
    cap = facts.settings.max_work_days_per_week
    for p, emp in enumerate(b.employees):
        for day in b.days:
            week_room.setdefault((p, sunday_of(day)), max(0, cap - len(b.index.work_days(emp.id, day))))
            if b.index.on(emp.id, day):
                pinned_days.add((p, day))
    ev_index = {s.id: i for i, s in enumerate(specs)}
    prev = {ev_index[eid]: (b.emp_index[emp_id], day) for eid, (emp_id, day) in (previous or {}).items()
            if eid in ev_index and emp_id in b.emp_index}
    return Problem(
        today=facts.today, days=b.days, events=tuple(specs), employees=emps, candidates=tuple(cands),
        core_slots=tuple(minutes(s.start) for s in facts.settings.core_slots), pins=pins,
        week_room=week_room, pinned_days=frozenset(pinned_days), core_len=core_len, previous=prev,
        weights=weights)


def _fixed_pin(facts: Facts, a: Assignment) -> FixedPin:
    ev = facts.events[a.event_id]
    end = end_of(facts.settings, ev, a.start)
    return FixedPin(a.id, a.event_id, a.employee_id, a.start.date(), minutes(a.start.time()),
                    minutes(a.start.time()) + int((end - a.start).total_seconds() // 60),
                    ev.event_type, pair_key(ev))


def _supervisors_follow_cores(specs: Sequence[EventSpec], cands: list[Candidate],
                              pins: Sequence[FixedPin]) -> list[Candidate]:
    """A Supervisor may only go on a day its Core is pinned to or could be placed on."""
    core_days: dict[str, set[date]] = defaultdict(set)
    for p in pins:
        if p.type is EventType.CORE and p.pair_key:
            core_days[p.pair_key].add(p.day)
    for c in cands:
        s = specs[c.event]
        if s.type is EventType.CORE and s.pair_key:
            core_days[s.pair_key].add(c.day)
    out = []
    for c in cands:
        s = specs[c.event]
        if s.type is EventType.SUPERVISOR and (not s.pair_key or c.day not in core_days[s.pair_key]):
            continue
        out.append(c)
    return out


def _employee_specs(b: _Builder, pins: Sequence[FixedPin], specs: Sequence[EventSpec],
                    cands: Sequence[Candidate]) -> tuple[EmployeeSpec, ...]:
    """Fairness targets: the Core shifts expected in the horizon (pinned, plus every Core event that
    can be placed), shared in proportion to the days each person is free for Core work."""
    horizon = set(b.days)
    pinned: dict[str, int] = defaultdict(int)
    for p in pins:
        if p.type is EventType.CORE and p.day in horizon:
            pinned[p.employee_id] += 1
    placeable = {c.event for c in cands if specs[c.event].type is EventType.CORE}
    expected = sum(pinned.values()) + len(placeable)
    pool = {JobTitle.EVENT_SPECIALIST, JobTitle.LEAD, JobTitle.JUICER_BARISTA}

    def free_for_core(e: Employee, day: date) -> bool:
        return not b.blocked(e.id, day) and b.rotation(day, RotationType.JUICER) != e.id

    avail = {e.id: sum(1 for d in b.days if free_for_core(e, d)) if e.job_title in pool else 0
             for e in b.employees}
    total = sum(avail.values())
    units = b.weights.share_units
    return tuple(EmployeeSpec(
        id=e.id, name=e.name, title=e.job_title, shift_pool=e.job_title in pool,
        available_days=avail[e.id],
        target=round(units * expected * avail[e.id] / total) if total else 0,
        pinned_shifts=pinned[e.id]) for e in b.employees)
