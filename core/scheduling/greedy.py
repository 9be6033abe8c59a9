"""The greedy baseline: the legacy wave order, reimplemented over a ``Problem``.

Waves (legacy-domain.md §3.2): Juicer → Core by due date (Leads, then Event Specialists, then
Juicer Baristas; least busy Core slot; its Supervisor paired inline: Club Supervisor, else the
Primary Lead) → Freeosk → Digitals → Other → Supervisors of already confirmed Cores. Unlike the
legacy code it tries every allowed day for every type and respects every rule, and it never bumps:
movable confirmed assignments stay where they are when they still can.

It is the CP-SAT hint, the fallback when the solver returns no plan, and a test oracle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from core.model import EventType, JobTitle
from core.scheduling.plan import Placement, Plan
from core.scheduling.problem import SHIFT_TYPES, Problem, sunday_of

_CORE_TITLE_ORDER = {JobTitle.LEAD: 0, JobTitle.EVENT_SPECIALIST: 1, JobTitle.JUICER_BARISTA: 2}
_LOOKAHEAD_TITLE_ORDER = {JobTitle.EVENT_SPECIALIST: 0, JobTitle.LEAD: 1, JobTitle.JUICER_BARISTA: 2}


class PlanState:
    """A plan under construction with everything needed to test a placement in O(day's work)."""

    def __init__(self, problem: Problem) -> None:
        self.pb = problem
        self.plan: Plan = {}
        self.at: dict[tuple[int, date], list[int]] = defaultdict(list)
        self.new_days: dict[tuple[int, date], set[date]] = defaultdict(set)
        self.slots: dict[tuple[date, int], int] = defaultdict(int, problem.pinned_slot_counts)
        self.digital: dict[tuple[date, int], int] = defaultdict(int)
        self.core_on: dict[tuple[str, date], int] = defaultdict(int)
        self.sup_on: dict[tuple[str, date], int] = defaultdict(int)
        for key, day in problem.pinned_core_days:
            self.core_on[(key, day)] += 1

    def week_ok(self, p: int, day: date) -> bool:
        if (p, day) in self.pb.pinned_days:
            return True
        worked = self.new_days[(p, sunday_of(day))]
        return day in worked or len(worked) < self.pb.week_room.get((p, sunday_of(day)), 0)

    def span(self, ev: int) -> tuple[int, int]:
        """The minutes an event of the plan blocks for other (non-Supervisor) work."""
        pl = self.plan[ev]
        if self.pb.events[ev].type is EventType.SUPERVISOR:
            c = self.pb.candidates[pl.candidate]
            lo, hi, _ = self.pb.supervisor_blocks[(c.employee, c.day)]
            return lo, hi
        return self.pb.interval(pl.candidate, pl.start)

    def blockers(self, ci: int, start: int) -> list[int] | None:
        """Placed events that keep ``ci`` from starting at ``start`` (None: not fixable by moving
        work of that person and day)."""
        pb = self.pb
        c = pb.candidates[ci]
        ev = pb.events[c.event]
        key = (c.employee, c.day)
        if c.event in self.plan or start not in c.starts or not self.week_ok(*key):
            return None
        here = self.at[key]
        if ev.type is EventType.SUPERVISOR:
            if not self.core_on[(ev.pair_key or "", c.day)]:
                return None
            lo, hi, cap = pb.supervisor_blocks[key]
            sups = [e for e in here if pb.events[e].type is EventType.SUPERVISOR]
            if len(sups) >= cap:
                return None
            mine = (start, start + ev.duration)
            if not all(_free(mine, [(self.plan[e].start, self.plan[e].start + pb.events[e].duration)])
                       for e in sups):
                return None
            return [e for e in here if pb.events[e].type is not EventType.SUPERVISOR
                    and not _free((lo, hi), [self.span(e)])]
        span = pb.interval(ci, start)
        out = [e for e in here if not _free(span, [self.span(e)])]
        if ev.type in SHIFT_TYPES:
            out += [e for e in here if pb.events[e].type in SHIFT_TYPES and e not in out]
        return out

    def fits(self, ci: int, start: int) -> bool:
        return self.blockers(ci, start) == []

    def place(self, ci: int, start: int) -> None:
        pb = self.pb
        c = pb.candidates[ci]
        ev = pb.events[c.event]
        key = (c.employee, c.day)
        self.plan[c.event] = Placement(ci, start)
        self.at[key].append(c.event)
        if key not in pb.pinned_days:
            self.new_days[(c.employee, sunday_of(c.day))].add(c.day)
        if ev.type is EventType.CORE:
            self.slots[(c.day, start)] += 1
            if ev.pair_key:
                self.core_on[(ev.pair_key, c.day)] += 1
        elif ev.type is EventType.DIGITALS:
            self.digital[(c.day, start)] += 1
        elif ev.type is EventType.SUPERVISOR and ev.pair_key:
            self.sup_on[(ev.pair_key, c.day)] += 1

    def remove(self, event: int) -> Placement:
        pb = self.pb
        pl = self.plan.pop(event)
        c = pb.candidates[pl.candidate]
        ev = pb.events[event]
        key = (c.employee, c.day)
        self.at[key].remove(event)
        if not self.at[key]:
            self.new_days[(c.employee, sunday_of(c.day))].discard(c.day)
        if ev.type is EventType.CORE:
            self.slots[(c.day, pl.start)] -= 1
            if ev.pair_key:
                self.core_on[(ev.pair_key, c.day)] -= 1
        elif ev.type is EventType.DIGITALS:
            self.digital[(c.day, pl.start)] -= 1
        elif ev.type is EventType.SUPERVISOR and ev.pair_key:
            self.sup_on[(ev.pair_key, c.day)] -= 1
        return pl

    def try_candidates(self, cands: Iterable[int],
                       start_order: Callable[[int], list[int]] | None = None) -> bool:
        for ci in cands:
            starts = start_order(ci) if start_order else list(self.pb.candidates[ci].starts)
            for s in starts:
                if self.fits(ci, s):
                    self.place(ci, s)
                    return True
        return False


def _free(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return all(span[1] <= a or b <= span[0] for a, b in taken)


def greedy(problem: Problem, *, lookahead: bool = False) -> Plan:
    """A complete, rule-respecting plan built in the legacy wave order.

    ``lookahead`` (used for the solver's hint, not for the baseline) places each Core together with
    its Supervisor events — on the first day and person where the whole pair fits — and hands
    Cores to Event Specialists before Leads, keeping Leads free for lead work.
    """
    st = PlanState(problem)
    pb = problem
    by_type: dict[EventType, list[int]] = defaultdict(list)
    for i, ev in enumerate(pb.events):
        by_type[ev.type].append(i)
    for types in by_type.values():
        types.sort(key=lambda i: (pb.events[i].due, pb.events[i].id))

    for i, ev in enumerate(pb.events):
        if ev.current is not None and not ev.current.released and ev.type is not EventType.SUPERVISOR:
            st.try_candidates(_staying(pb, i))

    def cands(i: int, rank: Callable[[int], tuple[object, ...]]) -> list[int]:
        return sorted(pb.by_event.get(i, ()), key=rank)

    def by_cost(ci: int) -> tuple[object, ...]:
        c = pb.candidates[ci]
        return (c.day, c.cost, c.employee)

    def sup_rank(ci: int) -> tuple[object, ...]:
        c = pb.candidates[ci]
        return (c.cost, c.employee)

    def pair(key: str | None, day: date) -> None:
        for s in by_type[EventType.SUPERVISOR]:
            if s not in st.plan and pb.events[s].pair_key == key:
                st.try_candidates(_staying(pb, s) + [ci for ci in cands(s, sup_rank)
                                                     if pb.candidates[ci].day == day])

    for i in by_type[EventType.JUICER]:
        st.try_candidates(cands(i, lambda ci: (pb.candidates[ci].cost > 0, *by_cost(ci))))
    order = _LOOKAHEAD_TITLE_ORDER if lookahead else _CORE_TITLE_ORDER

    def core_rank(ci: int) -> tuple[object, ...]:
        c = pb.candidates[ci]
        return (c.day, order.get(pb.employees[c.employee].title, 3), c.employee)

    def least_busy(ci: int) -> list[int]:
        c = pb.candidates[ci]
        return sorted(c.starts, key=lambda s: (st.slots[(c.day, s)], s))

    def with_pair(i: int, ranked: list[int]) -> bool:
        sups = [s for s in by_type[EventType.SUPERVISOR]
                if s not in st.plan and pb.events[s].pair_key == pb.events[i].pair_key and s in pb.by_event]
        if not sups:
            return False
        for ci in ranked:
            day = pb.candidates[ci].day
            if not st.try_candidates([ci], least_busy):
                continue
            placed = [s for s in sups
                      if st.try_candidates([x for x in cands(s, sup_rank) if pb.candidates[x].day == day])]
            if len(placed) == len(sups):
                return True
            for s in [*placed, i]:
                st.remove(s)
        return False

    for i in by_type[EventType.CORE]:
        if i not in st.plan:
            ranked = cands(i, core_rank)
            if not (lookahead and with_pair(i, ranked)):
                st.try_candidates(ranked, least_busy)
        if i in st.plan:
            pair(pb.events[i].pair_key, pb.candidates[st.plan[i].candidate].day)

    def least_used(ci: int) -> list[int]:
        c = pb.candidates[ci]
        return sorted(c.starts, key=lambda s: (st.digital[(c.day, s)], s))

    for etype in (EventType.FREEOSK, EventType.DIGITALS, EventType.OTHER, EventType.SUPERVISOR):
        for i in by_type[etype]:
            if i not in st.plan:
                st.try_candidates(_staying(pb, i) + cands(i, by_cost),
                                  least_used if etype is EventType.DIGITALS else None)
    return st.plan


def _staying(pb: Problem, event: int) -> list[int]:
    cur = pb.events[event].current
    if cur is None or cur.released:
        return []
    return [ci for ci in pb.by_event.get(event, ())
            if (pb.candidates[ci].employee, pb.candidates[ci].day) == (cur.employee, cur.day)]
