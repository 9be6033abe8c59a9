"""Availability (self or manager), rotations (atomic, role-checked) and holidays (incl. recurring)."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.model import Actor, JobTitle, Role, RotationType
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.rotations import RotationService
from tests.unit.services.service_world import EMPLOYEE, LEAD, MANAGER, World, day, team

NO_MONDAYS = [False, True, True, True, True, True, True]


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _availability(club: World) -> AvailabilityService:
    return AvailabilityService(club.uow_factory, club.clock)


def _rotations(club: World) -> RotationService:
    return RotationService(club.uow_factory, club.clock)


def _holidays(club: World) -> HolidayService:
    return HolidayService(club.uow_factory, club.clock)


# ---- availability -----------------------------------------------------------------------------


def test_an_employee_sets_their_own_weekly_availability(club: World) -> None:
    saved = _availability(club).set_weekly(EMPLOYEE, "E-ANN", NO_MONDAYS)
    assert saved.days[0] is False
    assert club.read(lambda uow: uow.weekly_availability.get("E-ANN")) == saved
    assert club.audit()[-1].action == "availability.weekly"


def test_saving_the_same_weekly_availability_writes_nothing(club: World) -> None:
    _availability(club).set_weekly(EMPLOYEE, "E-ANN", NO_MONDAYS)
    before = club.state()
    _availability(club).set_weekly(EMPLOYEE, "E-ANN", NO_MONDAYS)
    assert club.state() == before


def test_an_employee_cannot_edit_someone_elses_availability_but_a_manager_can(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _availability(club).set_weekly(EMPLOYEE, "E-BEN", NO_MONDAYS)
    with pytest.raises(PermissionDenied):
        _availability(club).set_weekly(LEAD, "E-BEN", NO_MONDAYS)
    assert _availability(club).set_weekly(MANAGER, "E-BEN", NO_MONDAYS).employee_id == "E-BEN"


def test_weekly_availability_needs_seven_days(club: World) -> None:
    with pytest.raises(InvalidInput):
        _availability(club).set_weekly(EMPLOYEE, "E-ANN", [True] * 6)


def test_a_date_entry_is_set_replaced_and_cleared(club: World) -> None:
    service = _availability(club)
    first = service.set_date(EMPLOYEE, "E-ANN", day(3), False, "dentist")
    second = service.set_date(EMPLOYEE, "E-ANN", day(3), True)
    assert first.id == second.id and second.is_available
    assert len(club.read(lambda uow: uow.date_availability.list())) == 1
    service.clear_date(EMPLOYEE, "E-ANN", day(3))
    assert club.read(lambda uow: uow.date_availability.list()) == []
    with pytest.raises(NotFound):
        service.clear_date(EMPLOYEE, "E-ANN", day(3))


def test_a_date_entry_in_the_past_is_refused(club: World) -> None:
    with pytest.raises(InvalidInput):
        _availability(club).set_date(EMPLOYEE, "E-ANN", day(-1), False)


def test_overrides_are_added_listed_and_removed(club: World) -> None:
    service = _availability(club)
    row = service.add_override(
        MANAGER, "E-ANN", day(1), day(14), [None, None, False, None, None, None, None], "school"
    )
    summary = service.summary(EMPLOYEE, "E-ANN")
    assert summary.overrides == (row,) and row.created_by == "UMANAGER"
    service.remove_override(EMPLOYEE, row.id)
    assert service.summary(EMPLOYEE, "E-ANN").overrides == ()


@pytest.mark.parametrize(
    ("start", "end", "days", "field"),
    [
        (5, 3, [True] * 7, "end"),
        (1, 3, [None] * 7, "days"),
        (1, 3, [True] * 3, "days"),
        (-9, -2, [True] * 7, "end"),
    ],
)
def test_bad_overrides_are_refused(
    club: World, start: int, end: int, days: list[bool | None], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        _availability(club).add_override(MANAGER, "E-ANN", day(start), day(end), days)
    assert field in err.value.fields


def test_availability_of_an_unknown_employee_is_not_found(club: World) -> None:
    with pytest.raises(NotFound):
        _availability(club).set_weekly(MANAGER, "E-GHOST", NO_MONDAYS)


# ---- rotations --------------------------------------------------------------------------------


def test_the_weekly_rotation_is_saved_as_a_whole(club: World) -> None:
    saved = _rotations(club).set_weekly(
        MANAGER, {RotationType.JUICER: {0: "E-JULES", 1: None}, RotationType.PRIMARY_LEAD: {0: "E-CARA"}}
    )
    assert {(r.rotation_type, r.weekday, r.employee_id) for r in saved} == {
        (RotationType.JUICER, 0, "E-JULES"),
        (RotationType.PRIMARY_LEAD, 0, "E-CARA"),
    }
    rows = club.read(lambda uow: uow.rotations.list())
    assert len(rows) == 2
    view = _rotations(club).view(EMPLOYEE)
    assert view.weekly[(RotationType.PRIMARY_LEAD, 0)].name == "Cara Cole"


def test_a_rotation_with_any_wrong_person_is_rejected_whole(club: World) -> None:
    before = club.state()
    with pytest.raises(InvalidInput) as err:
        _rotations(club).set_weekly(
            MANAGER,
            {
                RotationType.JUICER: {0: "E-JULES", 1: "E-ANN"},
                RotationType.PRIMARY_LEAD: {0: "E-BEN", 9: "E-LEAD"},
            },
        )
    assert set(err.value.fields) == {"juicer.1", "primary_lead.0", "primary_lead.9"}
    assert club.state() == before


def test_rotation_types_left_out_of_a_save_stay_as_they_were(club: World) -> None:
    _rotations(club).set_weekly(MANAGER, {RotationType.JUICER: {2: "E-JULES"}})
    rows = club.read(lambda uow: uow.rotations.list())
    assert sum(r.rotation_type is RotationType.PRIMARY_LEAD for r in rows) == 7
    assert [r.weekday for r in rows if r.rotation_type is RotationType.JUICER] == [2]


def test_a_rotation_exception_replaces_the_days_earlier_exception(club: World) -> None:
    club.employee("E-JB2", "Jo Second", JobTitle.JUICER_BARISTA)
    service = _rotations(club)
    first = service.add_exception(MANAGER, day(3), RotationType.JUICER, "E-JB2", "swap")
    second = service.add_exception(MANAGER, day(3), RotationType.JUICER, "E-JULES")
    assert first.id == second.id
    assert [x.employee_id for x in service.view(EMPLOYEE).exceptions] == ["E-JULES"]
    service.remove_exception(MANAGER, second.id)
    assert service.view(EMPLOYEE).exceptions == ()


def test_a_rotation_exception_checks_the_job_title(club: World) -> None:
    with pytest.raises(InvalidInput, match="Juicer Barista"):
        _rotations(club).add_exception(MANAGER, day(3), RotationType.JUICER, "E-ANN")


def test_only_managers_edit_rotations(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _rotations(club).set_weekly(LEAD, {RotationType.JUICER: {0: "E-JULES"}})


# ---- holidays ---------------------------------------------------------------------------------


def test_holidays_are_added_listed_and_removed(club: World) -> None:
    service = _holidays(club)
    row = service.add(MANAGER, "Founders Day", day(10), notes="closed")
    assert [(h.day, h.holiday.name) for h in service.upcoming(EMPLOYEE)] == [(day(10), "Founders Day")]
    service.remove(MANAGER, row.id)
    assert service.upcoming(EMPLOYEE) == []
    assert [e.action for e in club.audit()] == ["holiday.add", "holiday.remove"]


def test_a_recurring_holiday_shows_every_year(club: World) -> None:
    service = _holidays(club)
    service.add(MANAGER, "Christmas", day(0).replace(month=12, day=25), recurring=True)
    days = [h.day for h in service.upcoming(EMPLOYEE, day(0), day(0).replace(year=2027))]
    assert days == [day(0).replace(month=12, day=25), day(0).replace(year=2026, month=12, day=25)]


def test_a_second_holiday_on_the_same_day_or_a_nameless_one_is_refused(club: World) -> None:
    service = _holidays(club)
    service.add(MANAGER, "Founders Day", day(10))
    with pytest.raises(InvalidInput):
        service.add(MANAGER, "Other", day(10))
    with pytest.raises(InvalidInput):
        service.add(MANAGER, "   ", day(11))


def test_removing_an_unknown_holiday_is_not_found(club: World) -> None:
    with pytest.raises(NotFound):
        _holidays(club).remove(MANAGER, 42)


def test_unlinked_people_see_no_holidays(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _holidays(club).upcoming(Actor("UX", Role.EMPLOYEE))
