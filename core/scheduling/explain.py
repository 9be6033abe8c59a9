""""Why?" for one event: the rule codes that block it, aggregated over every person and day.

Cheap (milliseconds): each (employee, day) of the event's window is judged by ``core.rules.check``
in auto mode against the plan around it; a pair counts once per code that blocks it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.model import Event
from core.rules import Code, Facts, Mode, PlanIndex, allowed_start_times, check

PHRASES: dict[str, str] = {
    Code.UNKNOWN_EMPLOYEE.value: "are unknown",
    Code.INACTIVE.value: "are inactive",
    Code.TERMINATED.value: "have left by then",
    Code.ROLE.value: "have no eligible role",
    Code.NOT_PRIMARY_LEAD.value: "are not that day's Primary Lead",
    Code.NOT_ROTATION.value: "are not that day's Juicer rotation",
    Code.CLUB_SUPERVISOR_CORE.value: "are Club Supervisors (Core only by override)",
    Code.TIME_OFF.value: "have time off",
    Code.WEEKDAY.value: "do not work that weekday",
    Code.DATE_UNAVAILABLE.value: "are unavailable that date",
    Code.OVERRIDE.value: "are unavailable (temporary override)",
    Code.HOLIDAY.value: "fall on a company holiday",
    Code.CORE_SAME_DAY.value: "already have a Core that day",
    Code.JUICER_CORE.value: "are juicing that day",
    Code.OVERLAP.value: "have overlapping work",
    Code.WEEK_CAP.value: "are at the week's work-day limit",
    Code.OUTSIDE_WINDOW.value: "are outside the event window",
    Code.BUFFER.value: "are inside the buffer days",
    Code.PAST.value: "are in the past",
    Code.TIME_NOT_ALLOWED.value: "have no allowed start time",
    Code.SUPERVISOR_DAY.value: "are not its Core's day",
    Code.SUPERVISOR_IMPOSSIBLE.value: "have no scheduled Core to pair with",
    Code.EVENT_CLOSED.value: "are closed (the event is no longer open)",
    Code.NO_AUTO.value: "are excluded from auto-scheduling",
}
"""Each code as the predicate of "N person-days …"."""

_TIME_CODES = frozenset({Code.OVERLAP, Code.TIME_NOT_ALLOWED})


@dataclass(frozen=True)
class Explanation:
    event_id: int
    event_name: str
    codes: tuple[tuple[str, int], ...]
    """(code, person-days it blocks), most frequent first."""
    checked: int
    """Person-days looked at."""
    open: int
    """Person-days with no hard rule against them."""
    sentence: str

    @property
    def reason_codes(self) -> list[str]:
        return [code for code, _ in self.codes]


def _days(event: Event, days: Sequence[date], today: date) -> list[date]:
    inside = [d for d in days if event.start_date <= d <= event.due_date]
    if inside:
        return inside
    if (event.due_date - event.start_date).days <= 31:
        return [event.start_date + timedelta(days=k)
                for k in range((event.due_date - event.start_date).days + 1)]
    return [max(today + timedelta(days=1), event.start_date)]


_ROLE_CODES = frozenset({Code.ROLE.value, Code.CLUB_SUPERVISOR_CORE.value})


def explain_event(facts: Facts, event: Event, index: PlanIndex, days: Sequence[date]) -> Explanation:
    """Why ``event`` cannot be placed on ``days`` next to the plan in ``index``."""
    starts = allowed_start_times(facts.settings, event)
    people = sorted(e.id for e in facts.employees.values() if e.is_active)
    window = _days(event, days, facts.today)
    counts: Counter[str] = Counter()
    eligible: Counter[str] = Counter()
    eligible_people: set[str] = set()
    open_pairs = 0
    for day in window:
        for emp in people:
            best: set[str] | None = None
            for t in starts:
                found = {v.code.value for v in check(facts, event, emp, datetime.combine(day, t),
                                                     mode=Mode.AUTO, index=index) if v.hard}
                if best is None or len(found) < len(best):
                    best = found
                if not found or not found <= _TIME_CODES:
                    break
            if not best:
                open_pairs += 1
                eligible_people.add(emp)
                continue
            counts.update(best)
            if not best & _ROLE_CODES:
                eligible_people.add(emp)
                eligible.update(best)
    codes = tuple(sorted(counts.items(), key=lambda kv: (kv[0] in _ROLE_CODES, -kv[1], kv[0])))
    checked = len(window) * len(people)
    text = _sentence(event, eligible, len(eligible_people), open_pairs, window)
    return Explanation(event.id, event.name, codes, checked, open_pairs, text)


def _sentence(event: Event, eligible: Counter[str], people: int, open_pairs: int,
              window: list[date]) -> str:
    span = (f"{window[0]:%a %m/%d}" if len(window) == 1
            else f"{window[0]:%a %m/%d}–{window[-1]:%a %m/%d}")
    if not people:
        return (f"{event.name} ({span}): nobody active has a role that may work "
                f"{event.event_type.value} events.")
    pairs = people * len(window)
    whole = [code for code, n in eligible.items() if n == pairs]
    head = f"{event.name} ({span}): of {people} eligible people × {len(window)} day(s)"
    if whole:
        text = head + ", all " + " and ".join(PHRASES.get(c, c) for c in sorted(whole))
    else:
        parts = [f"{n} {PHRASES.get(code, code)}" for code, n in
                 sorted(eligible.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        text = head + (": " + "; ".join(parts) if parts else "")
    if open_pairs:
        text += (f". {open_pairs} person-day(s) were still open, but using them would have displaced "
                 "higher-priority work or the solver ran out of time")
    return text + "."
