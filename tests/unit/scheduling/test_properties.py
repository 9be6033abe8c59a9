"""Properties over generated small clubs: rules always hold, pins hold, reject and approve behave."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict
from core.model import Assignment, RotationType, WeeklyAvailability
from core.rules import Mode, allowed_start_times, validate_plan
from tests.unit.scheduling.builders import (
    BARISTA,
    CLUB,
    ES,
    LEAD_T,
    MANAGER,
    OTHER_MANAGER,
    Club,
    core_pair,
    day,
    event,
    person,
    store,
)

KINDS = ["pair", "CORE", "FREEOSK", "DIGITAL SETUP", "DIGITAL TEARDOWN", "OTHER", "JUICER-PRODUCTION",
         "Juicer Survey"]
CHECKS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def clubs(draw: st.DrawFn) -> Club:
    titles = draw(st.lists(st.sampled_from([ES, ES, LEAD_T, CLUB, BARISTA]), min_size=2, max_size=7))
    club = Club(employees=[person(f"P{i}", t) for i, t in enumerate(titles)])
    for kind, title in ((RotationType.PRIMARY_LEAD, LEAD_T), (RotationType.JUICER, BARISTA)):
        who = [e.id for e in club.employees if e.job_title is title]
        if who:
            club.rotate(kind, draw(st.sampled_from(who)))
    eid = 1
    for k in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(KINDS))
        start = draw(st.integers(0, 6))
        due = start + draw(st.integers(0, 3))
        if kind == "pair":
            club.events += core_pair(600000 + k, eid, start, due)
            eid += 2
        else:
            club.events.append(event(eid, f"{610000 + k}-{kind}-Item", start, due))
            eid += 1
    for e in club.employees:
        if draw(st.integers(0, 3)) == 0:
            first = draw(st.integers(1, 7))
            club.off(e.id, first, first + draw(st.integers(0, 2)))
        if draw(st.integers(0, 3)) == 0:
            days = tuple(draw(st.booleans()) or k < 3 for k in range(7))
            club.weekly.append(WeeklyAvailability(e.id, days))
    for n in range(draw(st.integers(0, 3))):
        ev = draw(st.sampled_from(club.events))
        who = draw(st.sampled_from(club.employees))
        when = draw(st.integers(ev.start_date.toordinal(), ev.due_date.toordinal()))
        t = allowed_start_times(club.settings, ev)[0]
        club.confirm(ev.id, who.id, datetime.combine(day(0).fromordinal(when), t), aid=700 + n)
    return club


def _hard_problems(club: Club, outcome: object) -> list[str]:
    from core.scheduling.engine import Outcome

    assert isinstance(outcome, Outcome)
    replaced = {p.replaces for p in outcome.planned} | {u.replaces for u in outcome.unplaced}
    facts = club.facts()
    context = [a for a in facts.assignments if a.id not in replaced]
    new = [Assignment(-1 - i, p.event_id, p.employee_id, p.start) for i, p in enumerate(outcome.planned)]
    found = validate_plan(facts, context + new, mode=Mode.AUTO, new_only={a.id for a in new})
    return [v.message for _, v in found if v.hard]


@CHECKS
@given(clubs(), st.booleans())
def test_no_proposal_ever_breaks_a_hard_rule(club: Club, bumping: bool) -> None:
    outcome = club.plan(days=9, allow_bumping=bumping)
    assert outcome.dropped == []
    assert _hard_problems(club, outcome) == []
    previous = {p.event_id: (p.employee_id, p.start.date()) for p in outcome.planned}
    again = club.plan(days=9, allow_bumping=bumping, previous=previous)
    assert again.dropped == []
    assert _hard_problems(club, again) == []


@CHECKS
@given(clubs())
def test_pins_never_move_without_allow_bumping(club: Club) -> None:
    outcome = club.plan(days=9)
    released = {r.assignment.id for r in outcome.released}
    moved = {p.replaces for p in outcome.planned} | {u.replaces for u in outcome.unplaced}
    assert moved - {None} <= released
    broken = {r.assignment.id for r in outcome.released if r.reasons}
    assert broken <= moved


@CHECKS
@given(clubs())
def test_rejecting_a_run_restores_the_exact_prior_state(club: Club) -> None:
    s = store(club)
    tables = ("assignments", "events", "employees", "time_off", "weekly_availability")
    before = {t: s.db.snapshot(t) for t in tables}
    run_id = s.service.run(MANAGER, days=9).run_id
    s.service.reject(MANAGER, run_id)
    assert {t: s.db.snapshot(t) for t in tables} == before
    assert s.crossmark.calls == []


@CHECKS
@given(clubs())
def test_approving_twice_pushes_each_assignment_once(club: Club) -> None:
    s = store(club)
    run_id = s.service.run(MANAGER, days=9).run_id
    first = s.service.approve(MANAGER, run_id)
    try:
        second = s.service.approve(OTHER_MANAGER, run_id)
    except Conflict:
        second = None
    pushed = [c.args["mplan_id"] for c in s.crossmark.calls_to("schedule")]
    assert len(pushed) == len(set(pushed))
    if second is not None:
        assert set(second.pushed).isdisjoint(first.pushed)
