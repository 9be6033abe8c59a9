"""Sync, time off, people and the schedule views over the SQL unit of work (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from core.model import RotationType, TimeOffStatus
from core.ports import RemoteEvent, RemoteRep, UnitOfWork
from core.services.availability import AvailabilityService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.rotations import RotationService
from core.services.sync import SyncService
from core.services.time_off import TimeOffService
from core.services.time_settings import load_time_settings, save_time_settings
from tests.unit.services.service_world import ADMIN, EMPLOYEE, MANAGER, World, at, core_pair, day, team

RECORD = RemoteEvent(
    mplan_id=31785976,
    name="606034-CORE-X",
    location_id="157384",
    store_name="Sam's 8135",
    start_date=date(2025, 10, 1),
    end_date=date(2025, 10, 8),
    condition="Unstaffed",
    sales_tool_url="https://example.test/tool.pdf",
)


@pytest.fixture
def club(uow_factory: Callable[[], UnitOfWork]) -> World:
    world = World(uow_factory)
    team(world)
    return world


def test_a_second_identical_event_and_rep_sync_writes_nothing_but_its_run(club: World) -> None:
    ann = club.rep_of("E-ANN")
    club.crossmark.add_events(
        [
            RECORD,
            replace(
                RECORD,
                mplan_id=31785977,
                name="606035-CORE-Y",
                condition="Scheduled",
                schedule_start=at(3, "10:45"),
                schedule_rep_id=ann,
                schedule_event_id="9",
            ),
        ]
    )
    club.crossmark.rep_list = [RemoteRep("150999", "Nia New", "US123456")]
    sync = SyncService(club.uow_factory, club.crossmark, club.clock)
    first = sync.sync_events(MANAGER)
    sync.sync_reps(MANAGER)
    assert first.counts["created"] == 2 and first.counts["assignments_created"] == 1
    before = club.state()
    again = sync.sync_events(MANAGER)
    reps = sync.sync_reps(MANAGER)
    after = club.state()
    assert after.pop("sync_runs")[:-2] == before.pop("sync_runs")
    assert after == before
    assert again.counts["unchanged"] == 2 and reps.counts["unchanged"] == 1


def test_time_off_request_and_approval_round_trip(club: World) -> None:
    service = TimeOffService(club.uow_factory, club.notifier, club.clock)
    req = service.submit(EMPLOYEE, "E-ANN", day(3), day(5), "trip").request
    outcome = service.approve(MANAGER, req.id)
    assert outcome.request.status is TimeOffStatus.APPROVED
    assert [r.status for r in service.list_requests(EMPLOYEE)] == [TimeOffStatus.APPROVED]
    service.cancel(EMPLOYEE, req.id)
    assert club.read(lambda uow: uow.time_off.list()) == []


def test_rotation_availability_link_and_settings_round_trip(club: World) -> None:
    RotationService(club.uow_factory, club.clock).set_weekly(
        MANAGER, {RotationType.PRIMARY_LEAD: {0: "E-CARA", 1: "E-LEAD"}}
    )
    rows = club.read(lambda uow: uow.rotations.list())
    assert sorted(
        (r.rotation_type, r.weekday) for r in rows if r.rotation_type is RotationType.PRIMARY_LEAD
    ) == [(RotationType.PRIMARY_LEAD, 0), (RotationType.PRIMARY_LEAD, 1)]
    weekly = AvailabilityService(club.uow_factory, club.clock).set_weekly(
        EMPLOYEE, "E-ANN", [False] + [True] * 6
    )
    assert club.read(lambda uow: uow.weekly_availability.get("E-ANN")) == weekly
    link = PeopleService(club.uow_factory, club.crossmark, club.notifier, club.clock).link(
        MANAGER, "UANNSLACK", "ann archer"
    )
    assert club.read(lambda uow: uow.slack_links.get("UANNSLACK")) == link
    save_time_settings(club.uow_factory, ADMIN, {"supervisor_start_time": "12:30"}, clock=club.clock)
    assert club.read(lambda uow: load_time_settings(uow, 1)).supervisor_time.minute == 30


def test_the_day_view_reads_the_schedule(club: World) -> None:
    core, sup = core_pair(club)
    club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    view = QueryService(club.uow_factory, club.clock).day(EMPLOYEE, day(3))
    assert [(r.event_id, r.employee_name) for r in view.rows] == [
        (core.id, "Ann Archer"),
        (sup.id, "Cara Cole"),
    ]
    assert view.warnings == ()
