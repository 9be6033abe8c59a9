"""The auto-scheduler over the real SQL unit of work: a full round trip on SQLite and PostgreSQL,
and concurrent approvals on PostgreSQL pushing each assignment exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from core.errors import Conflict
from core.model import Condition, ProposalStatus, RotationType
from core.ports import UnitOfWork
from core.services.autoschedule import AutoScheduleService
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark, RemoteSchedule
from tests.fakes.notifier import FakeNotifier
from tests.unit.scheduling.builders import (
    FAST,
    MANAGER,
    NOW,
    OTHER_MANAGER,
    Club,
    at,
    basic_team,
    core_pair,
    event,
)

UowMaker = Callable[[], UnitOfWork]


def _club() -> Club:
    club = Club(employees=basic_team())
    club.rotate(RotationType.PRIMARY_LEAD, "L1").rotate(RotationType.JUICER, "J1")
    for k in range(4):
        club.events += core_pair(606001 + k, 1 + 2 * k, 4 + k, 9)
    club.events += [event(20, "800001-FREEOSK-A", 1, 6), event(21, "700001-JUICER-PRODUCTION", 4, 6),
                    event(22, "800002-OTHER-B", 1, 1)]
    club.confirm(20, "L2", at(5, "10:00"), aid=501)
    club.off("L2", 5, 5)
    return club


def _service(make: UowMaker) -> tuple[AutoScheduleService, FakeCrossmark]:
    crossmark = FakeCrossmark()
    crossmark.schedules["X20"] = RemoteSchedule("X20", 31000020, "1576", at(5, "10:00"), at(5, "10:30"))
    service = AutoScheduleService(make, crossmark, FixedClock(NOW), FakeNotifier(), solve_options=FAST)
    return service, crossmark


def test_a_run_review_and_approval_round_trip_through_the_database(uow_factory: UowMaker) -> None:
    _club().seed(uow_factory)
    service, crossmark = _service(uow_factory)
    result = service.run(MANAGER)
    summary = service.summary(result.run_id)
    assert summary == result.summary
    assert summary.proposed == 10 and summary.unscheduled == 1
    assert summary.unscheduled_rows[0].reason_codes[0] == "buffer"
    assert summary.counters is not None and summary.counters["released"][0]["assignment_id"] == 501
    assert service.why(MANAGER, event_id=22).codes[0][0] == "buffer"
    approved = service.approve(MANAGER, result.run_id)
    assert len(approved.pushed) == 10 and approved.removed == (501,)
    assert len(crossmark.calls_to("schedule")) == 10
    with uow_factory() as uow:
        rows = uow.proposals.for_run(result.run_id)
        assert {p.status for p in rows} == {ProposalStatus.PUSHED, ProposalStatus.UNSCHEDULED}
        assert len(uow.assignments.list()) == 10
        freeosk = uow.events.get(20)
        assert freeosk is not None and freeosk.condition is Condition.SCHEDULED
    with pytest.raises(Conflict):
        service.approve(OTHER_MANAGER, result.run_id)


@pytest.mark.parametrize("migrated_url", ["postgres"], indirect=True)
def test_approvals_racing_on_postgres_push_each_assignment_exactly_once(uow_factory: UowMaker) -> None:
    _club().seed(uow_factory)
    service, crossmark = _service(uow_factory)
    run_id = service.run(MANAGER).run_id
    barrier = threading.Barrier(3)
    outcomes: list[object] = []

    def approve() -> None:
        barrier.wait()
        try:
            outcomes.append(service.approve(MANAGER, run_id))
        except Conflict as err:
            outcomes.append(err)

    threads = [threading.Thread(target=approve) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pushed = [c.args["mplan_id"] for c in crossmark.calls_to("schedule")]
    assert len(pushed) == len(set(pushed)) == 10
    assert len(crossmark.calls_to("unschedule")) == 1
    with uow_factory() as uow:
        assert len(uow.assignments.list()) == 10
        assert all(p.status is not ProposalStatus.PUSH_FAILED for p in uow.proposals.for_run(run_id))
