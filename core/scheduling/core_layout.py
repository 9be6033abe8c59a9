"""Which Core candidates the CP-SAT model may aggregate.

On a given day, Core events are interchangeable for the people who may work a Core that day: the
role matrix, availability, time off and the week cap depend on the person and the day, never on which
Core it is. So instead of one boolean per (Core, person, day) the model can choose a day per Core
(``x[event, day]``) and whether each person works *a* Core that day (``r[person, day]``), with as
many Cores as people per day, and match them after solving — any matching is valid and costs the
same. That shrinks the model about tenfold and turns fairness into a flow the LP bounds tightly.

A Core event is *regular* (aggregated) when, on every day, its candidates outside the explicit
person-days are exactly that day's common profile: the same people, the same allowed slots and the
same person-dependent penalties, with one event-and-day penalty (lateness, due date) for all of them.
Person-days that a particular event must be told apart on — where a movable confirmed assignment
sits now, or where the previous plan put an event (churn) — are *explicit*: every Core candidate there
keeps its own boolean, as does every candidate of an irregular event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from core.model import EventType
from core.scheduling.problem import Problem

EVENT_DAY_TERMS = frozenset({"lateness", "due_date"})
"""Candidate penalties that depend on the event and the day only."""

Penalties = tuple[tuple[str, int], ...]
PersonOption = tuple[tuple[int, ...], Penalties]
"""Allowed Core slot starts and person-dependent penalties of one person on one day."""


@dataclass(frozen=True)
class CoreLayout:
    regular: frozenset[int]
    """Aggregated Core events (indices)."""
    explicit_days: frozenset[tuple[int, date]]
    """(person, day) where every Core candidate keeps its own boolean."""
    profile: dict[date, dict[int, PersonOption]]
    """day -> person -> option, for the people regular Cores may go to that day."""
    day_cost: dict[tuple[int, date], Penalties]
    """(regular event, day) -> its event-and-day penalties."""
    aggregated: frozenset[int]
    """Candidate indices represented by ``x`` and ``r`` instead of their own boolean."""


def _split(penalties: Penalties) -> tuple[Penalties, Penalties]:
    ev = tuple(sorted((n, v) for n, v in penalties if n in EVENT_DAY_TERMS))
    person = tuple(sorted((n, v) for n, v in penalties if n not in EVENT_DAY_TERMS))
    return ev, person


def core_layout(problem: Problem) -> CoreLayout:
    """Split the Core candidates of ``problem`` into aggregated and explicit ones."""
    pb = problem
    explicit: set[tuple[int, date]] = set(pb.previous.values())
    for ev in pb.events:
        if ev.current is not None and ev.current.employee >= 0:
            explicit.add((ev.current.employee, ev.current.day))
    options: dict[tuple[int, date], dict[int, PersonOption]] = defaultdict(dict)
    costs: dict[tuple[int, date], set[Penalties]] = defaultdict(set)
    split: dict[Penalties, tuple[Penalties, Penalties]] = {}
    for i, ev in enumerate(pb.events):
        if ev.type is not EventType.CORE:
            continue
        for ci in pb.by_event.get(i, ()):
            c = pb.candidates[ci]
            if (c.employee, c.day) in explicit:
                continue
            parts = split.get(c.penalties)
            if parts is None:
                parts = split[c.penalties] = _split(c.penalties)
            ev_part, person_part = parts
            options[(i, c.day)][c.employee] = (c.starts, person_part)
            costs[(i, c.day)].add(ev_part)
    signatures: dict[tuple[int, date], tuple[tuple[int, PersonOption], ...]] = {
        key: tuple(sorted(opts.items())) for key, opts in options.items()}
    per_day: dict[date, Counter[tuple[tuple[int, PersonOption], ...]]] = defaultdict(Counter)
    for (_, day), sig in signatures.items():
        per_day[day][sig] += 1
    common = {day: max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
              for day, counts in per_day.items()}
    irregular = {i for (i, day), sig in signatures.items()
                 if sig != common[day] or len(costs[(i, day)]) != 1}
    regular = frozenset(i for i, _ in signatures if i not in irregular)
    used_days = {day for (i, day) in signatures if i in regular}
    profile = {day: dict(common[day]) for day in used_days}
    day_cost = {(i, day): next(iter(costs[(i, day)])) for (i, day) in signatures if i in regular}
    aggregated = frozenset(ci for i in regular for ci in pb.by_event.get(i, ())
                           if (pb.candidates[ci].employee, pb.candidates[ci].day) not in explicit)
    return CoreLayout(regular, frozenset(explicit), profile, day_cost, aggregated)
