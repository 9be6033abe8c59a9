"""Reviewing a run: "Why?", what-if, and edits that are re-validated."""

from __future__ import annotations

import pytest

from core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from core.model import ProposalStatus, RotationType
from tests.unit.scheduling.builders import (
    BARISTA,
    CLUB,
    EMPLOYEE,
    LEAD,
    LEAD_T,
    MANAGER,
    Club,
    Store,
    at,
    core_pair,
    event,
    person,
    store,
)


def _club() -> Club:
    club = Club(employees=[person("E1"), person("E2"), person("C1", CLUB)]).off("E1", 6, 9).off("E2", 5, 9)
    club.events += [event(1, "600001-CORE-Soon", 5, 6), event(2, "600002-CORE-Later", 5, 9)]
    return club


def _ran(club: Club) -> tuple[Store, int]:
    st = store(club)
    return st, st.service.run(MANAGER).run_id


def _row(st: Store, run_id: int, event_id: int) -> object:
    with st.uow() as uow:
        return next(p for p in uow.proposals.for_run(run_id) if p.event_id == event_id)


def test_why_explains_an_unscheduled_event_by_proposal_or_by_event():
    st, run_id = _ran(_club())
    gap = _row(st, run_id, 2)
    by_proposal = st.service.why(MANAGER, proposal_id=gap.id)  # type: ignore[attr-defined]
    by_event = st.service.why(LEAD, event_id=2)
    assert by_proposal == by_event
    assert dict(by_event.codes)["core_same_day"] == 1 and dict(by_event.codes)["time_off"] == 9
    assert "already have a Core that day" in by_event.sentence


def test_why_needs_at_least_a_lead_and_a_known_event():
    st, _ = _ran(_club())
    with pytest.raises(PermissionDenied):
        st.service.why(EMPLOYEE, event_id=2)
    with pytest.raises(NotFound):
        st.service.why(MANAGER, event_id=999)


def test_what_if_names_the_assignment_that_would_be_bumped_and_the_cost():
    st, _ = _ran(_club())
    answer = st.service.what_if(MANAGER, 2)
    assert answer.possible and answer.employee_id == "E1" and answer.start == at(5, "10:45")
    (move,) = answer.moves
    assert (move.event_id, move.before_employee_id, move.after_employee_id) == (1, "E1", None)
    assert answer.cost_delta is not None and answer.cost_delta > 0
    assert "1 other assignment(s) would change" in answer.sentence


def test_what_if_says_impossible_under_the_rules_with_the_reasons():
    club = _club().off("E1", 5, 5)
    st, _ = _ran(club)
    answer = st.service.what_if(MANAGER, 2)
    assert not answer.possible and answer.explanation is not None
    assert answer.sentence.startswith("Impossible under the rules")


def test_an_edit_that_breaks_a_hard_rule_is_refused_and_changes_nothing():
    st, run_id = _ran(_club())
    placed = _row(st, run_id, 1)
    with pytest.raises(RuleViolation) as err:
        st.service.edit(MANAGER, placed.id, employee_id="E2")  # type: ignore[attr-defined]
    assert not err.value.needs_confirmation and "time off" in str(err.value)
    assert _row(st, run_id, 1) == placed


def test_a_soft_rule_needs_confirmation_and_a_confirmed_edit_is_saved_and_audited():
    club = Club(employees=[person("J1", BARISTA), person("J2", BARISTA)])
    club.rotate(RotationType.JUICER, "J1")
    club.events.append(event(1, "700001-JUICER-PRODUCTION", 5, 6))
    st, run_id = _ran(club)
    placed = _row(st, run_id, 1)
    with pytest.raises(RuleViolation) as err:
        st.service.edit(MANAGER, placed.id, employee_id="J2")  # type: ignore[attr-defined]
    assert err.value.needs_confirmation and "not the Juicer rotation" in str(err.value)
    row = st.service.edit(MANAGER, placed.id, employee_id="J2", confirm=True)  # type: ignore[attr-defined]
    assert row.status == "edited" and row.employee_id == "J2"
    with st.uow() as uow:
        assert any(a.action == "auto.edit" for a in uow.audit.list())


def test_moving_a_core_to_another_day_moves_its_supervisor_proposal_too():
    club = Club(employees=[person("E1"), person("C1", CLUB)])
    club.events += core_pair(606001, 1, 5, 8)
    st, run_id = _ran(club)
    core = _row(st, run_id, 1)
    st.service.edit(MANAGER, core.id, start=at(7, "11:15"))  # type: ignore[attr-defined]
    sup = _row(st, run_id, 2)
    assert sup.start == at(7, "12:00") and sup.status is ProposalStatus.EDITED  # type: ignore[attr-defined]


def test_an_unscheduled_row_can_be_filled_by_hand_and_then_approved():
    club = Club(employees=[person("E1"), person("L1", LEAD_T)])
    club.rotate(RotationType.PRIMARY_LEAD, "L1")
    club.events.append(event(1, "800002-OTHER-B", 1, 1))
    st, run_id = _ran(club)
    gap = _row(st, run_id, 1)
    row = st.service.edit(MANAGER, gap.id, employee_id="L1", start=at(1, "11:00"))  # type: ignore[attr-defined]
    assert row.status == "edited"
    assert st.service.approve(MANAGER, run_id).pushed == (gap.id,)  # type: ignore[attr-defined]


def test_decided_proposals_cannot_be_edited():
    st, run_id = _ran(_club())
    st.service.approve(MANAGER, run_id)
    with pytest.raises(Conflict):
        st.service.edit(MANAGER, _row(st, run_id, 1).id, employee_id="E1")  # type: ignore[attr-defined]
