"""Bad input to any service is a clear domain error that stores nothing and writes no audit row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.errors import DomainError, InvalidInput, NotFound, PermissionDenied, RuleViolation
from core.model import RotationType
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.rotations import RotationService
from core.services.sync import SyncService
from core.services.time_off import TimeOffService
from core.services.time_settings import save_time_settings
from tests.unit.services.service_world import ADMIN, EMPLOYEE, LEAD, MANAGER, World, at, core_pair, day, team

Case = Callable[[World, dict[str, int]], Any]


def _setup(world: World) -> dict[str, int]:
    team(world)
    world.employee("E-OLD", "Otto Old", is_active=False)
    core, _ = core_pair(world)
    booked = world.event("606002-CORE-B", day(2), day(8))
    world.assignment(booked, "E-ANN", at(3, "10:45"))
    freeosk = world.event("Freeosk refill", day(2), day(8))
    world.assignment(freeosk, "E-LEAD", at(3, "10:00"))
    request = (
        TimeOffService(world.uow_factory, world.notifier, world.clock)
        .submit(EMPLOYEE, "E-ANN", day(20), day(21))
        .request
    )
    return {"core": core.id, "booked": booked.id, "freeosk": freeosk.id, "request": request.id}


CASES: dict[str, tuple[Case, type[DomainError]]] = {
    "assign unknown event": (
        lambda w, i: w.scheduling.assign(MANAGER, 404, "E-ANN", at(3, "10:45")),
        NotFound,
    ),
    "assign unknown employee": (
        lambda w, i: w.scheduling.assign(MANAGER, i["core"], "E-X", at(3, "10:45")),
        NotFound,
    ),
    "assign inactive employee": (
        lambda w, i: w.scheduling.assign(MANAGER, i["core"], "E-OLD", at(3, "10:45")),
        RuleViolation,
    ),
    "assign before the window": (
        lambda w, i: w.scheduling.assign(MANAGER, i["core"], "E-BEN", at(1, "10:45")),
        RuleViolation,
    ),
    "assign in the past": (
        lambda w, i: w.scheduling.assign(MANAGER, i["core"], "E-BEN", at(-1, "10:45")),
        RuleViolation,
    ),
    "assign twice": (
        lambda w, i: w.scheduling.assign(MANAGER, i["booked"], "E-BEN", at(3, "10:45")),
        DomainError,
    ),
    "trade with itself": (lambda w, i: w.scheduling.trade(MANAGER, i["booked"], i["booked"]), InvalidInput),
    "trade a freeosk": (lambda w, i: w.scheduling.trade(MANAGER, i["booked"], i["freeosk"]), InvalidInput),
    "trade an unscheduled core": (
        lambda w, i: w.scheduling.trade(MANAGER, i["booked"], i["core"]),
        InvalidInput,
    ),
    "move unscheduled": (lambda w, i: w.scheduling.move(MANAGER, i["core"], at(3, "10:45")), InvalidInput),
    "reissue unscheduled": (lambda w, i: w.scheduling.reissue(MANAGER, i["core"]), InvalidInput),
    "reissue to unknown": (
        lambda w, i: w.scheduling.reissue(MANAGER, i["booked"], employee_id="E-X"),
        NotFound,
    ),
    "time off end before start": (
        lambda w, i: _off(w).submit(EMPLOYEE, "E-ANN", day(5), day(4)),
        InvalidInput,
    ),
    "time off over 60 days": (lambda w, i: _off(w).submit(EMPLOYEE, "E-ANN", day(1), day(61)), InvalidInput),
    "time off in the past": (lambda w, i: _off(w).submit(EMPLOYEE, "E-ANN", day(-2), day(1)), InvalidInput),
    "time off reason too long": (
        lambda w, i: _off(w).submit(EMPLOYEE, "E-ANN", day(1), day(1), "x" * 10_000),
        InvalidInput,
    ),
    "time off for inactive": (lambda w, i: _off(w).submit(MANAGER, "E-OLD", day(1), day(2)), InvalidInput),
    "time off for unknown": (lambda w, i: _off(w).submit(MANAGER, "E-X", day(1), day(2)), NotFound),
    "approve by a lead": (lambda w, i: _off(w).approve(LEAD, i["request"]), PermissionDenied),
    "approve by the requester": (lambda w, i: _off(w).approve(EMPLOYEE, i["request"]), PermissionDenied),
    "approve unknown": (lambda w, i: _off(w).approve(MANAGER, 404), NotFound),
    "weekly with 8 days": (lambda w, i: _avail(w).set_weekly(EMPLOYEE, "E-ANN", [True] * 8), InvalidInput),
    "override end before start": (
        lambda w, i: _avail(w).add_override(EMPLOYEE, "E-ANN", day(5), day(1), [True] * 7),
        InvalidInput,
    ),
    "rotation weekday 7": (
        lambda w, i: RotationService(w.uow_factory, w.clock).set_weekly(
            MANAGER, {RotationType.JUICER: {7: "E-JULES"}}
        ),
        InvalidInput,
    ),
    "rotation inactive person": (
        lambda w, i: RotationService(w.uow_factory, w.clock).set_weekly(
            MANAGER, {RotationType.PRIMARY_LEAD: {1: "E-OLD"}}
        ),
        InvalidInput,
    ),
    "holiday without a name": (
        lambda w, i: HolidayService(w.uow_factory, w.clock).add(MANAGER, "", day(3)),
        InvalidInput,
    ),
    "link a channel mention": (lambda w, i: _people(w).link(MANAGER, "<!channel>", "E-ANN"), InvalidInput),
    "link a nobody": (lambda w, i: _people(w).link(MANAGER, "UNEW", "Nobody"), NotFound),
    "terminate unknown": (lambda w, i: _people(w).terminate(MANAGER, "E-X", day(1), "unassign"), NotFound),
    "query 0 days": (
        lambda w, i: QueryService(w.uow_factory, w.clock).employee(EMPLOYEE, "E-ANN", days=0),
        InvalidInput,
    ),
    "query huge filter": (
        lambda w, i: QueryService(w.uow_factory, w.clock).events(EMPLOYEE, "x" * 500),
        InvalidInput,
    ),
    "sync end before start": (
        lambda w, i: SyncService(w.uow_factory, w.crossmark, w.clock).sync_events(MANAGER, day(5), day(1)),
        InvalidInput,
    ),
    "settings bad time": (
        lambda w, i: save_time_settings(w.uow_factory, ADMIN, {"freeosk_start_time": "25:00"}, clock=w.clock),
        InvalidInput,
    ),
    "settings unknown key": (
        lambda w, i: save_time_settings(w.uow_factory, ADMIN, {"colour": "red"}, clock=w.clock),
        InvalidInput,
    ),
}


def _off(w: World) -> TimeOffService:
    return TimeOffService(w.uow_factory, w.notifier, w.clock)


def _avail(w: World) -> AvailabilityService:
    return AvailabilityService(w.uow_factory, w.clock)


def _people(w: World) -> PeopleService:
    return PeopleService(w.uow_factory, w.crossmark, w.notifier, w.clock)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_a_domain_error_and_changes_nothing(world: World, name: str) -> None:
    ids = _setup(world)
    case, error = CASES[name]
    before = world.state()
    calls = list(world.crossmark.calls)
    with pytest.raises(error) as err:
        case(world, ids)
    assert err.value.message
    assert world.state() == before
    assert world.crossmark.calls == calls
