"""Running the auto-scheduler through the service: run records, proposals, authorization, audit."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.model import ProposalStatus, RotationType, RunStatus
from tests.unit.scheduling.builders import (
    EMPLOYEE,
    LEAD,
    MANAGER,
    Club,
    at,
    basic_team,
    core_pair,
    event,
    person,
    store,
)


def _club() -> Club:
    club = Club(employees=basic_team())
    club.rotate(RotationType.PRIMARY_LEAD, "L1").rotate(RotationType.JUICER, "J1")
    club.events += core_pair(606001, 1, 5, 9) + core_pair(606002, 3, 5, 9)
    club.events += [event(5, "800001-FREEOSK-A", 1, 6), event(6, "800002-OTHER-B", 1, 1)]
    return club


def test_case17_a_run_records_status_counters_and_one_row_per_event_with_reasons_for_gaps():
    st = store(_club())
    result = st.service.run(MANAGER, days=14)
    with st.uow() as uow:
        run = uow.runs.get(result.run_id)
        props = uow.proposals.for_run(result.run_id)
    assert run is not None and run.status is RunStatus.COMPLETED
    assert run.created_by == MANAGER.label and run.solver_status in ("OPTIMAL", "FEASIBLE")
    assert run.options == {"days": 14, "allow_bumping": False, "only_event_ids": None}
    assert run.wall_seconds is not None and run.gap is not None
    assert sorted(p.event_id for p in props) == [1, 2, 3, 4, 5, 6]
    placed = [p for p in props if p.status is ProposalStatus.PROPOSED]
    gaps = [p for p in props if p.status is ProposalStatus.UNSCHEDULED]
    assert run.counters["proposed"] == len(placed) == 5 and run.counters["unscheduled"] == len(gaps) == 1
    (gap,) = gaps
    assert gap.event_id == 6 and gap.employee_id is None and gap.start is None
    assert gap.reason_codes and gap.reason_codes[0] == "buffer" and gap.reason_text
    summary = result.summary
    assert (summary.proposed, summary.unscheduled, summary.pending) == (5, 1, 5)
    assert [r.event_id for r in summary.unscheduled_rows] == [6]
    assert summary.to_dict()["days"][0]["rows"][0]["start"].startswith("2025-10-")


def test_core_and_supervisor_proposals_share_a_pair_key():
    st = store(_club())
    summary = st.service.run(MANAGER).summary
    keys = {r.event_id: r.pair_key for day in summary.days for r in day.rows}
    assert keys[1] == keys[2] == "606001" and keys[5] is None


def test_only_managers_may_run_and_a_refusal_changes_nothing():
    st = store(_club())
    for actor in (EMPLOYEE, LEAD):
        with pytest.raises(PermissionDenied):
            st.service.run(actor)
    with st.uow() as uow:
        assert uow.runs.list() == [] and uow.audit.list() == []


def test_the_horizon_is_bounded():
    with pytest.raises(InvalidInput):
        store(_club()).service.run(MANAGER, days=0)


def test_a_run_is_audited_and_never_touches_confirmed_assignments():
    club = _club()
    club.confirm(1, "E1", at(6, "10:45"), aid=501)
    st = store(club)
    before = st.assignments()
    run_id = st.service.run(MANAGER).run_id
    assert st.assignments() == before
    with st.uow() as uow:
        actions = [(a.action, a.entity_id) for a in uow.audit.list()]
    assert ("auto.run", str(run_id)) in actions


def test_a_new_full_run_supersedes_the_undecided_one_and_keeps_its_plan_as_the_churn_reference():
    st = store(_club())
    first = st.service.run(MANAGER)
    second = st.service.run(MANAGER)
    with st.uow() as uow:
        old = uow.runs.get(first.run_id)
        old_props = uow.proposals.for_run(first.run_id)
    assert old is not None and old.status is RunStatus.REJECTED and "Superseded" in (old.error or "")
    assert {p.status for p in old_props} == {ProposalStatus.REJECTED}
    keep = {(r.event_id, r.employee_id, r.start) for d in first.summary.days for r in d.rows}
    again = {(r.event_id, r.employee_id, r.start) for d in second.summary.days for r in d.rows}
    assert {(e, w) for e, w, _ in keep} == {(e, w) for e, w, _ in again}
    assert second.summary.counters and second.summary.counters["penalties"]["churn"] == 0


def test_find_replacement_runs_only_the_given_events_and_does_not_supersede():
    club = _club()
    club.confirm(1, "E1", at(6, "10:45"), aid=501)
    club.off("E1", 6, 6)
    st = store(club)
    full = st.service.run(MANAGER)
    only = st.service.run(MANAGER, only_event_ids=[1])
    rows = [r for d in only.summary.days for r in d.rows]
    assert [(r.event_id, r.bumps_assignment_id) for r in rows] == [(1, 501)]
    assert st.service.summary(full.run_id).status == "completed"
    assert any("Released Name E1" in n for n in only.summary.notes)


def test_a_failing_solver_marks_the_run_failed():
    def broken(problem: object, options: object) -> object:
        raise RuntimeError("solver exploded")

    st = store(_club())
    st.service.solver = broken  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        st.service.run(MANAGER)
    with st.uow() as uow:
        (run,) = uow.runs.list()
    assert run.status is RunStatus.FAILED and run.error == "solver exploded"


def test_an_empty_store_gives_an_empty_completed_run():
    st = store(Club(employees=[person("E1")]))
    summary = st.service.run(MANAGER).summary
    assert (summary.status, summary.to_schedule, summary.days) == ("completed", 0, ())
