"""A cheap local repair of a plan: ejection chains of depth one.

Each unscheduled event (most costly first) may take a candidate that one or two placed events are
in the way of, if those events can all be placed somewhere else. This fixes the legacy greedy's
typical blind spot — the day's Primary Lead handed a Core, so its Supervisor events find nobody —
before CP-SAT starts from the result, and makes a better fallback than the bare greedy.
"""

from __future__ import annotations

from datetime import date

from core.model import EventType
from core.scheduling.greedy import PlanState
from core.scheduling.plan import Placement, Plan
from core.scheduling.problem import Problem


def repair(problem: Problem, plan: Plan, *, max_blockers: int = 2) -> Plan:
    """``plan`` with as many unscheduled events placed as single moves allow."""
    st = PlanState(problem)
    for _, pl in sorted(plan.items(), key=lambda kv: problem.events[kv[0]].type is EventType.SUPERVISOR):
        st.place(pl.candidate, pl.start)
    missing = sorted((i for i in range(len(problem.events)) if i not in st.plan and i in problem.by_event),
                     key=lambda i: (-problem.events[i].unscheduled_cost, problem.events[i].id))
    for ev in missing:
        cands = sorted(problem.by_event[ev], key=lambda ci: (problem.candidates[ci].cost, ci))
        if st.try_candidates(cands):
            continue
        if problem.events[ev].type is EventType.SUPERVISOR and _move_pair(st, ev):
            continue
        _eject(st, cands, max_blockers)
    return dict(st.plan)


def _move_pair(st: PlanState, sup: int) -> bool:
    """Move the Supervisor's placed Core (with its placed Supervisors) to a day where all fit."""
    pb = st.pb
    key = pb.events[sup].pair_key
    cores = [e for e in pb.cores_by_key.get(key or "", []) if e in st.plan]
    if len(cores) != 1 or pb.events[cores[0]].current is not None:
        return False
    core = cores[0]
    day = pb.candidates[st.plan[core].candidate].day
    partners = [e for e in st.plan if pb.events[e].pair_key == key and e != core
                and pb.events[e].current is None and pb.candidates[st.plan[e].candidate].day == day]
    if len(partners) + 1 != sum(1 for e in st.plan if pb.events[e].pair_key == key):
        return False
    removed = {e: st.remove(e) for e in [*partners, core]}
    group = [*partners, sup]
    for ci in sorted(pb.by_event.get(core, ()), key=lambda ci: (pb.candidates[ci].cost, ci)):
        target = pb.candidates[ci].day
        if target == day or not st.try_candidates([ci]):
            continue
        placed = []
        for e in group:
            if st.try_candidates(sorted((x for x in pb.by_event.get(e, ()) if pb.candidates[x].day == target),
                                        key=lambda x: (pb.candidates[x].cost, x))):
                placed.append(e)
            else:
                break
        if len(placed) == len(group):
            return True
        for e in [*placed, core]:
            st.remove(e)
    for e in [core, *partners]:
        st.place(removed[e].candidate, removed[e].start)
    return False


def _eject(st: PlanState, cands: list[int], max_blockers: int) -> bool:
    pb = st.pb
    for ci in cands:
        target = (pb.candidates[ci].employee, pb.candidates[ci].day)
        for s in pb.candidates[ci].starts:
            blockers = st.blockers(ci, s)
            if not blockers or len(blockers) > max_blockers:
                continue
            if any(pb.events[b].current is not None for b in blockers):
                continue
            removed = {b: st.remove(b) for b in blockers}
            moved: list[int] = []
            for b in blockers:
                if not _relocate(st, b, removed[b], avoid=target):
                    break
                moved.append(b)
            if len(moved) == len(blockers) and st.fits(ci, s):
                st.place(ci, s)
                return True
            _restore(st, moved, removed)
    return False


def _relocate(st: PlanState, event: int, old: Placement, *, avoid: tuple[int, date]) -> bool:
    pb = st.pb
    spec = pb.events[event]
    old_day = pb.candidates[old.candidate].day
    same_day_only = (spec.type is EventType.CORE and spec.pair_key is not None
                     and not st.core_on[(spec.pair_key, old_day)]
                     and any(pb.events[e].pair_key == spec.pair_key
                             and pb.events[e].type is EventType.SUPERVISOR
                             and pb.candidates[st.plan[e].candidate].day == old_day
                             for e in st.plan))
    options = sorted((ci for ci in pb.by_event.get(event, ()) if ci != old.candidate
                      and (pb.candidates[ci].employee, pb.candidates[ci].day) != avoid
                      and (not same_day_only or pb.candidates[ci].day == old_day)),
                     key=lambda ci: (pb.candidates[ci].cost, ci))
    return st.try_candidates(options)


def _restore(st: PlanState, moved: list[int], removed: dict[int, Placement]) -> None:
    for b in moved:
        st.remove(b)
    for pl in removed.values():
        st.place(pl.candidate, pl.start)
