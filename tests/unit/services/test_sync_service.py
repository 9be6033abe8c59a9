"""Syncs: events upserted by mPlanID (case 25), remote schedules by RepID, conflicts reported,
idempotent second runs, reps never deleted, the EDR cache filled."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from core.errors import InvalidInput, NeedsMfaCode, PermissionDenied, RemoteError
from core.model import Condition, EventType, JobTitle
from core.ports import EdrItem, EdrReport, RemoteEvent, RemoteRep
from core.services.sync import SyncService
from tests.fakes.crossmark import FakeCrossmark
from tests.unit.services.service_world import LEAD, MANAGER, FakeRetailLink, World, at, day, team

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
def club(world: World) -> World:
    team(world)
    return world


def _sync(club: World, retail_link: FakeRetailLink | None = None) -> SyncService:
    return SyncService(club.uow_factory, club.crossmark, club.clock, retail_link)


def _events(club: World) -> list:  # type: ignore[type-arg]
    return club.read(lambda uow: uow.events.list())  # type: ignore[no-any-return]


def test_a_remote_mplan_becomes_an_event_with_the_inclusive_due_date(club: World) -> None:
    club.crossmark.add_events([RECORD])
    report = _sync(club).sync_events(MANAGER)
    [ev] = _events(club)
    assert (ev.mplan_id, ev.event_type, ev.start_date, ev.due_date) == (
        31785976,
        EventType.CORE,
        date(2025, 10, 1),
        date(2025, 10, 8),
    )
    assert (ev.condition, ev.location_mvid, ev.sales_tools_url) == (
        Condition.UNSTAFFED,
        "157384",
        "https://example.test/tool.pdf",
    )
    assert club.assignments() == []
    assert report.counts["created"] == 1 and report.run.status == "ok"


def test_a_remote_schedule_becomes_an_assignment_for_the_employee_with_that_repid(club: World) -> None:
    rep = club.rep_of("E-ANN")
    club.crossmark.add_events(
        [
            replace(
                RECORD,
                condition="Scheduled",
                schedule_start=datetime(2025, 10, 3, 10, 30),
                schedule_rep_id=rep,
                schedule_event_id="43898785",
            )
        ]
    )
    report = _sync(club).sync_events(MANAGER)
    [row] = club.assignments()
    assert (row.employee_id, row.start, row.external_id) == (
        "E-ANN",
        datetime(2025, 10, 3, 10, 30),
        "43898785",
    )
    assert _events(club)[0].condition is Condition.SCHEDULED
    assert report.counts["assignments_created"] == 1


def test_a_second_identical_sync_writes_nothing_but_its_run(club: World) -> None:
    rep = club.rep_of("E-ANN")
    club.crossmark.add_events(
        [
            RECORD,
            replace(
                RECORD,
                mplan_id=31785977,
                name="606035-CORE-Y",
                condition="Scheduled",
                schedule_start=at(3, "10:45"),
                schedule_rep_id=rep,
                schedule_event_id="1",
            ),
        ]
    )
    _sync(club).sync_events(MANAGER)
    before = club.state()
    club.clock.advance(hours=1)
    report = _sync(club).sync_events(MANAGER)
    after = club.state()
    assert after.pop("sync_runs")[:-1] == before.pop("sync_runs")
    assert after == before
    assert (report.counts["created"], report.counts["updated"], report.counts["unchanged"]) == (0, 0, 2)


def test_changed_remote_fields_update_the_event_and_keep_local_ones(club: World) -> None:
    club.crossmark.add_events([RECORD])
    _sync(club).sync_events(MANAGER)
    club.write(lambda uow: uow.events.update(replace(uow.events.list()[0], estimated_minutes=200)))
    club.crossmark.add_events([replace(RECORD, end_date=date(2025, 10, 9), name="606034-CORE-X renamed")])
    report = _sync(club).sync_events(MANAGER)
    [ev] = _events(club)
    assert ev.due_date == date(2025, 10, 9) and ev.name.endswith("renamed") and ev.estimated_minutes == 200
    assert report.counts["updated"] == 1
    assert club.audit()[-1].action == "sync.event_update"


def test_a_staffed_event_without_a_known_rep_is_a_conflict(club: World) -> None:
    club.crossmark.add_events(
        [
            replace(
                RECORD,
                condition="Staffed",
                schedule_start=at(3, "10:45"),
                schedule_rep_id="999999",
                staffed_reps="Zed Zero",
            )
        ]
    )
    report = _sync(club).sync_events(MANAGER)
    assert club.assignments() == []
    assert report.counts["conflicts"] == 1 and "Zed Zero" in report.conflicts[0]
    assert report.run.status == "conflicts"


def test_a_local_assignment_the_remote_no_longer_shows_is_reported_and_kept(club: World) -> None:
    club.crossmark.add_events([RECORD])
    _sync(club).sync_events(MANAGER)
    ev = _events(club)[0]
    row = club.assignment(ev, "E-ANN", at(3, "10:45"))
    report = _sync(club).sync_events(MANAGER)
    assert club.assignments() == [row]
    assert _events(club)[0].condition is Condition.SCHEDULED
    assert report.counts["conflicts"] == 1 and "does not show it" in report.conflicts[0]


def test_a_different_remote_rep_is_a_conflict_and_the_local_assignment_wins(club: World) -> None:
    ben = club.rep_of("E-BEN")
    club.crossmark.add_events([RECORD])
    _sync(club).sync_events(MANAGER)
    row = club.assignment(_events(club)[0], "E-ANN", at(3, "10:45"))
    club.crossmark.add_events(
        [
            replace(
                RECORD,
                condition="Scheduled",
                schedule_start=at(3, "10:45"),
                schedule_rep_id=ben,
                schedule_event_id="77",
            )
        ]
    )
    report = _sync(club).sync_events(MANAGER)
    assert club.assignments() == [row] and report.counts["conflicts"] == 1


def test_a_missing_scheduled_event_id_is_filled_in(club: World) -> None:
    ann = club.rep_of("E-ANN")
    club.crossmark.add_events([RECORD])
    _sync(club).sync_events(MANAGER)
    club.assignment(_events(club)[0], "E-ANN", at(3, "10:45"), external_id=None)
    club.crossmark.add_events(
        [
            replace(
                RECORD,
                condition="Scheduled",
                schedule_start=at(3, "10:45"),
                schedule_rep_id=ann,
                schedule_event_id="4242",
            )
        ]
    )
    report = _sync(club).sync_events(MANAGER)
    assert club.assignments()[0].external_id == "4242" and report.counts["assignments_updated"] == 1


def test_an_unknown_condition_is_reported(club: World) -> None:
    club.crossmark.add_events([replace(RECORD, condition="Teleported")])
    report = _sync(club).sync_events(MANAGER)
    assert _events(club)[0].condition is Condition.UNSTAFFED and "Teleported" in report.conflicts[0]


def test_events_missing_from_the_remote_are_left_alone(club: World) -> None:
    local = club.event("606099-CORE-Local only", day(1), day(5))
    _sync(club).sync_events(MANAGER)
    assert [e.id for e in _events(club)] == [local.id]


def test_a_failed_fetch_is_recorded_and_raised_and_changes_nothing_else(club: World) -> None:
    club.crossmark.fail("planning_events")
    before = club.state()
    with pytest.raises(RemoteError):
        _sync(club).sync_events(MANAGER)
    after = club.state()
    [run] = after.pop("sync_runs")
    before.pop("sync_runs")
    assert after == before and run.status == "failed" and run.errors


def test_reps_become_employees_needing_review_and_are_never_deleted(club: World) -> None:
    club.crossmark.rep_list = [RemoteRep("150777", "Nia New", "US123456")]
    report = _sync(club).sync_reps(MANAGER)
    nia = club.get_employee("US123456")
    assert nia.needs_review and nia.job_title is JobTitle.EVENT_SPECIALIST and nia.rep_id == "150777"
    assert nia.crossmark_employee_id == "US123456" and nia.mv_retail_employee_number == "150777"
    assert report.counts["created"] == 1
    assert len(club.read(lambda uow: uow.employees.list())) == 6


def test_known_reps_get_their_new_names_and_unchanged_ones_are_counted(club: World) -> None:
    ann_rep = club.rep_of("E-ANN")
    ben_rep = club.rep_of("E-BEN")
    club.crossmark.rep_list = [RemoteRep(ann_rep, "Ann Archer"), RemoteRep(ben_rep, "Ben Baker")]
    assert _sync(club).sync_reps(MANAGER).counts["updated"] == 2
    club.crossmark.rep_list[0] = RemoteRep(ann_rep, "Ann Archer-Smith")
    report = _sync(club).sync_reps(MANAGER)
    assert club.get_employee("E-ANN").name == "Ann Archer-Smith"
    assert (report.counts["updated"], report.counts["unchanged"]) == (1, 1)
    before = club.state()
    _sync(club).sync_reps(MANAGER)
    after = club.state()
    assert after.pop("sync_runs")[:-1] == before.pop("sync_runs") and after == before


def test_a_roster_entry_without_a_repid_is_matched_by_name(club: World) -> None:
    club.employee("E-PAT", "Pat Park", rep_id=None)
    club.crossmark.rep_list = [RemoteRep("150900", "pat park")]
    _sync(club).sync_reps(MANAGER)
    assert club.rep_of("E-PAT") == "150900"


def test_the_edr_sync_fills_the_cache_and_counts_changes(club: World) -> None:
    reports = [EdrReport("606034", "Pretzel", date(2025, 10, 3), items=(EdrItem("1", "Pretzel"),))]
    link = FakeRetailLink(reports)
    first = _sync(club, link).sync_edr(MANAGER)
    assert first.counts["created"] == 1 and link.browsed[0][2] == "8135"
    cached = club.read(lambda uow: uow.edr_cache.get(1, "606034", 24))
    assert cached is not None and cached.fetched_at == datetime(2025, 10, 1, 12, tzinfo=UTC)
    assert _sync(club, link).sync_edr(MANAGER).counts["unchanged"] == 1


def test_the_edr_sync_without_a_session_records_that_a_code_is_needed(club: World) -> None:
    with pytest.raises(NeedsMfaCode):
        _sync(club, FakeRetailLink([], needs_code=True)).sync_edr(MANAGER)
    [run] = club.read(lambda uow: uow.sync_runs.list())
    assert run.status == "needs_code"


def test_the_edr_sync_without_retail_link_is_bad_input(club: World) -> None:
    with pytest.raises(InvalidInput):
        _sync(club).sync_edr(MANAGER)


def test_only_managers_run_syncs(club: World) -> None:
    before = club.state()
    with pytest.raises(PermissionDenied):
        _sync(club).sync_events(LEAD)
    assert club.state() == before and club.crossmark.calls == []


class _ListsEveryMplanTwice(FakeCrossmark):
    """A planning board whose paging repeats every mPlan (the second copy renamed)."""

    def planning_events(self, start: date, end: date) -> list[RemoteEvent]:
        once = super().planning_events(start, end)
        return once + [replace(e, name=f"{e.name} again") for e in once]


def test_an_mplan_listed_twice_in_one_fetch_becomes_one_event_the_first_copy(club: World) -> None:
    remote = _ListsEveryMplanTwice()
    remote.add_events([RECORD])
    report = SyncService(club.uow_factory, remote, club.clock).sync_events(MANAGER)
    [ev] = _events(club)
    assert ev.name == "606034-CORE-X" and report.counts["created"] == 1


def test_a_rep_matching_an_employee_created_in_the_same_sync_updates_it_before_it_is_written(
        club: World) -> None:
    club.crossmark.rep_list = [RemoteRep("150777", "Nia New", "US123456"),
                               RemoteRep("150778", "Nia New", "US123456")]
    report = _sync(club).sync_reps(MANAGER)
    nia = club.get_employee("US123456")
    assert nia.rep_id == "150778" and (report.counts["created"], report.counts["updated"]) == (1, 1)
    assert [e.action for e in club.audit()] == ["sync.employee_create"]
