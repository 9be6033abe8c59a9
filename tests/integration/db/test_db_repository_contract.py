"""Repository contract: the same tests over FakeUnitOfWork and SqlUnitOfWork (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.errors import Conflict, NotFound
from core.model import (
    Assignment,
    AuditEntry,
    AvailabilityOverride,
    Condition,
    DateAvailability,
    Employee,
    Event,
    EventType,
    Holiday,
    JobTitle,
    PaperworkTemplate,
    Proposal,
    ProposalStatus,
    Role,
    RotationAssignment,
    RotationException,
    RotationType,
    RunStatus,
    SchedulerRun,
    SlackLink,
    Store,
    SyncRun,
    TimeOff,
    TimeOffRequest,
    TimeOffStatus,
    WeeklyAvailability,
)
from tests.integration.db.conftest import UowMaker, seed_employee, seed_event

NOW = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)


class TestGenericRepository:
    def test_add_assigns_distinct_ids_to_new_rows(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            first = uow.time_off.add(TimeOff(0, "US100001", date(2025, 3, 1), date(2025, 3, 2)))
            second = uow.time_off.add(TimeOff(0, "US100001", date(2025, 4, 1), date(2025, 4, 2)))
            uow.commit()
        assert first.id > 0 and second.id > first.id

    def test_add_keeps_an_explicit_id_and_later_ids_do_not_collide(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            explicit = uow.time_off.add(TimeOff(50, "US100001", date(2025, 3, 1), date(2025, 3, 2)))
            after = uow.time_off.add(TimeOff(0, "US100001", date(2025, 4, 1), date(2025, 4, 2)))
            uow.commit()
        assert explicit.id == 50
        assert after.id != 50

    def test_adding_an_existing_key_is_a_conflict(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow, pytest.raises(Conflict):
            uow.employees.add(Employee("US100001", "Someone Else"))

    def test_get_of_a_missing_key_is_none(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert uow.employees.get("nobody") is None
            assert uow.events.get(999) is None

    def test_mutating_a_returned_object_changes_nothing_stored(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            employee = uow.employees.get("US100001")
            assert employee is not None
            employee.name = "Changed"
            listed = uow.employees.list()
            listed[0].name = "Changed too"
            assert uow.employees.get("US100001") == Employee("US100001", "Ann Lee")

    def test_update_replaces_the_stored_row(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            employee = uow.employees.get("US100001")
            assert employee is not None
            employee.job_title = JobTitle.LEAD
            employee.termination_date = date(2025, 6, 30)
            uow.employees.update(employee)
            uow.commit()
        with any_uow() as uow:
            stored = uow.employees.get("US100001")
        assert stored is not None and stored.job_title is JobTitle.LEAD
        assert stored.termination_date == date(2025, 6, 30)

    def test_update_of_a_missing_row_is_not_found(self, any_uow: UowMaker) -> None:
        with any_uow() as uow, pytest.raises(NotFound):
            uow.employees.update(Employee("ghost", "Ghost"))

    def test_delete_removes_the_row_and_ignores_missing_ones(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            uow.employees.delete("US100001")
            uow.employees.delete("ghost")
            uow.commit()
        with any_uow() as uow:
            assert uow.employees.get("US100001") is None

    def test_list_filters_on_every_given_field(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            other = uow.stores.add(Store(0, "4242", "Sam's Club 4242"))
            uow.employees.add(Employee("A", "Ann", job_title=JobTitle.LEAD))
            uow.employees.add(Employee("B", "Bob", is_active=False))
            uow.employees.add(Employee("C", "Cid", store_id=other.id))
            uow.commit()
        with any_uow() as uow:
            assert [e.id for e in uow.employees.list(store_id=1)] == ["A", "B"]
            assert [e.id for e in uow.employees.list(store_id=1, is_active=True)] == ["A"]
            assert [e.id for e in uow.employees.list(job_title=JobTitle.LEAD)] == ["A"]
            assert [e.id for e in uow.employees.list(email=None)] == ["A", "B", "C"]
            assert [e.id for e in uow.employees.list()] == ["A", "B", "C"]

    def test_list_by_an_unknown_field_is_a_type_error(self, any_uow: UowMaker) -> None:
        with any_uow() as uow, pytest.raises(TypeError):
            uow.employees.list(shoe_size=42)

    def test_unique_rep_id_per_store_is_a_conflict_that_leaves_the_unit_of_work_usable(
            self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.employees.add(Employee("A", "Ann", rep_id="150001"))
            with pytest.raises(Conflict):
                uow.employees.add(Employee("B", "Bob", rep_id="150001"))
            uow.employees.add(Employee("C", "Cid", rep_id="150002"))
            uow.commit()
        with any_uow() as uow:
            assert [e.id for e in uow.employees.list()] == ["A", "C"]

    def test_the_same_mplan_twice_in_a_store_is_a_conflict(self, any_uow: UowMaker) -> None:
        seed_event(any_uow, mplan_id=1)
        with any_uow() as uow, pytest.raises(Conflict):
            uow.events.add(Event(0, 1, "again", date(2025, 3, 1), date(2025, 3, 2)))

    def test_the_default_store_exists(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert uow.stores.get(1) == Store(1, "8135", "Sam's Club 8135", "America/Indiana/Indianapolis")


def _entities(event_id: int, run_id: int) -> list[tuple[str, object]]:
    """One fully populated instance of every generic-repository entity."""
    return [
        ("employees", Employee("US100002", "Bo Diaz", job_title=JobTitle.JUICER_BARISTA, is_active=False,
                               email="bo@example.com", phone="555-0100", termination_date=date(2025, 5, 1),
                               rep_id="150002", crossmark_employee_id="US100002",
                               mv_retail_employee_number="150002", adult_beverage_trained=True,
                               needs_review=True)),
        ("events", Event(0, 31785999, "606034-JJSF-Super Pretzel", date(2025, 3, 3), date(2025, 3, 9),
                         event_type=EventType.JUICER, condition=Condition.STAFFED, location_mvid="157384",
                         store_number="8135", store_name="Sam's Club", estimated_minutes=120,
                         sales_tools_url="https://example.com/x.pdf", allow_auto_schedule=False,
                         last_synced=NOW)),
        ("assignments", Assignment(0, event_id, "US100001", datetime(2025, 3, 4, 10, 45),
                                   external_id="43898785", sync_status="pending")),
        ("weekly_availability", WeeklyAvailability("US100001",
                                                   (True, False, True, False, True, False, True))),
        ("date_availability", DateAvailability(0, "US100001", date(2025, 3, 5), False, "dentist")),
        ("overrides", AvailabilityOverride(0, "US100001", date(2025, 3, 1), date(2025, 3, 31),
                                           (None, False, True, None, None, None, False), "school", "U1")),
        ("time_off", TimeOff(0, "US100001", date(2025, 3, 10), date(2025, 3, 12), "trip")),
        ("time_off_requests", TimeOffRequest(0, "US100001", date(2025, 3, 10), date(2025, 3, 12), "trip",
                                             status=TimeOffStatus.APPROVED, requested_by="U1",
                                             decided_by="U2", decided_at=NOW, note="ok",
                                             created_at=NOW - timedelta(days=1))),
        ("rotations", RotationAssignment(2, RotationType.JUICER, "US100001")),
        ("rotation_exceptions", RotationException(0, date(2025, 3, 5), RotationType.PRIMARY_LEAD,
                                                  "US100001", "swap")),
        ("holidays", Holiday(0, "Thanksgiving", date(2025, 11, 27), is_recurring=True, recurring_month=11,
                             recurring_day=27, is_active=False, notes="closed")),
        ("slack_links", SlackLink("U0123", Role.MANAGER, "T0001", employee_id="US100001")),
        ("runs", SchedulerRun(0, "U1", NOW, date(2025, 3, 3), date(2025, 3, 9), options={"days": 7},
                              status=RunStatus.COMPLETED, solver_status="OPTIMAL", gap=0.0,
                              wall_seconds=1.5, counters={"scheduled": 3}, decided_by="U2",
                              decided_at=NOW, error=None)),
        ("proposals", Proposal(0, run_id, event_id, "US100001", datetime(2025, 3, 4, 10, 45),
                               ProposalStatus.EDITED, ["R-TIME-1", "urgent"], "why", 7, "606001", None, 9)),
        ("templates", PaperworkTemplate(0, "Checklist", "docs/checklist.pdf", "daily", 2, False)),
        ("sync_runs", SyncRun(0, "events", NOW, NOW + timedelta(minutes=1), {"created": 2},
                              ["timeout"], "completed")),
    ]


def _primary(obj: object) -> object:
    if isinstance(obj, RotationAssignment):
        return (obj.store_id, obj.weekday, obj.rotation_type)
    if isinstance(obj, WeeklyAvailability):
        return obj.employee_id
    if isinstance(obj, SlackLink):
        return obj.slack_user_id
    return obj.id  # type: ignore[attr-defined]


class TestEntityRoundTrip:
    def test_every_entity_reads_back_equal_to_what_was_added(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        event = seed_event(any_uow)
        with any_uow() as uow:
            run = uow.runs.add(SchedulerRun(0, "U1", NOW, date(2025, 3, 3), date(2025, 3, 9)))
            uow.commit()
        added = []
        with any_uow() as uow:
            for repo_name, entity in _entities(event.id, run.id):
                added.append((repo_name, getattr(uow, repo_name).add(entity)))
            uow.commit()
        with any_uow() as uow:
            for repo_name, stored in added:
                assert getattr(uow, repo_name).get(_primary(stored)) == stored, repo_name

    def test_enum_fields_read_back_as_enums(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            uow.rotations.add(RotationAssignment(0, RotationType.PRIMARY_LEAD, "US100001"))
            uow.commit()
        with any_uow() as uow:
            rotation = uow.rotations.get((1, 0, "primary_lead"))
            employee = uow.employees.get("US100001")
        assert rotation is not None and rotation.rotation_type is RotationType.PRIMARY_LEAD
        assert employee is not None and employee.job_title is JobTitle.EVENT_SPECIALIST

    def test_audit_entries_keep_their_json_before_and_after(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            entry = uow.audit.add(AuditEntry(0, "U1", "approve", "proposal", "7", {"status": "proposed"},
                                             {"status": "pushed", "codes": ["a", "b"]}, NOW))
            uow.audit.add(AuditEntry(0, "U2", "reject", "run", "3", None, None, NOW))
            uow.commit()
        with any_uow() as uow:
            assert uow.audit.list(actor="U1") == [entry]
            assert [e.action for e in uow.audit.list()] == ["approve", "reject"]


class TestEventsAndAssignments:
    def test_by_mplan_finds_the_event_of_the_store(self, any_uow: UowMaker) -> None:
        event = seed_event(any_uow, mplan_id=777)
        with any_uow() as uow:
            assert uow.events.by_mplan(1, 777) == event
            assert uow.events.by_mplan(1, 778) is None
            assert uow.events.by_mplan(2, 777) is None

    def test_overlapping_includes_windows_touching_either_end(self, any_uow: UowMaker) -> None:
        before = seed_event(any_uow, 1, date(2025, 3, 1), date(2025, 3, 2))
        touching_start = seed_event(any_uow, 2, date(2025, 3, 1), date(2025, 3, 3))
        inside = seed_event(any_uow, 3, date(2025, 3, 4), date(2025, 3, 5))
        touching_end = seed_event(any_uow, 4, date(2025, 3, 7), date(2025, 3, 20))
        after = seed_event(any_uow, 5, date(2025, 3, 8), date(2025, 3, 9))
        with any_uow() as uow:
            found = uow.events.overlapping(1, date(2025, 3, 3), date(2025, 3, 7))
        assert [e.id for e in found] == [touching_start.id, inside.id, touching_end.id]
        assert before.id not in [e.id for e in found] and after.id not in [e.id for e in found]

    def test_between_takes_whole_days_and_orders_by_start(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        event = seed_event(any_uow)
        starts = [datetime(2025, 3, 5, 0, 0), datetime(2025, 3, 3, 23, 59), datetime(2025, 3, 4, 9, 0),
                  datetime(2025, 3, 2, 23, 59), datetime(2025, 3, 6, 0, 0)]
        with any_uow() as uow:
            for start in starts:
                uow.assignments.add(Assignment(0, event.id, "US100001", start))
            uow.commit()
        with any_uow() as uow:
            found = [a.start for a in uow.assignments.between(1, date(2025, 3, 3), date(2025, 3, 5))]
            by_event = [a.start for a in uow.assignments.for_event(event.id)]
        assert found == [datetime(2025, 3, 3, 23, 59), datetime(2025, 3, 4, 9, 0), datetime(2025, 3, 5, 0, 0)]
        assert by_event == sorted(starts)

    def test_assignment_start_stays_store_local_wall_clock(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        event = seed_event(any_uow)
        start = datetime.combine(date(2025, 3, 9), time(10, 45))
        with any_uow() as uow:
            added = uow.assignments.add(Assignment(0, event.id, "US100001", start))
            uow.commit()
        with any_uow() as uow:
            stored = uow.assignments.get(added.id)
        assert stored is not None and stored.start == start and stored.start.tzinfo is None


class TestStatusTransitions:
    def _proposal(self, any_uow: UowMaker) -> Proposal:
        event = seed_event(any_uow)
        with any_uow() as uow:
            run = uow.runs.add(SchedulerRun(0, "U1", NOW, date(2025, 3, 3), date(2025, 3, 9)))
            proposal = uow.proposals.add(Proposal(0, run.id, event.id))
            uow.commit()
        return proposal

    def test_a_transition_from_the_current_status_succeeds_once(self, any_uow: UowMaker) -> None:
        proposal = self._proposal(any_uow)
        with any_uow() as uow:
            assert uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED, ProposalStatus.EDITED],
                                            ProposalStatus.PUSHED)
            assert not uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED], ProposalStatus.PUSHED)
            uow.commit()
        with any_uow() as uow:
            stored = uow.proposals.get(proposal.id)
        assert stored is not None and stored.status is ProposalStatus.PUSHED

    def test_a_transition_of_a_missing_row_fails(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert not uow.proposals.transition(404, [ProposalStatus.PROPOSED], ProposalStatus.PUSHED)
            assert not uow.runs.transition(404, [RunStatus.COMPLETED], RunStatus.APPROVED)

    def test_an_uncommitted_transition_is_rolled_back(self, any_uow: UowMaker) -> None:
        proposal = self._proposal(any_uow)
        with any_uow() as uow:
            assert uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED], ProposalStatus.REJECTED)
        with any_uow() as uow:
            assert uow.proposals.transition(proposal.id, [ProposalStatus.PROPOSED], ProposalStatus.PUSHED)

    def test_run_status_compare_and_set(self, any_uow: UowMaker) -> None:
        proposal = self._proposal(any_uow)
        with any_uow() as uow:
            assert uow.runs.transition(proposal.run_id, [RunStatus.RUNNING], RunStatus.COMPLETED)
            assert not uow.runs.transition(proposal.run_id, [RunStatus.RUNNING], RunStatus.FAILED)
            uow.commit()
        with any_uow() as uow:
            run = uow.runs.get(proposal.run_id)
            assert [p.id for p in uow.proposals.for_run(proposal.run_id)] == [proposal.id]
        assert run is not None and run.status is RunStatus.COMPLETED
