"""Time off: request, approve (with the affected assignments), deny, cancel (product.md §2.4)."""

from __future__ import annotations

import pytest

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.model import Actor, Role, TimeOffStatus
from core.services.time_off import TimeOffService
from tests.unit.services.service_world import EMPLOYEE, LEAD, MANAGER, World, at, day, team


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _service(club: World) -> TimeOffService:
    return TimeOffService(club.uow_factory, club.notifier, club.clock)


def test_an_employee_requests_time_off_for_themself(club: World) -> None:
    outcome = _service(club).submit(EMPLOYEE, "E-ANN", day(3), day(5), "family trip")
    req = outcome.request
    assert (req.status, req.employee_id, req.start_date, req.end_date) == (
        TimeOffStatus.PENDING,
        "E-ANN",
        day(3),
        day(5),
    )
    assert req.requested_by == "UANN" and req.reason == "family trip"
    assert club.audit()[-1].action == "time_off.request"
    assert club.read(lambda uow: uow.time_off.list()) == []


def test_the_request_lists_the_requesters_assignments_in_the_range(club: World) -> None:
    inside = club.event("606001-CORE-In", day(2), day(8))
    outside = club.event("606002-CORE-Out", day(2), day(8))
    club.assignment(inside, "E-ANN", at(4, "10:45"))
    club.assignment(outside, "E-ANN", at(7, "10:45"))
    outcome = _service(club).submit(EMPLOYEE, "E-ANN", day(3), day(5))
    assert [a.event.id for a in outcome.affected] == [inside.id]


def test_a_manager_may_request_for_anyone(club: World) -> None:
    assert _service(club).submit(MANAGER, "E-BEN", day(3), day(3)).request.employee_id == "E-BEN"


def test_an_employee_may_not_request_for_someone_else(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _service(club).submit(EMPLOYEE, "E-BEN", day(3), day(3))


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (5, 3, "end"),
        (1, 61, "end"),
        (-1, 2, "start"),
    ],
)
def test_bad_dates_are_refused_with_field_errors(club: World, start: int, end: int, field: str) -> None:
    before = club.state()
    with pytest.raises(InvalidInput) as err:
        _service(club).submit(EMPLOYEE, "E-ANN", day(start), day(end))
    assert field in err.value.fields
    assert club.state() == before


def test_sixty_days_is_the_longest_request(club: World) -> None:
    assert _service(club).submit(EMPLOYEE, "E-ANN", day(1), day(60)).request.id


def test_today_is_not_in_the_past(club: World) -> None:
    assert _service(club).submit(EMPLOYEE, "E-ANN", day(0), day(0)).request.id


def test_a_request_overlapping_a_pending_one_is_refused(club: World) -> None:
    service = _service(club)
    service.submit(EMPLOYEE, "E-ANN", day(3), day(5))
    with pytest.raises(InvalidInput, match="pending request"):
        service.submit(EMPLOYEE, "E-ANN", day(5), day(6))


def test_a_request_overlapping_approved_time_off_is_refused(club: World) -> None:
    service = _service(club)
    service.approve(MANAGER, service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request.id)
    with pytest.raises(InvalidInput, match="approved time off"):
        service.submit(EMPLOYEE, "E-ANN", day(1), day(3))


def test_an_inactive_employee_cannot_request(club: World) -> None:
    club.employee("E-OLD", "Otto Old", is_active=False)
    with pytest.raises(InvalidInput, match="inactive"):
        _service(club).submit(MANAGER, "E-OLD", day(3), day(3))


def test_approving_records_time_off_tells_the_requester_and_returns_affected_assignments(club: World) -> None:
    core = club.event("606001-CORE-In", day(2), day(8))
    club.assignment(core, "E-ANN", at(4, "10:45"))
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    outcome = service.approve(MANAGER, req.id, note="enjoy")
    [off] = club.read(lambda uow: uow.time_off.list())
    assert (off.employee_id, off.start_date, off.end_date) == ("E-ANN", day(3), day(5))
    assert outcome.request.status is TimeOffStatus.APPROVED and outcome.request.time_off_id == off.id
    assert outcome.request.decided_by == "UMANAGER"
    assert [a.assignment.event_id for a in outcome.affected] == [core.id]
    assert club.notifier.to("E-ANN") == ["Your time off Sat 10/04–Mon 10/06 was approved. Note: enjoy"]


def test_deciding_twice_is_a_conflict_naming_who_decided(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    service.approve(MANAGER, req.id)
    with pytest.raises(Conflict, match="already approved by UMANAGER"):
        service.approve(MANAGER, req.id)
    with pytest.raises(Conflict):
        service.deny(MANAGER, req.id, "no")


def test_denying_tells_the_requester_why(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    outcome = service.deny(MANAGER, req.id, "inventory week")
    assert outcome.request.status is TimeOffStatus.DENIED
    assert club.notifier.to("E-ANN") == [
        "Your time off Sat 10/04–Mon 10/06 was denied. Reason: inventory week"
    ]
    assert club.read(lambda uow: uow.time_off.list()) == []


@pytest.mark.parametrize("actor", [EMPLOYEE, LEAD])
def test_only_managers_decide(club: World, actor: Actor) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    before = club.state()
    with pytest.raises(PermissionDenied):
        service.approve(actor, req.id)
    assert club.state() == before


def test_the_requester_cancels_a_pending_request(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    assert service.cancel(EMPLOYEE, req.id).request.status is TimeOffStatus.CANCELLED
    assert club.notifier.to("E-ANN") == []


def test_cancelling_an_approved_request_removes_its_time_off(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    service.approve(MANAGER, req.id)
    service.cancel(MANAGER, req.id)
    assert club.read(lambda uow: uow.time_off.list()) == []
    assert club.notifier.to("E-ANN")[-1].endswith("was cancelled by a manager.")


def test_someone_else_cannot_cancel_a_request(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    ben = Actor("UBEN", Role.EMPLOYEE, "E-BEN")
    with pytest.raises(PermissionDenied):
        service.cancel(ben, req.id)


def test_cancelling_twice_is_a_conflict(club: World) -> None:
    service = _service(club)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5)).request
    service.cancel(EMPLOYEE, req.id)
    with pytest.raises(Conflict):
        service.cancel(EMPLOYEE, req.id)


def test_unknown_requests_are_not_found(club: World) -> None:
    with pytest.raises(NotFound):
        _service(club).approve(MANAGER, 404)


def test_employees_list_their_own_requests_and_managers_everyones(club: World) -> None:
    service = _service(club)
    service.submit(EMPLOYEE, "E-ANN", day(3), day(5))
    service.submit(MANAGER, "E-BEN", day(3), day(5))
    assert [r.employee_id for r in service.list_requests(EMPLOYEE)] == ["E-ANN"]
    assert {r.employee_id for r in service.list_requests(MANAGER)} == {"E-ANN", "E-BEN"}
    assert [
        r.employee_id
        for r in service.list_requests(MANAGER, status=TimeOffStatus.PENDING, employee_id="E-BEN")
    ] == ["E-BEN"]
    with pytest.raises(PermissionDenied):
        service.list_requests(EMPLOYEE, employee_id="E-BEN")
