"""Two managers assigning one employee at once: the employee lock lets exactly one through."""

from __future__ import annotations

import threading

from core.errors import DomainError, RuleViolation
from core.model import Assignment
from tests.unit.services.service_world import MANAGER, World, at, day, team


def _race(
    world: World, employee_id: str, jobs: list[tuple[int, str]]
) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(jobs))
    wins: list[object] = []
    errors: list[BaseException] = []

    def run(event_id: int, hhmm: str) -> None:
        barrier.wait()
        try:
            wins.append(world.scheduling.assign(MANAGER, event_id, employee_id, at(3, hhmm)))
        except DomainError as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return wins, errors


def test_two_concurrent_assigns_of_one_employee_to_overlapping_events_let_exactly_one_through(
    world: World,
) -> None:
    team(world)
    first = world.event("Freeosk refill A", day(2), day(8), estimated_minutes=120)
    second = world.event("Club reset 505001", day(2), day(8))
    wins, errors = _race(world, "E-LEAD", [(first.id, "10:00"), (second.id, "11:00")])
    assert len(wins) == 1 and len(errors) == 1
    assert isinstance(errors[0], RuleViolation) and "Overlaps" in errors[0].message
    rows: list[Assignment] = world.assignments()
    assert len(rows) == 1
    assert len(world.crossmark.calls_to("schedule")) == 1
    assert len(world.audit()) == 1


def test_two_concurrent_cores_for_one_employee_on_one_day_let_exactly_one_through(world: World) -> None:
    team(world)
    first = world.event("606001-CORE-A", day(2), day(8))
    second = world.event("606002-CORE-B", day(2), day(8))
    wins, errors = _race(world, "E-ANN", [(first.id, "10:45"), (second.id, "12:15")])
    assert len(wins) == 1 and len(errors) == 1
    assert isinstance(errors[0], RuleViolation) and "already has a Core" in errors[0].message
    assert len(world.assignments()) == 1
