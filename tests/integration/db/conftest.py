"""Fixtures of the database tests: ``any_uow`` runs a contract test over the fake and SQL units of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from core.model import Employee, Event, EventType
from core.ports import UnitOfWork
from integrations.crypto import FernetSecretBox
from tests.conftest import migrated_database, sql_uow_factory
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

UowMaker = Callable[[], UnitOfWork]


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_uow(request: pytest.FixtureRequest, tmp_path: Path,
            secret_box: FernetSecretBox) -> Iterator[UowMaker]:
    """A unit-of-work factory: in memory, or SQL over each database backend."""
    if request.param == "fake":
        db = FakeDatabase()
        yield lambda: FakeUnitOfWork(db)
        return
    with migrated_database(request.param, request, tmp_path) as url, \
            sql_uow_factory(url, secret_box) as factory:
        yield factory


@pytest.fixture(params=["fake", pytest.param("postgres", marks=pytest.mark.postgres)])
def mvcc_uow(request: pytest.FixtureRequest, tmp_path: Path,
             secret_box: FernetSecretBox) -> Iterator[UowMaker]:
    """Units of work that may be open side by side in one thread (not SQLite: it serialises them)."""
    if request.param == "fake":
        db = FakeDatabase()
        yield lambda: FakeUnitOfWork(db)
        return
    with migrated_database(request.param, request, tmp_path) as url, \
            sql_uow_factory(url, secret_box) as factory:
        yield factory


def seed_employee(make: UowMaker, employee_id: str = "US100001", name: str = "Ann Lee",
                  store_id: int = 1) -> Employee:
    """Commit an employee and return it."""
    with make() as uow:
        employee = uow.employees.add(Employee(employee_id, name, store_id=store_id))
        uow.commit()
    return employee


def seed_event(make: UowMaker, mplan_id: int = 31785976, start: date = date(2025, 3, 3),
               due: date = date(2025, 3, 9), store_id: int = 1) -> Event:
    """Commit a Core event and return it (with its id)."""
    with make() as uow:
        event = uow.events.add(Event(0, mplan_id, f"606001-CORE-Item {mplan_id}", start, due,
                                     store_id=store_id, event_type=EventType.CORE))
        uow.commit()
    return event
