"""Behaviour of the in-memory unit of work that is specific to the fake (threads, locks, seeding).

The repository behaviour shared with the SQL unit of work is in
tests/integration/db/test_db_repository_contract.py, run over both.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from core.model import Employee, Proposal, ProposalStatus, SchedulerRun
from core.ports import UnitOfWork, UnitOfWorkFactory
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def test_fake_unit_of_work_satisfies_the_port() -> None:
    uow: UnitOfWork = FakeUnitOfWork(FakeDatabase())
    factory: UnitOfWorkFactory = fake_uow_factory(FakeDatabase())
    assert uow.stores.get(1) is not None
    assert isinstance(factory(), FakeUnitOfWork)


def test_new_database_holds_the_default_store_like_the_migration() -> None:
    with FakeUnitOfWork(FakeDatabase()) as uow:
        store = uow.stores.get(1)
    assert store is not None and store.number == "8135"
    with FakeUnitOfWork(FakeDatabase(seed_default_store=False)) as uow:
        assert uow.stores.list() == []


def test_pending_changes_are_visible_inside_the_unit_of_work_only() -> None:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as writer:
        writer.employees.add(Employee("E1", "Ann"))
        assert writer.employees.get("E1") is not None
        with FakeUnitOfWork(db) as reader:
            assert reader.employees.get("E1") is None
        writer.commit()
    with FakeUnitOfWork(db) as reader:
        assert reader.employees.get("E1") is not None


def test_commit_flag_tells_whether_the_unit_of_work_committed() -> None:
    uow = FakeUnitOfWork()
    with uow:
        assert not uow.committed
        uow.commit()
    assert uow.committed


def test_two_units_of_work_of_one_thread_fighting_for_a_row_raise_instead_of_hanging() -> None:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee("E1", "Ann"))
        uow.commit()
    with FakeUnitOfWork(db) as first:
        first.lock_employee("E1")
        with FakeUnitOfWork(db) as second, pytest.raises(RuntimeError, match="deadlock"):
            second.lock_employee("E1")


def test_a_lock_is_released_when_the_holder_rolls_back() -> None:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee("E1", "Ann"))
        uow.commit()
    with FakeUnitOfWork(db) as first:
        first.lock_employee("E1")
    with FakeUnitOfWork(db) as second:
        second.lock_employee("E1")


def test_concurrent_compare_and_set_in_threads_has_exactly_one_winner() -> None:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as uow:
        run = uow.runs.add(SchedulerRun(0, "U1", NOW, date(2025, 3, 1), date(2025, 3, 7)))
        proposal = uow.proposals.add(Proposal(0, run.id, event_id=1))
        uow.commit()
    barrier = threading.Barrier(8)
    wins: list[bool] = []

    def approve() -> None:
        barrier.wait()
        with FakeUnitOfWork(db) as uow:
            won = uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED], ProposalStatus.PUSHED)
            uow.commit()
        wins.append(won)

    threads = [threading.Thread(target=approve) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_a_waiting_claim_sees_the_rolled_back_claim_as_free() -> None:
    db = FakeDatabase()
    holder = FakeUnitOfWork(db)
    assert holder.job_ledger.claim("packet", "2025-03-01", 1)
    results: list[bool] = []

    def claim() -> None:
        with FakeUnitOfWork(db) as uow:
            results.append(uow.job_ledger.claim("packet", "2025-03-01", 1))
            uow.commit()

    waiter = threading.Thread(target=claim)
    waiter.start()
    holder.rollback()
    waiter.join()
    assert results == [True]
