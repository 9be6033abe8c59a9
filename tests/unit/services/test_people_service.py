"""People: roles (admins), Slack links (by id, RepID, email, unique name), roster edits, termination."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from core.model import JobTitle, Role, SlackLink, TimeOff
from core.services.people import PeopleService, TerminationStrategy
from tests.unit.services.service_world import ADMIN, MANAGER, World, at, day, team


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _service(club: World) -> PeopleService:
    return PeopleService(club.uow_factory, club.crossmark, club.notifier, club.clock)


def test_admins_set_roles_and_the_change_is_audited(club: World) -> None:
    link = _service(club).set_role(ADMIN, "U123", "manager")
    assert link.role is Role.MANAGER and link.employee_id is None
    assert club.read(lambda uow: uow.slack_links.get("U123")).role is Role.MANAGER
    assert club.audit()[-1].action == "slack_link.role"


def test_managers_cannot_change_roles(club: World) -> None:
    before = club.state()
    with pytest.raises(PermissionDenied):
        _service(club).set_role(MANAGER, "U123", Role.ADMIN)
    assert club.state() == before


def test_an_unknown_role_is_bad_input(club: World) -> None:
    with pytest.raises(InvalidInput):
        _service(club).set_role(ADMIN, "U123", "boss")


@pytest.mark.parametrize("query", ["E-ANN", "e-ann", "ann@example.com", "ANN  archer"])
def test_linking_finds_the_employee_by_id_email_or_unique_name(club: World, query: str) -> None:
    _service(club).update_employee(MANAGER, "E-ANN", email="Ann@Example.com")
    link = _service(club).link(MANAGER, "UANN2", query)
    assert link.employee_id == "E-ANN" and link.role is Role.EMPLOYEE


def test_linking_by_repid_and_leads_start_as_leads(club: World) -> None:
    rep = club.rep_of("E-LEAD")
    link = _service(club).link(MANAGER, "ULENA", rep)
    assert link.employee_id == "E-LEAD" and link.role is Role.LEAD


def test_an_ambiguous_name_lists_the_choices(club: World) -> None:
    club.employee("E-ANN2", "Ann Archer")
    with pytest.raises(InvalidInput) as err:
        _service(club).link(MANAGER, "UX", "ann archer")
    assert "E-ANN" in err.value.message and "E-ANN2" in err.value.message
    assert "employee" in err.value.fields


def test_an_unknown_employee_is_not_found(club: World) -> None:
    with pytest.raises(NotFound):
        _service(club).link(MANAGER, "UX", "Nobody Here")


def test_an_employee_linked_to_another_slack_user_is_refused(club: World) -> None:
    _service(club).link(MANAGER, "UFIRST", "E-ANN")
    with pytest.raises(InvalidInput, match="already linked"):
        _service(club).link(MANAGER, "USECOND", "E-ANN")


def test_relinking_keeps_the_role(club: World) -> None:
    club.write(lambda uow: uow.slack_links.add(SlackLink("UBOSS", Role.MANAGER)))
    link = _service(club).link(MANAGER, "UBOSS", "E-LEAD")
    assert link.role is Role.MANAGER and link.employee_id == "E-LEAD"


def test_a_malformed_slack_user_is_bad_input(club: World) -> None:
    with pytest.raises(InvalidInput):
        _service(club).link(MANAGER, "<!channel>", "E-ANN")


def test_unlinking_detaches_the_employee(club: World) -> None:
    _service(club).link(MANAGER, "UFIRST", "E-ANN")
    assert _service(club).unlink(MANAGER, "UFIRST").employee_id is None
    with pytest.raises(NotFound):
        _service(club).unlink(MANAGER, "UFIRST")


def test_editing_an_employee_saves_fields_and_marks_them_reviewed(club: World) -> None:
    club.employee("E-NEW", "Nia New", needs_review=True)
    update = _service(club).update_employee(
        MANAGER, "E-NEW", job_title="Lead Event Specialist", email="nia@example.com"
    )
    assert update.employee.job_title is JobTitle.LEAD and update.employee.email == "nia@example.com"
    assert not update.employee.needs_review
    assert club.audit()[-1].action == "employee.update"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"job_title": "Boss"}, "job_title"),
        ({"email": "not-an-email"}, "email"),
        ({"rep_id": "12a"}, "rep_id"),
    ],
)
def test_bad_roster_edits_are_refused_with_field_errors(
    club: World, fields: dict[str, str], bad: str
) -> None:
    before = club.state()
    with pytest.raises(InvalidInput) as err:
        _service(club).update_employee(MANAGER, "E-ANN", **fields)  # type: ignore[arg-type]
    assert bad in err.value.fields and club.state() == before


def test_an_email_used_by_someone_else_is_refused(club: World) -> None:
    _service(club).update_employee(MANAGER, "E-ANN", email="x@example.com")
    with pytest.raises(InvalidInput, match="another employee"):
        _service(club).update_employee(MANAGER, "E-BEN", email="x@example.com")


def test_deactivating_someone_with_future_work_warns(club: World) -> None:
    core = club.event("606001-CORE-A", day(2), day(8))
    club.assignment(core, "E-ANN", at(3, "10:45"))
    update = _service(club).update_employee(MANAGER, "E-ANN", is_active=False)
    assert not update.employee.is_active and "terminate" in update.warnings[0]


def test_terminating_with_unassign_unschedules_work_after_the_last_day(club: World) -> None:
    keep = club.event("606001-CORE-Keep", day(1), day(8))
    drop = club.event("606002-CORE-Drop", day(1), day(8))
    club.assignment(keep, "E-ANN", at(2, "10:45"))
    club.assignment(drop, "E-ANN", at(4, "10:45"))
    result = _service(club).terminate(MANAGER, "E-ANN", day(2), TerminationStrategy.UNASSIGN)
    assert result.employee.termination_date == day(2) and result.employee.is_active
    assert [a.event_id for a in club.assignments()] == [keep.id]
    assert len(result.handled) == 1 and result.remaining == ()


def test_terminating_with_reassign_moves_the_work_to_the_named_person(club: World) -> None:
    core = club.event("606002-CORE-Drop", day(1), day(8))
    club.assignment(core, "E-ANN", at(4, "10:45"))
    _service(club).terminate(MANAGER, "E-ANN", day(2), "reassign", reassign_to="Ben Baker")
    assert club.assignments_of(core.id)[0].employee_id == "E-BEN"


def test_a_reassignment_that_breaks_a_rule_changes_nothing(club: World) -> None:
    core = club.event("606002-CORE-Drop", day(1), day(8))
    club.assignment(core, "E-ANN", at(4, "10:45"))
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-BEN", day(4), day(4))))
    before = club.state()
    with pytest.raises(RuleViolation, match="606002-CORE-Drop"):
        _service(club).terminate(MANAGER, "E-ANN", day(2), "reassign", reassign_to="E-BEN")
    assert club.state() == before


def test_terminating_for_proposals_leaves_the_work_in_place_and_returns_it(club: World) -> None:
    core = club.event("606002-CORE-Drop", day(1), day(8))
    row = club.assignment(core, "E-ANN", at(4, "10:45"))
    result = _service(club).terminate(MANAGER, "E-ANN", day(2), TerminationStrategy.PROPOSE)
    assert result.remaining == (row,) and club.assignments() == [row]


def test_a_past_last_day_deactivates(club: World) -> None:
    result = _service(club).terminate(MANAGER, "E-ANN", day(-1), TerminationStrategy.UNASSIGN)
    assert not result.employee.is_active


def test_reassigning_needs_someone_else(club: World) -> None:
    with pytest.raises(InvalidInput):
        _service(club).terminate(MANAGER, "E-ANN", day(2), "reassign")
    with pytest.raises(InvalidInput):
        _service(club).terminate(MANAGER, "E-ANN", day(2), "reassign", reassign_to="E-ANN")
    with pytest.raises(InvalidInput):
        _service(club).terminate(MANAGER, "E-ANN", day(2), "vanish")
