"""The schedule views read in one unit of work with a fixed number of repository calls (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.ports import UnitOfWork
from core.services.queries import QueryService
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.service_world import EMPLOYEE, MANAGER, World, at, day, team


class _Counting:
    """Wraps a repository and counts its method calls."""

    def __init__(self, inner: Any, tally: list[str], name: str) -> None:
        self._inner, self._tally, self._name = inner, tally, name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._tally.append(f"{self._name}.{attr}")
            return value(*args, **kwargs)

        return call


def _counting_factory(world: World, tally: list[str], opened: list[int]) -> Callable[[], UnitOfWork]:
    def make() -> UnitOfWork:
        uow = FakeUnitOfWork(world.db)
        opened.append(1)
        for name in (
            "stores",
            "employees",
            "events",
            "assignments",
            "weekly_availability",
            "date_availability",
            "overrides",
            "time_off",
            "time_off_requests",
            "rotations",
            "rotation_exceptions",
            "holidays",
            "slack_links",
            "settings",
            "sync_runs",
            "runs",
            "proposals",
            "job_ledger",
        ):
            setattr(uow, name, _Counting(getattr(uow, name), tally, name))
        return uow

    return make


def _populate(world: World, people: int) -> None:
    for n in range(people):
        world.employee(f"E-{n:03}", f"Person {n:03}")
        ev = world.event(f"6{n:05}-CORE-Item {n}", day(0), day(9))
        world.assignment(ev, f"E-{n:03}", at(3, "10:45"))


def _cost(people: int, view: Callable[[QueryService], Any]) -> tuple[int, int]:
    world = World()
    team(world)
    _populate(world, people)
    tally: list[str] = []
    opened: list[int] = []
    view(QueryService(_counting_factory(world, tally, opened), world.clock))
    return len(tally), len(opened)


def test_the_day_view_costs_the_same_for_two_or_twenty_assignments() -> None:
    small, large = _cost(2, lambda q: q.day(EMPLOYEE, day(3))), _cost(20, lambda q: q.day(EMPLOYEE, day(3)))
    assert small == large and small[1] == 1


def test_the_week_view_costs_the_same_for_two_or_twenty_assignments() -> None:
    assert _cost(2, lambda q: q.week(EMPLOYEE, day(3))) == _cost(20, lambda q: q.week(EMPLOYEE, day(3)))


def test_event_lists_workload_and_status_cost_the_same_for_more_rows() -> None:
    for view in (
        lambda q: q.events(EMPLOYEE, "unscheduled"),
        lambda q: q.workload(MANAGER, day(0), day(13)),
        lambda q: q.status(MANAGER),
        lambda q: q.team(EMPLOYEE),
        lambda q: q.employee(EMPLOYEE, "E-ANN"),
    ):
        assert _cost(2, view) == _cost(20, view)
