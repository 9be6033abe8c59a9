"""Concurrent units of work from threads: locks, compare-and-set, run-once ledger, event dedupe.

Run over the fake, SQLite and PostgreSQL (the figures only prove row locking on PostgreSQL; SQLite
serialises whole transactions).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from core.model import Assignment, Employee, Proposal, ProposalStatus, SchedulerRun
from tests.integration.db.conftest import UowMaker, seed_employee, seed_event

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def run_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released together; re-raise the first failure."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


class TestIsolation:
    def test_uncommitted_changes_are_invisible_to_a_unit_of_work_open_alongside(
            self, mvcc_uow: UowMaker) -> None:
        with mvcc_uow() as writer, mvcc_uow() as reader:
            writer.employees.add(Employee("A", "Ann"))
            assert reader.employees.get("A") is None
            writer.commit()
            assert reader.employees.get("A") is not None

    @pytest.mark.parametrize("migrated_url", ["sqlite"], indirect=True)
    def test_a_second_sqlite_transaction_in_one_thread_fails_fast(self, uow_factory: UowMaker) -> None:
        with uow_factory() as first, uow_factory() as second:
            first.employees.add(Employee("A", "Ann"))
            with pytest.raises(RuntimeError, match="same thread"):
                second.employees.get("A")


class TestEmployeeLock:
    def test_a_writer_waiting_on_the_lock_validates_against_the_holders_committed_work(
            self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        event = seed_event(any_uow)
        holder_locked = threading.Event()
        waiter_started = threading.Event()

        def holder() -> None:
            with any_uow() as uow:
                uow.lock_employee("US100001")
                holder_locked.set()
                waiter_started.wait()
                time.sleep(0.2)
                uow.assignments.add(Assignment(0, event.id, "US100001", datetime(2025, 3, 4, 10, 45)))
                uow.commit()

        def waiter() -> int:
            holder_locked.wait()
            with any_uow() as uow:
                waiter_started.set()
                uow.lock_employee("US100001")
                return len(uow.assignments.for_event(event.id))

        def work(index: int) -> object:
            if index == 0:
                holder()
                return None
            return waiter()

        assert run_threads(2, work)[1] == 1

    def test_locked_read_modify_write_from_two_threads_loses_no_update(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            employee = uow.employees.get("US100001")
            assert employee is not None
            employee.phone = "0"
            uow.employees.update(employee)
            uow.commit()

        def increment(_: int) -> None:
            for _round in range(10):
                with any_uow() as uow:
                    uow.lock_employee("US100001")
                    current = uow.employees.get("US100001")
                    assert current is not None and current.phone is not None
                    current.phone = str(int(current.phone) + 1)
                    uow.employees.update(current)
                    uow.commit()

        run_threads(2, increment)
        with any_uow() as uow:
            final = uow.employees.get("US100001")
        assert final is not None and final.phone == "20"


class TestCompareAndSet:
    def test_two_threads_approving_one_proposal_have_exactly_one_winner(self, any_uow: UowMaker) -> None:
        event = seed_event(any_uow)
        with any_uow() as uow:
            run = uow.runs.add(SchedulerRun(0, "U1", NOW, date(2025, 3, 3), date(2025, 3, 9)))
            proposal = uow.proposals.add(Proposal(0, run.id, event.id))
            uow.commit()

        def approve(_: int) -> bool:
            with any_uow() as uow:
                won = uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED], ProposalStatus.PUSHED)
                uow.commit()
            return won

        assert sorted(run_threads(2, approve)) == [False, True]  # type: ignore[type-var]


class TestRunOnce:
    def test_four_tickers_over_ten_periods_make_exactly_ten_claims(self, any_uow: UowMaker) -> None:
        periods = [f"2025-03-{day:02d}" for day in range(1, 11)]

        def ticker(_: int) -> list[str]:
            mine = []
            for period in periods:
                with any_uow() as uow:
                    if uow.job_ledger.claim("packet", period, 1):
                        mine.append(period)
                    uow.commit()
            return mine

        claims = [p for mine in run_threads(4, ticker) for p in mine]  # type: ignore[attr-defined]
        assert sorted(claims) == periods

    def test_one_slack_event_delivered_four_times_at_once_is_new_once(self, any_uow: UowMaker) -> None:
        def deliver(_: int) -> bool:
            with any_uow() as uow:
                fresh = uow.processed_events.remember("Ev0123ABC")
                uow.commit()
            return fresh

        assert sorted(run_threads(4, deliver)) == [False, False, False, True]  # type: ignore[type-var]
