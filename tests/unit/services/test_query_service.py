"""Schedule views: the day by time slot, the week, a person, event lists, workload and status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.model import (
    Condition,
    Holiday,
    Proposal,
    RunStatus,
    SchedulerRun,
    SyncRun,
    TimeOff,
    TimeOffRequest,
)
from core.services.event_refs import EventRef, RefKind
from core.services.queries import QueryService
from tests.unit.services.service_world import (
    EMPLOYEE,
    LEAD,
    MANAGER,
    UNLINKED,
    World,
    at,
    core_pair,
    day,
    team,
)


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _queries(club: World) -> QueryService:
    return QueryService(club.uow_factory, club.clock)


def test_the_day_is_grouped_by_start_time_with_names(club: World) -> None:
    core, sup = core_pair(club)
    other_core = club.event("606002-CORE-Other", day(2), day(8))
    club.assignment(core, "E-ANN", at(3, "10:45"))
    club.assignment(other_core, "E-BEN", at(3, "10:45"))
    club.assignment(sup, "E-CARA", at(3, "12:00"))
    view = _queries(club).day(EMPLOYEE, day(3))
    assert [s.start for s in view.slots] == [time(10, 45), time(12, 0)]
    assert [r.employee_name for r in view.slots[0].rows] == ["Ann Archer", "Ben Baker"]
    assert view.slots[0].rows[0].end == at(3, "17:15")
    assert view.warnings == ()


def test_the_day_lists_unstaffed_events_whose_window_includes_it(club: World) -> None:
    open_now = club.event("606003-CORE-Open", day(2), day(4))
    club.event("606004-CORE-Later", day(5), day(8))
    done = club.event("606005-CORE-Done", day(2), day(4), condition=Condition.SUBMITTED)
    view = _queries(club).day(EMPLOYEE, day(3))
    assert [e.id for e in view.unstaffed] == [open_now.id]
    assert done.id not in [e.id for e in view.unstaffed]


def test_the_day_warns_about_broken_rules_and_a_missing_supervisor(club: World) -> None:
    core, _ = core_pair(club)
    club.assignment(core, "E-ANN", at(3, "10:45"))
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-ANN", day(3), day(3))))
    club.write(lambda uow: uow.holidays.add(Holiday(0, "Founders Day", day(3))))
    view = _queries(club).day(EMPLOYEE, day(3))
    assert any("has time off" in w for w in view.warnings)
    assert any("Supervisor event" in w and "not scheduled" in w for w in view.warnings)
    assert view.off == ("Ann Archer",) and view.holiday == "Founders Day"


def test_the_week_runs_sunday_to_saturday(club: World) -> None:
    core, _ = core_pair(club)
    club.assignment(core, "E-ANN", at(3, "10:45"))
    week = _queries(club).week(EMPLOYEE, day(0))
    assert week.start == day(-3) and week.start.weekday() == 6 and len(week.days) == 7
    assert [len(d.rows) for d in week.days] == [0, 0, 0, 0, 0, 0, 1]


def test_one_persons_next_days_with_time_off_and_pending_requests(club: World) -> None:
    core, _ = core_pair(club)
    club.assignment(core, "E-ANN", at(3, "10:45"))
    far = club.event("606009-CORE-Far", day(20), day(30))
    club.assignment(far, "E-ANN", at(20, "10:45"))
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-ANN", day(5), day(6))))
    club.write(lambda uow: uow.time_off_requests.add(TimeOffRequest(0, "E-ANN", day(9), day(9))))
    mine = _queries(club).employee(EMPLOYEE, "E-ANN")
    assert [r.event_id for r in mine.rows] == [core.id]
    assert len(mine.time_off) == 1 and len(mine.pending_requests) == 1
    assert mine.start == day(0) and mine.end == day(13)


def test_events_unscheduled_urgent_unreported_and_by_text(club: World) -> None:
    urgent = club.event("606001-CORE-Urgent", day(0), day(2))
    later = club.event("606002-CORE-Later", day(0), day(20))
    scheduled = club.event("606003-CORE-Booked", day(0), day(20))
    club.assignment(scheduled, "E-ANN", at(4, "10:45"))
    past = club.event("606004-CORE-Past", day(-8), day(-2))
    club.assignment(past, "E-BEN", at(-4, "10:45"))
    queries = _queries(club)
    assert [r.event.id for r in queries.events(EMPLOYEE, "unscheduled")] == [urgent.id, later.id]
    assert [r.event.id for r in queries.events(EMPLOYEE, "urgent")] == [urgent.id]
    [unreported] = queries.events(EMPLOYEE, "unreported")
    assert unreported.event.id == past.id and unreported.days_overdue == 4
    assert unreported.employee_name == "Ben Baker"
    assert [r.event.id for r in queries.events(EMPLOYEE, "booked")] == [scheduled.id]
    assert [r.event.id for r in queries.events(EMPLOYEE, str(later.mplan_id))] == [later.id]


def test_a_submitted_past_event_is_not_unreported(club: World) -> None:
    past = club.event("606004-CORE-Past", day(-8), day(-2))
    club.assignment(past, "E-BEN", at(-4, "10:45"))
    club.write(lambda uow: uow.events.update(replace(club.get_event(past.id), condition=Condition.SUBMITTED)))
    assert _queries(club).events(EMPLOYEE, "unreported") == []


def test_workload_counts_events_and_work_days_per_week(club: World) -> None:
    for offset in (4, 5, 5):
        ev = club.event(f"Work {offset}-{len(club.assignments())}", day(0), day(20))
        club.assignment(ev, "E-LEAD", at(offset, "10:00"))
    rows = {r.employee.id: r for r in _queries(club).workload(LEAD, day(4), day(10))}
    [week] = rows["E-LEAD"].weeks
    assert (week.week_start, week.events, week.work_days, week.band) == (day(4), 3, 2, "normal")
    assert rows["E-ANN"].total_events == 0


def test_workload_is_for_leads_and_up(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _queries(club).workload(EMPLOYEE, day(0), day(6))
    with pytest.raises(InvalidInput):
        _queries(club).workload(LEAD, day(6), day(0))


def test_status_shows_last_syncs_pending_work_and_people_to_review(club: World) -> None:
    now = datetime(2025, 10, 1, 12, tzinfo=UTC)
    club.write(lambda uow: uow.sync_runs.add(SyncRun(0, "events", now, now, {"created": 1}, [], "ok")))
    club.write(lambda uow: uow.sync_runs.add(SyncRun(0, "events", now, now, {"created": 2}, [], "ok")))
    core, _ = core_pair(club)
    run = club.write(
        lambda uow: uow.runs.add(
            SchedulerRun(0, "UMANAGER", now, day(1), day(14), status=RunStatus.COMPLETED)
        )
    )
    club.write(lambda uow: uow.proposals.add(Proposal(0, run.id, core.id, "E-ANN", at(4, "10:45"))))
    club.write(lambda uow: uow.proposals.add(Proposal(0, run.id, core.id)))
    club.write(lambda uow: uow.time_off_requests.add(TimeOffRequest(0, "E-ANN", day(9), day(9))))
    club.employee("E-NEW", "Nia New", needs_review=True)
    status = _queries(club).status(MANAGER)
    assert status.last_syncs["events"].counts == {"created": 2}
    assert (status.pending_proposals, status.pending_time_off) == (1, 1)
    assert [e.id for e in status.needs_review] == ["E-NEW"]


def test_the_team_roster_shows_links_and_weekly_availability(club: World) -> None:
    from core.model import SlackLink

    club.write(lambda uow: uow.slack_links.add(SlackLink("UANN", employee_id="E-ANN")))
    rows = _queries(club).team(EMPLOYEE)
    ann = next(r for r in rows if r.employee.id == "E-ANN")
    assert ann.slack_user_id == "UANN" and all(ann.weekly.days)


def test_unlinked_people_see_nothing(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _queries(club).day(UNLINKED, day(0))


def test_event_references_resolve_in_the_actors_store_around_its_today(club: World) -> None:
    queries = _queries(club)
    core, sup = core_pair(club)
    old = club.event("606009-CORE-Old Pretzel", day(-90), day(-80))

    assert queries.resolve_event(EMPLOYEE, EventRef(RefKind.NUMBER, "606001")).id == core.id
    assert queries.resolve_event(LEAD, EventRef(RefKind.NUMBER, "606001", sup.event_type)).id == sup.id
    assert queries.resolve_event(MANAGER, EventRef(RefKind.ID, str(old.id))).id == old.id
    with pytest.raises(NotFound):
        queries.resolve_event(MANAGER, EventRef(RefKind.NUMBER, "606009"))
    assert queries.resolve_event(MANAGER, EventRef(RefKind.NUMBER, "606009"), day(-85)).id == old.id
    with pytest.raises(NotFound):
        queries.resolve_event(replace(MANAGER, store_id=2), EventRef(RefKind.ID, str(core.id)))
    with pytest.raises(PermissionDenied):
        queries.resolve_event(UNLINKED, EventRef(RefKind.ID, str(core.id)))
