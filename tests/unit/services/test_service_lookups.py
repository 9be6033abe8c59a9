"""The store's local today, finding people by what managers type or by their Slack user, and a person's
work from a day on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.errors import InvalidInput, NotFound
from core.model import Employee, SlackLink
from core.services.lookups import employee_of_user, future_assignments, resolve_employee, store_today
from core.services.queries import QueryService
from tests.unit.services.service_world import ACTORS, World, at, day, team


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


def test_the_query_service_gives_every_actor_the_stores_today(world: World) -> None:
    world.clock.set(datetime(2025, 10, 2, 3, 59, tzinfo=UTC))
    queries = QueryService(world.uow_factory, world.clock)

    assert {queries.today(actor) for actor in ACTORS.values()} == {date(2025, 10, 1)}


def test_a_persons_future_work_is_every_assignment_from_the_day_on_with_its_event(world: World) -> None:
    team(world)
    before, first, later = (world.event(f"60600{n}-CORE-Item {n}", day(-3), day(20)) for n in (1, 2, 3))
    for event, start in ((before, at(-1, "10:45")), (first, at(0, "10:45")), (later, at(9, "11:00"))):
        world.assignment(event, "E-ANN", start)
    world.assignment(world.event("606004-CORE-Other", day(0), day(5)), "E-BEN", at(1, "10:45"))
    ann = world.read(lambda uow: uow.employees.get("E-ANN"))

    found = world.read(lambda uow: future_assignments(uow, ann, day(0)))

    assert [(a.start, e.id) for a, e in found] == [(at(0, "10:45"), first.id), (at(9, "11:00"), later.id)]
    assert world.read(lambda uow: future_assignments(uow, ann, day(0), days=5)) == found[:1]


def test_slack_users_are_found_through_their_link_and_unlinked_ones_are_told_how(world: World) -> None:
    world.write(lambda uow: uow.employees.add(Employee("US1", "Ann Archer")))
    world.write(lambda uow: uow.slack_links.add(SlackLink("U0ANN", employee_id="US1")))

    assert world.read(lambda uow: employee_of_user(uow, 1, "U0ANN")).name == "Ann Archer"
    with pytest.raises(NotFound, match="/sched link"):
        world.read(lambda uow: employee_of_user(uow, 1, "U0NOBODY"))
