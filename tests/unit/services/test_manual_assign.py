"""Assigning an event by hand: rules, overrides, remote first, the paired Supervisor (product.md §5.3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import Conflict, InvalidInput, NotFound, RemoteError, RuleViolation
from core.model import Condition, DateAvailability, Holiday, TimeOff
from core.rules import Code
from core.services.scheduling import SchedulingService
from tests.fakes.uow import FakeUnitOfWork
from tests.unit.services.service_world import MANAGER, World, at, core_pair, day, team


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def test_assigning_pushes_once_then_stores_the_assignment_with_the_remote_id(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    pushes = club.crossmark.calls_to("schedule")
    assert len(pushes) == 1
    assert pushes[0].args["start"] == at(3, "10:45") and pushes[0].args["end"] == at(3, "17:15")
    assert pushes[0].args["rep_id"] is not None and pushes[0].args["location"] == "157384"
    [row] = club.assignments_of(core.id)
    assert row.external_id == pushes[0].args["id"] and row.employee_id == "E-ANN"
    assert club.get_event(core.id).condition is Condition.SCHEDULED
    assert result.assignments == (row,) and result.warnings == ()


def test_assigning_writes_an_audit_row_with_who_and_what(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    [entry] = club.audit()
    assert (entry.actor, entry.action, entry.entity) == ("UMANAGER", "assignment.create", "assignment")
    assert entry.before is None and entry.after is not None and entry.after["employee_id"] == "E-ANN"


def test_the_assigned_employee_is_told_by_dm(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.notifier.to("E-ANN") == ["You're scheduled: 606009-CORE-Lonely on Sat 10/04 at 10:45 AM."]


def test_a_failed_dm_does_not_undo_the_assignment(club: World) -> None:
    club.notifier.fail = RuntimeError("slack down")
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.assignments_of(core.id) and any("notify" in w for w in result.warnings)


def test_a_core_brings_its_supervisor_to_the_club_supervisor_at_noon(club: World) -> None:
    core, sup = core_pair(club)
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    [placed] = club.assignments_of(sup.id)
    assert (placed.employee_id, placed.start) == ("E-CARA", at(3, "12:00"))
    assert len(club.crossmark.calls_to("schedule")) == 2 and placed.external_id is not None
    assert club.get_event(sup.id).condition is Condition.SCHEDULED
    assert len(result.changes) == 2
    assert club.notifier.to("E-CARA")


def test_the_supervisor_goes_to_the_primary_lead_when_the_club_supervisor_is_off(club: World) -> None:
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-CARA", day(3), day(3))))
    core, sup = core_pair(club)
    club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    [placed] = club.assignments_of(sup.id)
    assert (placed.employee_id, placed.start) == ("E-LEAD", at(3, "12:00"))


def test_several_supervisor_events_of_one_person_are_staggered(club: World) -> None:
    first_core, first_sup = core_pair(club, "606001")
    second_core, second_sup = core_pair(club, "606002")
    club.scheduling.assign(MANAGER, first_core.id, "E-ANN", at(3, "10:45"))
    club.scheduling.assign(MANAGER, second_core.id, "E-BEN", at(3, "11:15"))
    starts = [club.assignments_of(s.id)[0].start for s in (first_sup, second_sup)]
    assert starts == [at(3, "12:00"), at(3, "12:05")]


def test_the_core_is_kept_with_a_warning_when_nobody_can_take_the_supervisor(club: World) -> None:
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-CARA", day(3), day(3))))
    club.write(lambda uow: uow.date_availability.add(DateAvailability(0, "E-LEAD", day(3), False)))
    core, sup = core_pair(club)
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.assignments_of(core.id) and not club.assignments_of(sup.id)
    assert any("Nobody can take" in w for w in result.warnings)


def test_the_core_is_kept_with_a_warning_when_the_supervisor_push_fails(club: World) -> None:
    core, sup = core_pair(club)
    club.crossmark.fail("schedule", skip=1)
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.assignments_of(core.id) and not club.assignments_of(sup.id)
    assert any("could not be pushed" in w for w in result.warnings)


def test_a_remote_failure_changes_nothing_locally(club: World) -> None:
    core, _ = core_pair(club)
    before = club.state()
    club.crossmark.fail("schedule")
    with pytest.raises(RemoteError):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.state() == before
    assert club.notifier.sent == []


def test_an_employee_without_a_repid_is_refused_before_anything_is_pushed(club: World) -> None:
    club.employee("E-NEW", "Nia New", rep_id=None)
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    before = club.state()
    with pytest.raises(InvalidInput, match="RepID"):
        club.scheduling.assign(MANAGER, core.id, "E-NEW", at(3, "10:45"))
    assert club.crossmark.calls == [] and club.state() == before


def test_an_event_without_a_location_is_refused_before_anything_is_pushed(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8), location=None)
    with pytest.raises(InvalidInput, match="location"):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert club.crossmark.calls == []


def test_hard_rules_refuse_with_the_reasons(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(RuleViolation) as err:
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(9, "10:45"))
    assert [v.code for v in err.value.violations] == [Code.OUTSIDE_WINDOW]
    assert not err.value.needs_confirmation
    assert club.assignments() == [] and club.audit() == []


def test_an_override_reason_cannot_bend_a_non_overridable_rule(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(RuleViolation):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(9, "10:45"), override_reason="please")


def test_time_off_refuses_unless_a_manager_overrides_with_a_reason(club: World) -> None:
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-ANN", day(3), day(3))))
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(RuleViolation) as err:
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert err.value.violations[0].overridable
    result = club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"), override_reason="she asked")
    assert result.assignments
    [entry] = club.audit()
    assert entry.after is not None
    assert entry.after["override_reason"] == "she asked" and entry.after["overridden"] == ["time_off"]


def test_a_blank_override_reason_is_bad_input(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(InvalidInput) as err:
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"), override_reason="  ")
    assert "override_reason" in err.value.fields


def test_a_holiday_needs_an_override_for_every_event_type(club: World) -> None:
    club.write(lambda uow: uow.holidays.add(Holiday(0, "Founders Day", day(3))))
    freeosk = club.event("Freeosk refill", day(2), day(8))
    with pytest.raises(RuleViolation, match="Company Holiday"):
        club.scheduling.assign(MANAGER, freeosk.id, "E-LEAD", at(3, "10:00"))


def test_soft_warnings_need_a_confirmation(club: World) -> None:
    for offset in range(4, 10):
        ev = club.event(f"60610{offset}-CORE-Week", day(0), day(12))
        club.assignment(ev, "E-ANN", at(offset, "10:45"))
    seventh = club.event("606200-CORE-Seventh", day(0), day(12))
    with pytest.raises(RuleViolation) as err:
        club.scheduling.assign(MANAGER, seventh.id, "E-ANN", at(10, "10:45"))
    assert err.value.needs_confirmation and err.value.violations[0].code is Code.WEEK_CAP
    result = club.scheduling.assign(MANAGER, seventh.id, "E-ANN", at(10, "10:45"), confirm=True)
    assert any("would work 7 days" in w for w in result.warnings)
    assert club.audit()[-1].after["confirmed_warnings"] == ["week_cap"]  # type: ignore[index]


def test_an_already_scheduled_event_is_a_conflict(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    club.assignment(core, "E-BEN", at(3, "10:45"))
    with pytest.raises(Conflict, match="already scheduled"):
        club.scheduling.assign(MANAGER, core.id, "E-ANN", at(3, "11:15"))


def test_unknown_event_and_employee_are_not_found(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(NotFound):
        club.scheduling.assign(MANAGER, 9999, "E-ANN", at(3, "10:45"))
    with pytest.raises(NotFound):
        club.scheduling.assign(MANAGER, core.id, "E-GHOST", at(3, "10:45"))


def test_an_inactive_employee_cannot_be_assigned_even_with_a_reason(club: World) -> None:
    club.employee("E-OLD", "Otto Old", is_active=False)
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    with pytest.raises(RuleViolation, match="inactive"):
        club.scheduling.assign(MANAGER, core.id, "E-OLD", at(3, "10:45"), override_reason="why not")


def test_an_aware_start_is_read_as_store_local_time(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    club.scheduling.assign(MANAGER, core.id, "E-ANN", datetime(2025, 10, 4, 14, 45, tzinfo=UTC))
    assert club.assignments_of(core.id)[0].start == at(3, "10:45")


def test_preview_lists_every_broken_rule_without_changing_anything(club: World) -> None:
    core = club.event("606009-CORE-Lonely", day(2), day(8))
    before = club.state()
    found = club.scheduling.preview(MANAGER, core.id, "E-CARA", at(9, "10:30"))
    assert {v.code for v in found} == {Code.CLUB_SUPERVISOR_CORE, Code.OUTSIDE_WINDOW, Code.TIME_NOT_ALLOWED}
    assert club.state() == before and club.crossmark.calls == []


class _BrokenAssignments:
    """An assignment repository whose writes fail (a database error after the remote push)."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def add(self, obj: object) -> object:
        raise RuntimeError("disk full")


def test_a_local_failure_after_the_push_takes_the_push_back(club: World) -> None:
    def broken() -> FakeUnitOfWork:
        uow = FakeUnitOfWork(club.db)
        uow.assignments = _BrokenAssignments(uow.assignments)  # type: ignore[assignment]
        return uow

    core = club.event("606009-CORE-Lonely", day(2), day(8))
    service = SchedulingService(broken, club.crossmark, club.notifier, club.clock)
    with pytest.raises(RuntimeError):
        service.assign(MANAGER, core.id, "E-ANN", at(3, "10:45"))
    assert [c.method for c in club.crossmark.calls if c.ok] == ["schedule", "unschedule"]
    assert club.crossmark.schedules == {} and club.assignments() == []
