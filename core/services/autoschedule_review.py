"""The what-if answer for one event: place it by force, list what moves, price the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.model import Assignment, Proposal
from core.rules import Facts, PlanIndex
from core.scheduling.candidates import at, minutes
from core.scheduling.engine import Prepared
from core.scheduling.explain import Explanation, explain_event
from core.scheduling.greedy import PlanState
from core.scheduling.plan import Plan
from core.scheduling.solve import SolveOptions
from core.scheduling.whatif import what_if


@dataclass(frozen=True)
class MoveRow:
    event_id: int
    event_name: str
    before_employee_id: str | None
    before_start: datetime | None
    after_employee_id: str | None
    after_start: datetime | None
    text: str


@dataclass(frozen=True)
class WhatIfAnswer:
    event_id: int
    event_name: str
    possible: bool
    employee_id: str | None
    start: datetime | None
    moves: tuple[MoveRow, ...]
    """Other events that would move or drop out."""
    cost_delta: int | None
    """Points (negative: the forced plan is better)."""
    sentence: str
    explanation: Explanation | None = None
    """When impossible: the reason codes over every person and day."""


def current_plan(prep: Prepared, proposals: list[Proposal]) -> Plan:
    """The run's open placements as a plan of ``prep.problem`` (rows the facts no longer allow are
    left out)."""
    pb = prep.problem
    st = PlanState(pb)
    order = sorted(proposals, key=lambda p: (pb.events[pb.event_index[p.event_id]].type.value == "Supervisor"
                                             if p.event_id in pb.event_index else True, p.id))
    for p in order:
        i = pb.event_index.get(p.event_id)
        emp = pb.employee_index.get(p.employee_id or "")
        if i is None or emp is None or p.start is None:
            continue
        for ci in pb.by_event.get(i, ()):
            c = pb.candidates[ci]
            if (c.employee, c.day) == (emp, p.start.date()):
                start = minutes(p.start.time())
                options = [start] + [s for s in c.starts if s != start]

                def first_current(_ci: int, o: list[int] = options) -> list[int]:
                    return o
                if st.try_candidates([ci], first_current):
                    break
    return dict(st.plan)


def what_if_answer(facts: Facts, prep: Prepared, proposals: list[Proposal], event_id: int,
                   names: dict[str, str], options: SolveOptions) -> WhatIfAnswer:
    """Force ``event_id`` next to the run's proposals and describe the result."""
    pb = prep.problem
    event = facts.events.get(event_id)
    name = event.name if event is not None else f"event {event_id}"
    index_of = pb.event_index.get(event_id)
    current = current_plan(prep, proposals)
    if index_of is None or event is None:
        why = prep.skipped.get(event_id, "it is not open for planning")
        return WhatIfAnswer(event_id, name, False, None, None, (), None, f"{name} cannot be planned: {why}.")
    result = what_if(pb, current, index_of, options)
    if not result.possible or result.plan is None:
        index = PlanIndex(facts, list(prep.pins.fixed) + _assignments(prep, current))
        expl = explain_event(facts, event, index, prep.request.days)
        head = ("Impossible under the rules" if result.status in ("INFEASIBLE", "MODEL_INVALID")
                else "No plan found within the time limit")
        return WhatIfAnswer(event_id, name, False, None, None, (), None, f"{head}: {expl.sentence}", expl)
    moves = []
    placed_emp: str | None = None
    placed_start: datetime | None = None
    for ch in result.changes:
        spec = pb.events[ch.event]
        before = _where(prep, ch.before)
        after = _where(prep, ch.after)
        if ch.event == index_of:
            placed_emp, placed_start = after if after else (None, None)
            continue
        moves.append(MoveRow(spec.id, spec.name, before[0] if before else None, before[1] if before else None,
                             after[0] if after else None, after[1] if after else None,
                             f"{spec.name}: {_label(before, names)} → {_label(after, names)}"))
    delta = result.cost_delta or 0
    where = _label((placed_emp, placed_start) if placed_emp and placed_start else None, names)
    sentence = (f"{name} could go to {where}; {len(moves)} other assignment(s) would change; "
                f"cost change {delta:+d} points.")
    return WhatIfAnswer(event_id, name, True, placed_emp, placed_start, tuple(moves), delta, sentence)


def _where(prep: Prepared, spot: tuple[int, int] | None) -> tuple[str, datetime] | None:
    if spot is None:
        return None
    c = prep.problem.candidates[spot[0]]
    return prep.problem.employees[c.employee].id, at(c.day, spot[1])


def _label(spot: tuple[str, datetime] | None, names: dict[str, str]) -> str:
    if spot is None:
        return "unscheduled"
    return f"{names.get(spot[0], spot[0])} {spot[1]:%a %m/%d %-I:%M %p}"


def _assignments(prep: Prepared, plan: Plan) -> list[Assignment]:
    pb = prep.problem
    out = []
    for ev, pl in plan.items():
        c = pb.candidates[pl.candidate]
        out.append(Assignment(-1 - ev, pb.events[ev].id, pb.employees[c.employee].id, at(c.day, pl.start)))
    return out
