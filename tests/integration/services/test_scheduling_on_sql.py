"""Manual scheduling end to end over the SQL unit of work (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from core.errors import DomainError, RemoteError, RuleViolation
from core.model import Condition
from core.ports import UnitOfWork
from core.services.time_off import TimeOffService
from tests.unit.services.service_world import EMPLOYEE, MANAGER, World, at, core_pair, day, team


@pytest.fixture
def club(uow_factory: Callable[[], UnitOfWork]) -> World:
    world = World(uow_factory)
    team(world)
    return world


def test_assigning_a_core_stores_it_with_its_supervisor_and_audit_rows(club: World) -> None:
    core, sup = core_pair(club)
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    [core_row] = club.assignments_of(core.id)
    [sup_row] = club.assignments_of(sup.id)
    assert (core_row.employee_id, core_row.start) == ("E-ANN", at(3, "10:45"))
    assert (sup_row.employee_id, sup_row.start) == ("E-CARA", at(3, "12:00"))
    assert core_row.external_id == club.crossmark.calls_to("schedule")[0].args["id"]
    assert club.get_event(core.id).condition is Condition.SCHEDULED
    assert [e.action for e in club.audit()] == ["assignment.create", "assignment.create"]
    first = club.audit()[0].after
    assert first is not None and first["employee_id"] == "E-ANN"
    assert len(result.changes) == 2


def test_moving_and_unassigning_a_core_carry_the_supervisor(club: World) -> None:
    core, sup = core_pair(club)
    club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    club.scheduling.move(MANAGER, core.id, at(5, "11:15"))
    assert club.assignments_of(sup.id)[0].start == at(5, "12:00")
    club.scheduling.unassign(MANAGER, core.id)
    assert club.assignments() == []
    assert club.get_event(sup.id).condition is Condition.UNSTAFFED


def test_a_remote_failure_leaves_the_database_as_it_was(club: World) -> None:
    core, _ = core_pair(club)
    before = club.state()
    club.crossmark.fail("schedule")
    with pytest.raises(RemoteError):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.state() == before


def test_a_refused_assignment_leaves_the_database_as_it_was(club: World) -> None:
    core, _ = core_pair(club)
    TimeOffService(club.uow_factory, club.notifier, club.clock).approve(
        MANAGER,
        TimeOffService(club.uow_factory, club.notifier, club.clock)
        .submit(EMPLOYEE, "E-ANN", day(3), day(3))
        .request.id,
    )
    before = club.state()
    with pytest.raises(RuleViolation):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.state() == before


def test_two_threads_assigning_one_employee_to_overlapping_events_let_exactly_one_through(
    club: World,
) -> None:
    first = club.event("Freeosk refill A", day(2), day(8), estimated_minutes=120)
    second = club.event("Club reset 505001", day(2), day(8))
    barrier = threading.Barrier(2)
    wins: list[object] = []
    errors: list[BaseException] = []

    def run(event_id: int, hhmm: str) -> None:
        barrier.wait()
        try:
            wins.append(club.scheduling.assign(MANAGER, event_id, "E-LEAD", at(3, hhmm)))
        except DomainError as err:
            errors.append(err)

    threads = [
        threading.Thread(target=run, args=(first.id, "10:00")),
        threading.Thread(target=run, args=(second.id, "11:00")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(errors) == 1
    assert isinstance(errors[0], RuleViolation) and "Overlaps" in errors[0].message
    assert len(club.assignments()) == 1
    assert len(club.audit()) == 1
    assert len(club.crossmark.calls_to("schedule")) == 1
    [event_won] = [
        e for e in (club.get_event(first.id), club.get_event(second.id)) if e.condition is Condition.SCHEDULED
    ]
    assert club.assignments()[0].event_id == event_won.id
