"""Team review: new reps from the sync need review, the review flag, and name-match suggestions."""

from __future__ import annotations

import pytest

from core.errors import NotFound, PermissionDenied
from core.model import Employee, JobTitle, SlackLink
from core.ports import RemoteRep
from core.services.identity import SlackProfile
from core.services.sync import SyncService
from core.services.team_review import LinkSuggestion, TeamReviewService
from tests.unit.services.service_world import ACTORS, MANAGER, World, team


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _service(world: World) -> TeamReviewService:
    return TeamReviewService(world.uow_factory, world.clock)


def _sync_two_new_reps(world: World) -> None:
    world.crossmark.rep_list = [
        RemoteRep("160001", "Nora New", "US160001"),
        RemoteRep("160002", "Abe Arrival", "US160002"),
    ]
    SyncService(world.uow_factory, world.crossmark, world.clock).sync_reps(MANAGER)


def test_new_reps_from_the_crossmark_sync_are_listed_as_event_specialists_needing_review(club: World) -> None:
    _sync_two_new_reps(club)

    listed = _service(club).needs_review(MANAGER)

    assert [(e.name, e.job_title, e.rep_id) for e in listed] == [
        ("Abe Arrival", JobTitle.EVENT_SPECIALIST, "160002"),
        ("Nora New", JobTitle.EVENT_SPECIALIST, "160001"),
    ]


def test_marking_a_rep_reviewed_removes_them_from_the_list_and_is_audited(club: World) -> None:
    _sync_two_new_reps(club)
    nora = next(e for e in _service(club).needs_review(MANAGER) if e.name == "Nora New")

    outcome = _service(club).mark_reviewed(MANAGER, nora.id)

    assert outcome.changed and not outcome.employee.needs_review
    assert [e.name for e in _service(club).needs_review(MANAGER)] == ["Abe Arrival"]
    entry = club.audit()[-1]
    assert (entry.action, entry.entity_id, entry.actor) == ("employee.review", nora.id, MANAGER.slack_user_id)


def test_a_second_review_click_changes_nothing(club: World) -> None:
    _sync_two_new_reps(club)
    nora = next(e for e in _service(club).needs_review(MANAGER) if e.name == "Nora New")
    _service(club).mark_reviewed(MANAGER, nora.id)
    before = club.state()

    outcome = _service(club).mark_reviewed(MANAGER, nora.id)

    assert not outcome.changed
    assert club.state() == before


def test_reviewing_an_unknown_employee_is_not_found(club: World) -> None:
    with pytest.raises(NotFound):
        _service(club).mark_reviewed(MANAGER, "E-NOPE")


@pytest.mark.parametrize("who", ["employee", "lead", "unlinked"])
def test_only_managers_see_and_clear_the_review_list(club: World, who: str) -> None:
    _sync_two_new_reps(club)
    before = club.state()

    with pytest.raises(PermissionDenied):
        _service(club).needs_review(ACTORS[who])
    with pytest.raises(PermissionDenied):
        _service(club).mark_reviewed(ACTORS[who], "E-ANN")
    assert club.state() == before


def test_a_unique_exact_full_name_is_suggested_and_nothing_is_linked(club: World) -> None:
    before = club.state()

    found = _service(club).link_suggestions(MANAGER, [SlackProfile("U0ANN", real_name="ann  ARCHER")])

    assert found == [LinkSuggestion("U0ANN", "ann  ARCHER", "E-ANN", "Ann Archer")]
    assert club.state() == before


def test_a_name_two_employees_share_suggests_nothing(club: World) -> None:
    club.employee("E-ANN2", "Ann Archer")

    assert _service(club).link_suggestions(MANAGER, [SlackProfile("U0ANN", real_name="Ann Archer")]) == []


def test_a_name_two_slack_users_share_suggests_nothing(club: World) -> None:
    profiles = [SlackProfile("U0ANN", real_name="Ann Archer"), SlackProfile("U0ANN2", real_name="Ann Archer")]

    assert _service(club).link_suggestions(MANAGER, profiles) == []


def test_partial_names_bots_and_linked_people_are_never_suggested(club: World) -> None:
    club.write(lambda uow: uow.slack_links.add(SlackLink("U0BENX", employee_id="E-BEN")))
    club.write(lambda uow: uow.slack_links.add(SlackLink("U0LINKED", employee_id="E-CARA")))
    club.write(lambda uow: uow.employees.add(Employee("E-OLD", "Otto Old", is_active=False)))
    profiles = [
        SlackProfile("U0ANNA", real_name="Ann"),
        SlackProfile("U0BOT", real_name="Jules Jones", is_bot=True),
        SlackProfile("U0BEN", real_name="Ben Baker"),
        SlackProfile("U0LINKED", real_name="Lena Lopez"),
        SlackProfile("U0OTTO", real_name="Otto Old"),
        SlackProfile("U0NONAME"),
    ]

    assert _service(club).link_suggestions(MANAGER, profiles) == []


def test_only_managers_get_link_suggestions(club: World) -> None:
    with pytest.raises(PermissionDenied):
        _service(club).link_suggestions(ACTORS["lead"], [SlackProfile("U0ANN", real_name="Ann Archer")])
