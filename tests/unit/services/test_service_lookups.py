"""The store's local today and finding people by what managers type."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.errors import InvalidInput, NotFound
from core.model import Employee
from core.services.lookups import resolve_employee, store_today
from tests.unit.services.service_world import World


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2025, 10, 2, 3, 59, tzinfo=UTC), date(2025, 10, 1)),
        (datetime(2025, 10, 2, 4, 0, tzinfo=UTC), date(2025, 10, 2)),
        (datetime(2025, 11, 2, 4, 59, tzinfo=UTC), date(2025, 11, 2)),
        (datetime(2025, 11, 2, 5, 30, tzinfo=UTC), date(2025, 11, 2)),
        (datetime(2025, 3, 9, 4, 59, tzinfo=UTC), date(2025, 3, 8)),
    ],
)
def test_today_is_the_date_in_the_stores_timezone_across_dst(
    world: World, instant: datetime, expected: date
) -> None:
    world.clock.set(instant)
    assert world.read(lambda uow: store_today(uow, world.clock, 1)) == expected


def test_an_unknown_store_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        world.read(lambda uow: store_today(uow, world.clock, 99))


def test_people_are_found_by_id_repid_email_or_unique_name(world: World) -> None:
    world.write(
        lambda uow: uow.employees.add(Employee("US1", "Ann  Archer", rep_id="150001", email="a@x.co"))
    )
    world.write(lambda uow: uow.employees.add(Employee("US2", "Bo Bell", rep_id="150002")))
    for query in ("us1", "150001", "A@X.CO", "ann archer"):
        assert world.read(lambda uow, q=query: resolve_employee(uow, 1, q)).id == "US1"


def test_an_ambiguous_name_is_bad_input_and_an_unknown_one_not_found(world: World) -> None:
    world.write(lambda uow: uow.employees.add(Employee("US1", "Ann Archer")))
    world.write(lambda uow: uow.employees.add(Employee("US2", "ann archer")))
    with pytest.raises(InvalidInput, match=r"US1.*US2"):
        world.read(lambda uow: resolve_employee(uow, 1, "Ann Archer"))
    with pytest.raises(NotFound):
        world.read(lambda uow: resolve_employee(uow, 1, "Zed"))
    with pytest.raises(InvalidInput):
        world.read(lambda uow: resolve_employee(uow, 1, "  "))
