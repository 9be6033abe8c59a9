"""A roster imported from CSV drives the auto-scheduler's role matrix: each event type is planned to
people whose imported job titles allow it (product.md §5.1)."""

from __future__ import annotations

import pytest

from core.model import EventType, JobTitle, ProposalStatus, RotationType
from core.ports import UnitOfWork
from core.scheduling.solve import SolveOptions
from core.services.autoschedule import AutoScheduleService
from core.services.roster import RosterService
from tests.unit.services.service_world import MANAGER, World, day

HEADER = "employee_id,name,rep_id,email,job_title,active,slack_user_id,mon,tue,wed,thu,fri,sat,sun\n"
ROSTER = HEADER + "".join(f"{row},,yes,yes,yes,yes,yes,yes,yes\n" for row in (
    "E-CARA,Cara Cole,150001,,Club Supervisor,yes",
    "E-LENA,Lena Lopez,150002,,Lead Event Specialist,yes",
    "E-JULES,Jules Jones,150003,,Juicer Barista,yes",
    "E-ANN,Ann Archer,150004,,Event Specialist,yes",
    "E-BEN,Ben Baker,150005,,Event Specialist,yes",
))
FAST = SolveOptions(max_seconds=20.0, num_workers=1, max_deterministic_time=4.0)
ALLOWED = {
    EventType.CORE: {JobTitle.EVENT_SPECIALIST, JobTitle.LEAD, JobTitle.JUICER_BARISTA},
    EventType.SUPERVISOR: {JobTitle.CLUB_SUPERVISOR},
    EventType.JUICER: {JobTitle.JUICER_BARISTA},
    EventType.FREEOSK: {JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR},
    EventType.DIGITALS: {JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR},
}


@pytest.fixture
def club(world: World) -> World:
    report = RosterService(world.uow_factory, world.clock).import_csv(MANAGER, ROSTER.encode())
    assert report.applied, report.render()
    for weekday in range(7):
        world.rotation(weekday, RotationType.PRIMARY_LEAD, "E-LENA")
        world.rotation(weekday, RotationType.JUICER, "E-JULES")
    for number, product in (("606001", "Pretzel"), ("606002", "Cheese")):
        world.event(f"{number}-CORE-{product}", day(4), day(10))
        world.event(f"{number}-Supervisor-{product}", day(4), day(10))
    world.event("606003-JUICER-PRODUCTION-Orange", day(5), day(6))
    world.event("606004-FREEOSK-Snacks", day(4), day(10))
    world.event("606005-DIGITAL SETUP-Fall Savings", day(4), day(10))
    world.event("606006-DIGITAL TEARDOWN-Summer", day(4), day(10))
    return world


def test_imported_job_titles_decide_who_the_auto_scheduler_plans_for_each_event_type(club: World) -> None:
    auto = AutoScheduleService(club.uow_factory, club.crossmark, club.clock, club.notifier,
                               solve_options=FAST)

    result = auto.run(MANAGER, days=14)

    def planned(uow: UnitOfWork) -> list[tuple[EventType, JobTitle]]:
        titles = {e.id: e.job_title for e in uow.employees.list()}
        events = {e.id: e for e in uow.events.list()}
        return [(events[p.event_id].event_type, titles[p.employee_id])
                for p in uow.proposals.for_run(result.run_id)
                if p.status is ProposalStatus.PROPOSED and p.employee_id is not None]

    rows = club.read(planned)
    planned_types = {event_type for event_type, _ in rows}
    assert planned_types >= {EventType.CORE, EventType.SUPERVISOR, EventType.JUICER, EventType.FREEOSK,
                             EventType.DIGITALS}
    for event_type, title in rows:
        assert title in ALLOWED[event_type], f"{event_type} planned to a {title}"
    assert sum(1 for t, _ in rows if t is EventType.DIGITALS) == 2
