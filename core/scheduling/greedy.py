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
from core.scheduling.problem import Problem, sunday_of

_CORE_TITLE_ORDER = {JobTitle.LEAD: 0, JobTitle.EVENT_SPECIALIST: 1, JobTitle.JUICER_BARISTA: 2}


class _State:
    def __init__(self, problem: Problem) -> None:
        self.pb = problem
        self.plan: Plan = {}
        self.busy: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
        self.sups: dict[tuple[int, date], list[tuple[int, int]]] = defaultdict(list)
        self.shift: set[tuple[int, date]] = set()
        self.new_days: dict[tuple[int, date], set[date]] = defaultdict(set)
        self.slots: dict[tuple[date, int], int] = defaultdict(int, problem.pinned_slot_counts)
        self.digital: dict[tuple[date, int], int] = defaultdict(int)
        self.core_on: set[tuple[str, date]] = set(problem.pinned_core_days)

    def week_ok(self, p: int, day: date) -> bool:
        if (p, day) in self.pb.pinned_days:
            return True
        worked = self.new_days[(p, sunday_of(day))]
        return day in worked or len(worked) < self.pb.week_room.get((p, sunday_of(day)), 0)

    def fits(self, ci: int, start: int) -> bool:
        pb = self.pb
        c = pb.candidates[ci]
        ev = pb.events[c.event]
        key = (c.employee, c.day)
        if c.event in self.plan or start not in c.starts or not self.week_ok(*key):
            return False
        if ev.type in (EventType.CORE, EventType.JUICER) and key in self.shift:
            return False
        if ev.type is EventType.SUPERVISOR:
            if (ev.pair_key, c.day) not in self.core_on:
                return False
            lo, hi, cap = pb.supervisor_blocks[key]
            taken = self.sups[key]
            if len(taken) >= cap or not _free((lo, hi), self.busy[key]):
                return False
            return _free((start, start + ev.duration), taken)
        span = pb.interval(ci, start)
        if not _free(span, self.busy[key]):
            return False
        block = pb.supervisor_blocks.get(key)
        return not (self.sups[key] and block is not None and not _free(block[:2], [span]))

    def place(self, ci: int, start: int) -> None:
        pb = self.pb
        c = pb.candidates[ci]
        ev = pb.events[c.event]
        key = (c.employee, c.day)
        self.plan[c.event] = Placement(ci, start)
        if key not in pb.pinned_days:
            self.new_days[(c.employee, sunday_of(c.day))].add(c.day)
        if ev.type is EventType.SUPERVISOR:
            self.sups[key].append((start, start + ev.duration))
            return
        self.busy[key].append(pb.interval(ci, start))
        if ev.type in (EventType.CORE, EventType.JUICER):
            self.shift.add(key)
        if ev.type is EventType.CORE:
            self.slots[(c.day, start)] += 1
            if ev.pair_key:
                self.core_on.add((ev.pair_key, c.day))
        elif ev.type is EventType.DIGITALS:
            self.digital[(c.day, start)] += 1

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


def greedy(problem: Problem) -> Plan:
    """A complete, rule-respecting plan built in the legacy wave order."""
    st = _State(problem)
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
        st.try_candidates(cands(i, lambda ci: (pb.candidates[ci].cost > 0,) + by_cost(ci)))
    for i in by_type[EventType.CORE]:
        if i not in st.plan:
            def core_rank(ci: int) -> tuple[object, ...]:
                c = pb.candidates[ci]
                return (c.day, _CORE_TITLE_ORDER.get(pb.employees[c.employee].title, 3), c.employee)

            def least_busy(ci: int) -> list[int]:
                c = pb.candidates[ci]
                return sorted(c.starts, key=lambda s: (st.slots[(c.day, s)], s))
            st.try_candidates(cands(i, core_rank), least_busy)
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
