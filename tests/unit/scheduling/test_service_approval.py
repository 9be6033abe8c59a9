"""Approving and rejecting runs: exactly-once pushes, pairs atomic, failures recorded and retryable."""

from __future__ import annotations

import threading

import pytest

from core.errors import Conflict, PermissionDenied, RemoteError
from core.model import ProposalStatus, RotationType, RunStatus
from tests.unit.scheduling.builders import (
    CLUB,
    EMPLOYEE,
    MANAGER,
    OTHER_MANAGER,
    Club,
    Store,
    at,
    basic_team,
    core_pair,
    day,
    event,
    person,
    store,
)


def _club() -> Club:
    club = Club(employees=basic_team())
    club.rotate(RotationType.PRIMARY_LEAD, "L1").rotate(RotationType.JUICER, "J1")
    club.events += core_pair(606001, 1, 5, 9) + core_pair(606002, 3, 5, 9)
    club.events += [event(5, "800001-FREEOSK-A", 1, 6), event(6, "700001-JUICER-PRODUCTION", 4, 6)]
    return club


def _ran(club: Club | None = None) -> tuple[Store, int]:
    st = store(club or _club())
    return st, st.service.run(MANAGER).run_id


def test_approving_pushes_every_proposal_once_and_creates_the_assignments():
    st, run_id = _ran()
    result = st.service.approve(MANAGER, run_id)
    assert len(result.pushed) == 6 and result.failed == () and result.status == "approved"
    assert len(st.crossmark.calls_to("schedule")) == 6
    made = st.assignments()
    assert len(made) == 6 and all(a.external_id for a in made)
    with st.uow() as uow:
        props = uow.proposals.for_run(run_id)
        assert {p.status for p in props} == {ProposalStatus.PUSHED}
        assert {p.assignment_id for p in props} == {a.id for a in made}
        assert {e.condition.value for e in uow.events.list()} == {"Scheduled"}
        run = uow.runs.get(run_id)
        assert run is not None and run.decided_by == MANAGER.label
    assert result.line == "Approved by U_MANAGER: 6 pushed"
    assert any("You're scheduled" in t for t in st.notifier.to(made[0].employee_id))


def test_a_second_approval_pushes_nothing_and_says_who_approved():
    st, run_id = _ran()
    st.service.approve(MANAGER, run_id)
    with pytest.raises(Conflict, match="already approved by U_MANAGER"):
        st.service.approve(OTHER_MANAGER, run_id)
    assert len(st.crossmark.calls_to("schedule")) == 6


def test_two_managers_approving_at_once_push_each_assignment_exactly_once():
    st, run_id = _ran()
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def approve(actor: object) -> None:
        barrier.wait()
        try:
            outcomes.append(st.service.approve(actor, run_id))  # type: ignore[arg-type]
        except Conflict as err:
            outcomes.append(err)

    threads = [threading.Thread(target=approve, args=(a,)) for a in (MANAGER, OTHER_MANAGER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pushed = [c.args["mplan_id"] for c in st.crossmark.calls_to("schedule")]
    assert len(pushed) == len(set(pushed)) == 6
    assert len(st.assignments()) == 6


def test_only_managers_may_approve_or_reject():
    st, run_id = _ran()
    with pytest.raises(PermissionDenied):
        st.service.approve(EMPLOYEE, run_id)
    with pytest.raises(PermissionDenied):
        st.service.reject(EMPLOYEE, run_id)
    assert st.crossmark.calls == [] and st.service.summary(run_id).status == "completed"


def _approve_one(club: Club) -> tuple[Store, object]:
    st, run_id = _ran(club)
    return st, st.service.approve(MANAGER, run_id)


def test_case18_missing_rep_id_fails_the_row_and_pushes_nothing():
    club = Club(employees=[person("E1", rep=False)])
    club.events.append(event(1, "600001-CORE-A", 5, 5))
    st, result = _approve_one(club)
    assert result.failed == ((1, "Missing employee RepID"),)  # type: ignore[attr-defined]
    assert st.crossmark.calls_to("schedule", ok=None) == []
    assert result.status == "partially_approved"  # type: ignore[attr-defined]
    assert result.line.endswith("1 failed — retry")  # type: ignore[attr-defined]


def test_case18_missing_location_fails_the_row_and_pushes_nothing():
    club = Club(employees=[person("E1")])
    club.events.append(event(1, "600001-CORE-A", 5, 5, location_mvid=None))
    st, result = _approve_one(club)
    assert result.failed == ((1, "Missing location_mvid"),)  # type: ignore[attr-defined]
    assert st.crossmark.calls_to("schedule", ok=None) == []
    with st.uow() as uow:
        (row,) = uow.proposals.list()
    assert row.status is ProposalStatus.PUSH_FAILED and row.error == "Missing location_mvid"


def test_a_failed_push_is_recorded_per_row_and_a_retry_pushes_it():
    st, run_id = _ran()
    st.crossmark.fail("schedule", skip=2)
    first = st.service.approve(MANAGER, run_id)
    assert len(first.failed) >= 1 and first.status == "partially_approved"
    failed_ids = {pid for pid, _ in first.failed}
    with st.uow() as uow:
        rows = {p.id: p for p in uow.proposals.for_run(run_id)}
    assert all(rows[pid].status is ProposalStatus.PUSH_FAILED and rows[pid].error for pid in failed_ids)
    second = st.service.approve(MANAGER, run_id)
    assert set(second.pushed) == failed_ids and second.status == "approved"
    pushed = [c.args["mplan_id"] for c in st.crossmark.calls_to("schedule")]
    assert len(pushed) == len(set(pushed)) == 6


def test_a_pair_is_atomic_when_the_supervisor_push_fails_the_core_is_taken_back():
    club = Club(employees=[person("E1"), person("C1", CLUB)])
    club.events += core_pair(606001, 1, 5, 5)
    st, run_id = _ran(club)
    st.crossmark.fail("schedule", skip=1)
    result = st.service.approve(MANAGER, run_id)
    assert result.pushed == () and len(result.failed) == 2
    assert len(st.crossmark.calls_to("unschedule")) == 1
    assert st.crossmark.schedules == {} and st.assignments() == []
    assert any("pair partner" in why for _, why in result.failed)


def test_approving_a_subset_takes_whole_pairs():
    st, run_id = _ran()
    with st.uow() as uow:
        core = next(p for p in uow.proposals.for_run(run_id) if p.event_id == 1)
    result = st.service.approve(MANAGER, run_id, [core.id])
    with st.uow() as uow:
        pushed = {p.event_id for p in uow.proposals.for_run(run_id) if p.status is ProposalStatus.PUSHED}
    assert pushed == {1, 2} and result.status == "partially_approved"
    assert st.service.approve(MANAGER, run_id).status == "approved"


def test_approving_a_bump_unschedules_the_confirmed_assignment_in_crossmark_first():
    club = Club(employees=[person("X")])
    club.events += [event(1, "600010-CORE-Later", 3, 10), event(2, "600020-CORE-Urgent", 3, 4)]
    held = club.confirm(1, "X", at(3, "10:45"), aid=501)
    club.off("X", 4, 4)
    st = store(club)
    st.crossmark.schedules[held.external_id or ""] = _remote(held)
    run_id = st.service.run(MANAGER, allow_bumping=True).run_id
    result = st.service.approve(MANAGER, run_id)
    assert result.removed == (501,) and len(result.pushed) == 2
    methods = [c.method for c in st.crossmark.calls if c.ok]
    assert methods[0] == "unschedule" and methods.count("schedule") == 2
    made = {a.event_id: a for a in st.assignments()}
    assert made[2].start.date() == day(3) and made[1].start.date() > day(4)
    assert any("no longer scheduled" in t for t in st.notifier.to("X"))


def test_a_remote_failure_after_an_unschedule_restores_the_bumped_assignment_remotely():
    club = Club(employees=[person("X")])
    club.events += [event(1, "600010-CORE-Later", 3, 10), event(2, "600020-CORE-Urgent", 3, 4)]
    held = club.confirm(1, "X", at(3, "10:45"), aid=501)
    club.off("X", 4, 4)
    st = store(club)
    st.crossmark.schedules[held.external_id or ""] = _remote(held)
    run_id = st.service.run(MANAGER, allow_bumping=True).run_id
    st.crossmark.fail("schedule", RemoteError("Crossmark is down"), times=1)
    result = st.service.approve(MANAGER, run_id)
    assert result.pushed == () and result.failed
    (kept,) = st.assignments()
    assert kept.id == 501 and kept.external_id in st.crossmark.schedules


def test_rejecting_leaves_everything_exactly_as_before_the_run():
    club = _club()
    club.confirm(1, "E1", at(6, "10:45"), aid=501)
    st = store(club)
    before = {t: st.db.snapshot(t) for t in ("assignments", "events", "time_off", "employees")}
    run_id = st.service.run(MANAGER).run_id
    summary = st.service.reject(MANAGER, run_id)
    assert summary.status == "rejected" and summary.pending == 0
    assert {t: st.db.snapshot(t) for t in before} == before
    assert st.crossmark.calls == []
    with pytest.raises(Conflict, match="rejected"):
        st.service.approve(MANAGER, run_id)


def test_a_run_with_nothing_to_push_can_still_be_approved():
    club = Club(employees=[person("E1")])
    club.events.append(event(1, "800002-OTHER-B", 1, 1))
    st, run_id = _ran(club)
    result = st.service.approve(MANAGER, run_id)
    assert (result.pushed, result.status) == ((), "approved")
    assert st.service.summary(run_id).status == RunStatus.APPROVED.value


def _remote(a: object) -> object:
    from tests.fakes.crossmark import RemoteSchedule

    assert hasattr(a, "start")
    return RemoteSchedule(a.external_id, 31000001, "15", a.start, a.start)  # type: ignore[attr-defined]
