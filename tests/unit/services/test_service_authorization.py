"""Authorization inside the services: employee / lead / manager / admin / unlinked by every method.

Allowed actors succeed; every denial raises PermissionDenied, changes nothing, writes no audit row,
calls nobody remotely and sends no message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.errors import PermissionDenied
from core.model import (
    Actor,
    AvailabilityOverride,
    DateAvailability,
    Holiday,
    RotationException,
    RotationType,
    SlackLink,
    TimeOffRequest,
)
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.rotations import RotationService
from core.services.sync import SyncService
from core.services.time_off import TimeOffService
from core.services.time_settings import save_time_settings
from tests.unit.services.service_world import ACTORS, FakeRetailLink, World, at, core_pair, day, team


@dataclass
class Ids:
    core: int
    other_core: int
    open_core: int
    request: int
    override: int
    exception: int
    holiday: int


def _setup(world: World) -> Ids:
    team(world)
    core, sup = core_pair(world, "606001")
    world.assignment(core, "E-ANN", at(3, "10:45"))
    world.assignment(sup, "E-CARA", at(3, "12:00"))
    other = world.event("606002-CORE-B", day(2), day(8))
    world.assignment(other, "E-BEN", at(4, "10:45"))
    open_core = world.event("606003-CORE-C", day(2), day(8))
    request = world.write(lambda uow: uow.time_off_requests.add(TimeOffRequest(0, "E-ANN", day(10), day(11))))
    world.write(lambda uow: uow.date_availability.add(DateAvailability(0, "E-ANN", day(6), False)))
    override = world.write(
        lambda uow: uow.overrides.add(
            AvailabilityOverride(0, "E-ANN", day(1), day(9), (None, None, False, None, None, None, None))
        )
    )
    exception = world.write(
        lambda uow: uow.rotation_exceptions.add(
            RotationException(0, day(5), RotationType.PRIMARY_LEAD, "E-CARA")
        )
    )
    holiday = world.write(lambda uow: uow.holidays.add(Holiday(0, "Founders Day", day(20))))
    world.write(lambda uow: uow.slack_links.add(SlackLink("UBENSLACK", employee_id="E-BEN")))
    return Ids(core.id, other.id, open_core.id, request.id, override.id, exception.id, holiday.id)


Op = Callable[[World, Actor, Ids], Any]
E, L, M, A = "employee", "lead", "manager", "admin"

OPS: dict[str, tuple[Op, set[str]]] = {
    "scheduling.preview": (
        lambda w, a, i: w.scheduling.preview(a, i.open_core, "E-BEN", at(5, "10:45")),
        {M, A},
    ),
    "scheduling.assign": (
        lambda w, a, i: w.scheduling.assign(a, i.open_core, "E-BEN", at(5, "10:45")),
        {M, A},
    ),
    "scheduling.unassign": (lambda w, a, i: w.scheduling.unassign(a, i.core), {M, A}),
    "scheduling.move": (lambda w, a, i: w.scheduling.move(a, i.core, at(5, "11:15")), {M, A}),
    "scheduling.trade": (lambda w, a, i: w.scheduling.trade(a, i.core, i.other_core), {M, A}),
    "scheduling.reissue": (lambda w, a, i: w.scheduling.reissue(a, i.core), {M, A}),
    "time_off.submit": (lambda w, a, i: _time_off(w).submit(a, "E-ANN", day(20), day(21)), {E, M, A}),
    "time_off.approve": (lambda w, a, i: _time_off(w).approve(a, i.request), {M, A}),
    "time_off.deny": (lambda w, a, i: _time_off(w).deny(a, i.request, "no"), {M, A}),
    "time_off.cancel": (lambda w, a, i: _time_off(w).cancel(a, i.request), {E, M, A}),
    "time_off.list_requests": (lambda w, a, i: _time_off(w).list_requests(a), {E, L, M, A}),
    "availability.summary": (lambda w, a, i: _availability(w).summary(a, "E-ANN"), {E, L, M, A}),
    "availability.set_weekly": (
        lambda w, a, i: _availability(w).set_weekly(a, "E-ANN", [False] + [True] * 6),
        {E, M, A},
    ),
    "availability.set_date": (
        lambda w, a, i: _availability(w).set_date(a, "E-ANN", day(7), False),
        {E, M, A},
    ),
    "availability.clear_date": (lambda w, a, i: _availability(w).clear_date(a, "E-ANN", day(6)), {E, M, A}),
    "availability.add_override": (
        lambda w, a, i: _availability(w).add_override(a, "E-ANN", day(1), day(3), [True] * 7),
        {E, M, A},
    ),
    "availability.remove_override": (
        lambda w, a, i: _availability(w).remove_override(a, i.override),
        {E, M, A},
    ),
    "rotations.view": (lambda w, a, i: _rotations(w).view(a), {E, L, M, A}),
    "rotations.set_weekly": (
        lambda w, a, i: _rotations(w).set_weekly(a, {RotationType.JUICER: {0: "E-JULES"}}),
        {M, A},
    ),
    "rotations.add_exception": (
        lambda w, a, i: _rotations(w).add_exception(a, day(6), RotationType.JUICER, "E-JULES"),
        {M, A},
    ),
    "rotations.remove_exception": (lambda w, a, i: _rotations(w).remove_exception(a, i.exception), {M, A}),
    "holidays.add": (lambda w, a, i: _holidays(w).add(a, "New Day", day(30)), {M, A}),
    "holidays.remove": (lambda w, a, i: _holidays(w).remove(a, i.holiday), {M, A}),
    "holidays.upcoming": (lambda w, a, i: _holidays(w).upcoming(a), {E, L, M, A}),
    "people.set_role": (lambda w, a, i: _people(w).set_role(a, "UNEW", "manager"), {A}),
    "people.link": (lambda w, a, i: _people(w).link(a, "UNEW", "E-LEAD"), {M, A}),
    "people.unlink": (lambda w, a, i: _people(w).unlink(a, "UBENSLACK"), {M, A}),
    "people.update_employee": (
        lambda w, a, i: _people(w).update_employee(a, "E-ANN", email="a@b.co"),
        {M, A},
    ),
    "people.terminate": (lambda w, a, i: _people(w).terminate(a, "E-BEN", day(1), "unassign"), {M, A}),
    "queries.day": (lambda w, a, i: _queries(w).day(a, day(3)), {E, L, M, A}),
    "queries.week": (lambda w, a, i: _queries(w).week(a, day(3)), {E, L, M, A}),
    "queries.employee": (lambda w, a, i: _queries(w).employee(a, "E-ANN"), {E, L, M, A}),
    "queries.events": (lambda w, a, i: _queries(w).events(a, "urgent"), {E, L, M, A}),
    "queries.team": (lambda w, a, i: _queries(w).team(a), {E, L, M, A}),
    "queries.workload": (lambda w, a, i: _queries(w).workload(a, day(0), day(6)), {L, M, A}),
    "queries.status": (lambda w, a, i: _queries(w).status(a), {L, M, A}),
    "sync.events": (lambda w, a, i: _sync(w).sync_events(a), {M, A}),
    "sync.reps": (lambda w, a, i: _sync(w).sync_reps(a), {M, A}),
    "sync.edr": (lambda w, a, i: _sync(w).sync_edr(a), {M, A}),
    "settings.save_time_settings": (
        lambda w, a, i: save_time_settings(
            w.uow_factory, a, {"supervisor_start_time": "12:30"}, clock=w.clock
        ),
        {A},
    ),
}


def _time_off(w: World) -> TimeOffService:
    return TimeOffService(w.uow_factory, w.notifier, w.clock)


def _availability(w: World) -> AvailabilityService:
    return AvailabilityService(w.uow_factory, w.clock)


def _rotations(w: World) -> RotationService:
    return RotationService(w.uow_factory, w.clock)


def _holidays(w: World) -> HolidayService:
    return HolidayService(w.uow_factory, w.clock)


def _people(w: World) -> PeopleService:
    return PeopleService(w.uow_factory, w.crossmark, w.notifier, w.clock)


def _queries(w: World) -> QueryService:
    return QueryService(w.uow_factory, w.clock)


def _sync(w: World) -> SyncService:
    return SyncService(w.uow_factory, w.crossmark, w.clock, FakeRetailLink())


@pytest.mark.parametrize("who", list(ACTORS))
@pytest.mark.parametrize("op_name", list(OPS))
def test_each_service_method_lets_in_exactly_the_allowed_roles(world: World, op_name: str, who: str) -> None:
    ids = _setup(world)
    op, allowed = OPS[op_name]
    actor = ACTORS[who]
    if who in allowed:
        op(world, actor, ids)
        return
    before = world.state()
    calls, sent = list(world.crossmark.calls), list(world.notifier.sent)
    with pytest.raises(PermissionDenied):
        op(world, actor, ids)
    assert world.state() == before
    assert world.crossmark.calls == calls and world.notifier.sent == sent


def test_an_unlinked_employee_is_told_to_ask_for_a_link(world: World) -> None:
    ids = _setup(world)
    with pytest.raises(PermissionDenied, match="ask your manager to link you"):
        OPS["time_off.submit"][0](world, ACTORS["unlinked"], ids)
