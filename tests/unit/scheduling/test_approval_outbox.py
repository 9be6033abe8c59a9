"""Approvals through the outbox: every Crossmark change recorded before it is made, reconciled before
any retry, resumed after a crash; one decision per run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from core.errors import Conflict, RemoteError, RemoteOutcomeUnknown
from core.model import IntentKind, IntentStatus, ProposalStatus, RemoteIntent, RunStatus
from core.services.approvals import IN_FLIGHT_LEASE
from tests.unit.scheduling.builders import MANAGER, OTHER_MANAGER, Club, Store, basic_team, core_pair, store


class Crash(BaseException):
    """The process dies here (nothing after it runs, not even ``except Exception``)."""


def _ran(pairs: int = 2) -> tuple[Store, int]:
    club = Club(employees=basic_team())
    for n in range(pairs):
        club.events += core_pair(606001 + n, 1 + 2 * n, 5, 9)
    st = store(club)
    return st, st.service.run(MANAGER).run_id


def _intents(st: Store) -> list[RemoteIntent]:
    with st.uow() as uow:
        return sorted(uow.intents.list(), key=lambda i: i.id)


def _proposals(st: Store, run_id: int) -> dict[ProposalStatus, int]:
    with st.uow() as uow:
        found: dict[ProposalStatus, int] = {}
        for p in uow.proposals.for_run(run_id):
            found[p.status] = found.get(p.status, 0) + 1
        return found


def _after_the_lease(st: Store) -> None:
    """Time passes until a dead process's call in flight can no longer land."""
    st.clock.set(st.clock.now() + IN_FLIGHT_LEASE + timedelta(seconds=1))


def _double_booked(st: Store) -> list[int]:
    mplans = [s.mplan_id for s in st.crossmark.schedules.values()]
    return sorted({m for m in mplans if mplans.count(m) > 1})


def test_every_push_is_an_intent_committed_before_the_call_and_confirmed_after_it():
    st, run_id = _ran()
    in_flight: list[list[RemoteIntent]] = []
    real = st.crossmark.schedule

    def watching(*args: object) -> str:
        in_flight.append([i for i in _intents(st) if i.status is IntentStatus.PENDING and i.attempts == 1])
        return real(*args)  # type: ignore[arg-type]

    st.crossmark.schedule = watching  # type: ignore[method-assign]
    result = st.service.approve(MANAGER, run_id)

    assert len(result.pushed) == 4
    assert len(in_flight) == 4, "one call per push"
    assert all(len(sending) == 1 for sending in in_flight), "each call's intent was committed before it"
    intents = _intents(st)
    assert {i.status for i in intents} == {IntentStatus.CONFIRMED}
    assert {i.external_id for i in intents} == set(st.crossmark.schedules)
    assert all(i.kind is IntentKind.SCHEDULE and i.attempts == 1 for i in intents)


def test_a_push_answered_too_late_is_unknown_and_retry_adopts_it_without_booking_twice():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", RemoteOutcomeUnknown("Crossmark did not answer in time"), after=True)

    first = st.service.approve(MANAGER, run_id)

    assert first.pushed == () and len(first.failed) == 2
    assert any("did not confirm" in why and "never books it twice" in why for _, why in first.failed)
    assert not any("not scheduled there" in why for _, why in first.failed)
    assert [i.status for i in _intents(st)][:1] == [IntentStatus.UNKNOWN]
    assert len(st.crossmark.schedules) == 1, "Crossmark holds the push whose answer was lost"
    too_soon = st.service.approve(OTHER_MANAGER, run_id)
    assert too_soon.pushed == () and all("press Retry after" in why for _, why in too_soon.failed)
    assert len(st.crossmark.calls_to("schedule")) == 1, "a late answer may still land: nothing sent"
    _after_the_lease(st)

    retry = st.service.approve(OTHER_MANAGER, run_id)

    assert len(retry.pushed) == 2 and retry.failed == ()
    assert _double_booked(st) == [] and len(st.crossmark.schedules) == 2
    assert len(st.crossmark.calls_to("schedule")) == 2, "the lost one was adopted, not pushed again"
    assert {a.external_id for a in st.assignments()} == set(st.crossmark.schedules)


def test_a_crash_after_crossmark_took_the_push_is_resumed_without_a_second_booking():
    st, run_id = _ran()
    st.crossmark.fail("schedule", Crash(), skip=2, after=True)

    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id)

    assert _proposals(st, run_id).get(ProposalStatus.PUSHING) == 2
    with st.uow() as uow:
        assert uow.runs.get(run_id).status is RunStatus.APPROVING  # type: ignore[union-attr]
    assert st.service.resume(MANAGER) == []
    assert len(st.crossmark.schedules) == 3, "a call that may still be in flight is left alone"
    _after_the_lease(st)
    [resumed] = st.service.resume(MANAGER)

    assert resumed.status == "approved" and len(resumed.pushed) == 2
    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 4}
    assert _double_booked(st) == [] and len(st.crossmark.schedules) == 4
    assert len(st.crossmark.calls_to("schedule")) == 4
    assert {a.external_id for a in st.assignments()} == set(st.crossmark.schedules)
    assert any("restarted" in text for text in st.notifier.to_managers)
    assert st.service.resume(MANAGER) == [], "nothing is left to resume"


def test_a_crash_before_the_push_was_sent_is_resumed_by_sending_it_once():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", Crash())

    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id)
    assert st.crossmark.schedules == {}
    _after_the_lease(st)
    st.service.resume(MANAGER)

    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 2}
    assert len(st.crossmark.schedules) == 2 and _double_booked(st) == []


def test_an_unreadable_crossmark_during_resume_leaves_it_unknown_not_failed_or_doubled():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", Crash(), after=True)
    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id)
    st.crossmark.fail("find_schedule", RemoteError("Crossmark is down"))
    _after_the_lease(st)

    [resumed] = st.service.resume(MANAGER)

    assert resumed.pushed == () and len(resumed.failed) == 2
    assert IntentStatus.UNKNOWN in {i.status for i in _intents(st)}
    assert len(st.crossmark.schedules) == 1
    _after_the_lease(st)
    retry = st.service.approve(MANAGER, run_id)
    assert len(retry.pushed) == 2 and _double_booked(st) == [] and len(st.crossmark.schedules) == 2


def test_a_failed_undo_is_reported_by_hand_with_the_crossmark_id_never_as_undone():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", skip=1)
    st.crossmark.fail("unschedule", RemoteOutcomeUnknown("Crossmark's answer could not be read"))

    result = st.service.approve(MANAGER, run_id)

    assert result.pushed == () and len(result.failed) == 2
    [held] = list(st.crossmark.schedules)
    assert any(held in text and "by hand" in text for text in st.notifier.to_managers)
    core_push = next(i for i in _intents(st) if i.external_id == held and i.kind is IntentKind.SCHEDULE)
    assert core_push.status is IntentStatus.FAILED and "could not be reversed" in (core_push.error or "")


def test_approve_and_reject_at_once_have_one_winner_and_the_loser_is_told_who():
    st, run_id = _ran()
    gate = threading.Event()
    real = st.crossmark.schedule

    def slow(*args: object) -> str:
        gate.wait(5)
        return real(*args)  # type: ignore[arg-type]

    st.crossmark.schedule = slow  # type: ignore[method-assign]
    outcome: list[object] = []
    approving = threading.Thread(target=lambda: outcome.append(st.service.approve(MANAGER, run_id)))
    approving.start()
    while _proposals(st, run_id).get(ProposalStatus.PUSHING) is None:
        threading.Event().wait(0.01)

    with pytest.raises(Conflict, match=f"being approved by {MANAGER.label}"):
        st.service.reject(OTHER_MANAGER, run_id)
    gate.set()
    approving.join(10)

    with st.uow() as uow:
        run = uow.runs.get(run_id)
        assert run is not None and run.status is RunStatus.APPROVED and run.decided_by == MANAGER.label
    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 4}


def test_a_rejected_run_cannot_then_be_approved_and_nothing_is_pushed():
    st, run_id = _ran()
    st.service.reject(MANAGER, run_id)

    with pytest.raises(Conflict, match=f"rejected by {MANAGER.label}"):
        st.service.approve(OTHER_MANAGER, run_id)
    assert st.crossmark.schedules == {}


def test_a_proposal_whose_push_may_be_in_crossmark_cannot_be_edited_until_retried():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", RemoteOutcomeUnknown("no answer"), after=True)
    failed = st.service.approve(MANAGER, run_id)
    pid = failed.failed[0][0]

    with pytest.raises(Conflict, match="press Retry"):
        st.service.edit(MANAGER, pid, employee_id="E2")


def test_of_two_processes_resuming_the_same_unit_only_one_sends_each_intent():
    st, run_id = _ran(pairs=1)
    st.crossmark.fail("schedule", Crash())
    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id)
    _after_the_lease(st)
    start = threading.Barrier(2)
    real = st.crossmark.schedule
    calls: list[object] = []

    def slow(*args: object) -> str:
        calls.append(args)
        threading.Event().wait(0.2)
        return real(*args)  # type: ignore[arg-type]

    st.crossmark.schedule = slow  # type: ignore[method-assign]

    def resume() -> None:
        start.wait()
        st.service.resume(MANAGER)

    threads = [threading.Thread(target=resume) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)

    assert _double_booked(st) == [] and len(st.crossmark.schedules) == 2
    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 2}
    with st.uow() as uow:
        assert uow.runs.get(run_id).status is RunStatus.APPROVED  # type: ignore[union-attr]


def test_a_resume_also_approves_what_the_stopped_approval_had_not_reached_and_keeps_its_message():
    st, run_id = _ran(pairs=3)
    st.crossmark.fail("schedule", Crash(), after=True)
    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id, message=("C0TEAM", "1700000000.000100"))
    assert _proposals(st, run_id) == {ProposalStatus.PUSHING: 2, ProposalStatus.PROPOSED: 4}
    _after_the_lease(st)

    [resumed] = st.service.resume(MANAGER)

    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 6}
    assert resumed.status == "approved" and resumed.message == ("C0TEAM", "1700000000.000100")
    assert _double_booked(st) == [] and len(st.crossmark.schedules) == 6


def test_a_resume_of_a_subset_approval_leaves_the_proposals_it_did_not_cover():
    st, run_id = _ran(pairs=2)
    with st.uow() as uow:
        first_pair = sorted(p.id for p in uow.proposals.for_run(run_id))[:1]
    st.crossmark.fail("schedule", Crash())
    with pytest.raises(Crash):
        st.service.approve(MANAGER, run_id, first_pair)
    _after_the_lease(st)

    st.service.resume(MANAGER)

    assert _proposals(st, run_id) == {ProposalStatus.PUSHED: 2, ProposalStatus.PROPOSED: 2}
    with st.uow() as uow:
        assert uow.runs.get(run_id).status is RunStatus.PARTIALLY_APPROVED  # type: ignore[union-attr]
