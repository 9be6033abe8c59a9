"""Bulk writes (``add_many`` / ``update_many``) over the fake and the SQL units of work.

They behave like ``add`` / ``update`` row by row: ids in order, the store of a child row taken from its
parent, and all or none — a conflict or a missing row leaves the batch unwritten and the unit of
work usable.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.errors import Conflict, NotFound
from core.model import Assignment, AuditEntry, Employee, Event, EventType, TimeOff
from tests.integration.db.conftest import UowMaker, seed_employee, seed_event

BATCH = 1200
"""Larger than one multi-row INSERT page (1,000 rows), so paging keeps the order too."""
DAY = date(2025, 3, 3)


def events(count: int, first_mplan: int = 40000000) -> list[Event]:
    return [Event(0, first_mplan + i, f"{600000 + i}-CORE-Item {i}", DAY, DAY + timedelta(days=i % 9),
                  store_id=1, event_type=EventType.CORE) for i in range(count)]


def test_add_many_numbers_new_rows_in_order(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        stored = uow.events.add_many(events(BATCH))
        uow.commit()
    ids = [e.id for e in stored]
    assert len(set(ids)) == BATCH and ids == sorted(ids) and ids[0] > 0
    with any_uow() as uow:
        by_id = {e.id: e for e in uow.events.list(store_id=1)}
    assert [by_id[e.id] for e in stored] == stored
    assert [by_id[e.id].mplan_id for e in stored] == [e.mplan_id for e in events(BATCH)]


def test_add_many_of_nothing_writes_nothing(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        assert uow.events.add_many([]) == [] and uow.audit.add_many([]) == []
        uow.events.update_many([])
        assert uow.events.list() == []


def test_add_many_takes_the_store_of_each_parent_and_keeps_explicit_keys(any_uow: UowMaker) -> None:
    seed_employee(any_uow)
    event = seed_event(any_uow)
    starts = [datetime.combine(DAY, time(10, 45)) + timedelta(days=i) for i in range(3)]
    with any_uow() as uow:
        rows = uow.assignments.add_many([Assignment(0, event.id, "US100001", s, 1) for s in starts])
        people = uow.employees.add_many([Employee(f"US2000{i}", f"Person {i}") for i in range(3)])
        uow.commit()
    with any_uow() as uow:
        assert uow.assignments.between(1, DAY, DAY + timedelta(days=5)) == rows
        assert [e.id for e in people] == ["US20000", "US20001", "US20002"]
        assert uow.employees.get("US20002") == people[2]


def test_add_many_with_explicit_ids_keeps_them(any_uow: UowMaker) -> None:
    seed_employee(any_uow)
    with any_uow() as uow:
        rows = uow.time_off.add_many([TimeOff(70, "US100001", DAY, DAY), TimeOff(0, "US100001", DAY, DAY)])
        later = uow.time_off.add(TimeOff(0, "US100001", DAY, DAY))
        uow.commit()
    assert rows[0].id == 70 and len({rows[0].id, rows[1].id, later.id}) == 3


def test_a_conflict_in_add_many_writes_none_of_the_batch(any_uow: UowMaker) -> None:
    seed_employee(any_uow)
    with any_uow() as uow:
        with pytest.raises(Conflict):
            uow.employees.add_many([Employee("US300001", "New One"), Employee("US100001", "Clash")])
        assert uow.employees.get("US300001") is None
        uow.employees.add(Employee("US300002", "Still usable"))
        uow.commit()
    with any_uow() as uow:
        assert sorted(e.id for e in uow.employees.list()) == ["US100001", "US300002"]


def test_update_many_replaces_every_row(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        stored = uow.events.add_many(events(30))
        uow.commit()
    renamed = [replace(e, name=e.name + " (moved)", due_date=e.due_date + timedelta(days=1)) for e in stored]
    with any_uow() as uow:
        uow.events.update_many(renamed[::2])
        uow.commit()
    with any_uow() as uow:
        assert uow.events.list(store_id=1) == [r if i % 2 == 0 else stored[i] for i, r in enumerate(renamed)]


def test_update_many_with_a_missing_row_changes_nothing(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        stored = uow.events.add_many(events(3))
        uow.commit()
    ghost = replace(stored[0], id=stored[-1].id + 1000)
    with any_uow() as uow:
        with pytest.raises(NotFound):
            uow.events.update_many([replace(stored[0], name="changed"), ghost])
        assert uow.events.list(store_id=1) == stored


def test_audit_add_many_appends_in_order(any_uow: UowMaker) -> None:
    at = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
    entries = [AuditEntry(0, "UBOT", "sync.event_create", "event", str(i), None, {"n": i}, at, 1)
               for i in range(5)]
    with any_uow() as uow:
        stored = uow.audit.add_many(entries)
        uow.commit()
    with any_uow() as uow:
        listed = uow.audit.list()
    assert [e.after for e in listed] == [{"n": i} for i in range(5)]
    assert [e.id for e in listed] == [e.id for e in stored]
