"""The Edit… modal's save: every field checked first, field errors, audit, DMs, termination choices."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.errors import InvalidInput, PermissionDenied, RemoteError
from core.model import Actor, JobTitle, SlackLink, TimeOff, WeeklyAvailability
from core.services.availability import AvailabilityService
from core.services.people import PeopleService, TerminationStrategy
from core.services.team_edit import (
    EditField,
    TeamEdit,
    TeamEditService,
    Termination,
    describe_days,
)
from tests.unit.services.service_world import ACTORS, MANAGER, World, at, day, team

WEEKDAYS_ONLY = (True, True, True, True, True, False, False)


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


class Planner:
    """Stands in for the auto-scheduler: records which events it was asked to plan."""

    def __init__(self, error: Exception | None = None) -> None:
        self.asked: list[tuple[str, list[int]]] = []
        self.error = error

    def propose_replacements(self, actor: Actor, event_ids: Sequence[int]) -> str:
        self.asked.append((actor.slack_user_id, list(event_ids)))
        if self.error is not None:
            raise self.error
        return f"Proposal ready for {len(event_ids)} event(s)."


def _service(world: World, planner: Planner | None = None) -> TeamEditService:
    people = PeopleService(world.uow_factory, world.crossmark, world.notifier, world.clock)
    return TeamEditService(
        world.uow_factory,
        people,
        AvailabilityService(world.uow_factory, world.clock),
        world.scheduling,
        world.clock,
        notifier=world.notifier,
        replacements=planner,
    )


def _refused(world: World, edit: TeamEdit) -> dict[str, str]:
    before = world.state()
    sent = list(world.notifier.sent)
    with pytest.raises(InvalidInput) as err:
        _service(world).apply(MANAGER, edit)
    assert world.state() == before
    assert world.notifier.sent == sent
    return err.value.fields


def test_saving_every_field_stores_it_audits_each_change_and_dms_the_person(club: World) -> None:
    club.write(lambda uow: uow.slack_links.add(SlackLink("U0ANN", employee_id="E-ANN")))

    result = _service(club).apply(
        MANAGER,
        TeamEdit(
            "E-ANN",
            job_title="Lead Event Specialist",
            is_active=True,
            email="ann@example.com",
            weekly=WEEKDAYS_ONLY,
            slack_user_id="U0ANN",
        ),
    )

    assert result.employee.job_title is JobTitle.LEAD and result.employee.email == "ann@example.com"
    assert club.read(lambda uow: uow.weekly_availability.get("E-ANN")) == WeeklyAvailability(
        "E-ANN", WEEKDAYS_ONLY
    )
    assert [a.action for a in club.audit()] == ["employee.update", "availability.weekly"]
    assert all(a.actor == MANAGER.slack_user_id for a in club.audit())
    [dm] = club.notifier.to("E-ANN")
    assert "Lead Event Specialist" in dm and "ann@example.com" in dm and "Mon–Fri" in dm
    assert result.notified


def test_saving_the_modal_clears_needs_review_without_bothering_the_person(club: World) -> None:
    club.employee("E-NEW", "Nia New", needs_review=True)

    result = _service(club).apply(MANAGER, TeamEdit("E-NEW", job_title="Event Specialist"))

    assert not result.employee.needs_review and result.changes == ("reviewed",)
    assert club.notifier.to("E-NEW") == [] and not result.notified


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "a@b", "two words@example.com", "x" * 130 + "@example.com", "ann@example.com\x00"],
)
def test_a_bad_email_is_an_error_on_the_email_field(club: World, email: str) -> None:
    assert set(_refused(club, TeamEdit("E-ANN", email=email, job_title="Lead Event Specialist"))) == {
        EditField.EMAIL
    }


def test_an_email_another_employee_has_is_refused(club: World) -> None:
    _service(club).apply(MANAGER, TeamEdit("E-BEN", email="shared@example.com"))

    fields = _refused(club, TeamEdit("E-ANN", email="Shared@Example.com"))

    assert "Ben Baker" in fields[EditField.EMAIL]


@pytest.mark.parametrize("title", ["Boss", "", "event specialist ", "Manager"])
def test_a_job_title_that_was_not_offered_is_refused(club: World, title: str) -> None:
    assert set(_refused(club, TeamEdit("E-ANN", job_title=title))) == {EditField.JOB_TITLE}


def test_weekly_availability_needs_seven_days(club: World) -> None:
    assert set(_refused(club, TeamEdit("E-ANN", weekly=(True, False)))) == {EditField.WEEKLY}


def test_a_slack_user_linked_to_someone_else_is_refused(club: World) -> None:
    club.write(lambda uow: uow.slack_links.add(SlackLink("U0BEN", employee_id="E-BEN")))

    fields = _refused(club, TeamEdit("E-ANN", slack_user_id="U0BEN"))

    assert "Ben Baker" in fields[EditField.SLACK_USER]


def test_a_malformed_slack_user_is_refused(club: World) -> None:
    assert set(_refused(club, TeamEdit("E-ANN", slack_user_id="<!channel>"))) == {EditField.SLACK_USER}


def test_choosing_another_slack_user_moves_the_link_and_clearing_it_unlinks(club: World) -> None:
    club.write(lambda uow: uow.slack_links.add(SlackLink("U0OLD", employee_id="E-ANN")))

    _service(club).apply(MANAGER, TeamEdit("E-ANN", slack_user_id="U0NEW"))
    links = club.read(lambda uow: {x.slack_user_id: x.employee_id for x in uow.slack_links.list()})
    assert links == {"U0OLD": None, "U0NEW": "E-ANN"}

    _service(club).apply(MANAGER, TeamEdit("E-ANN", slack_user_id=""))
    links = club.read(lambda uow: {x.slack_user_id: x.employee_id for x in uow.slack_links.list()})
    assert links == {"U0OLD": None, "U0NEW": None}
    assert [a.action for a in club.audit() if a.entity == "slack_link"] == [
        "slack_link.unlink",
        "slack_link.link",
        "slack_link.unlink",
    ]


def test_every_problem_is_reported_at_once(club: World) -> None:
    fields = _refused(
        club,
        TeamEdit("E-ANN", job_title="Boss", email="nope", weekly=(True,), termination=Termination(day(-3))),
    )

    assert set(fields) == {EditField.JOB_TITLE, EditField.EMAIL, EditField.WEEKLY, EditField.LAST_DAY}


def test_a_last_day_in_the_past_is_refused_on_its_field(club: World) -> None:
    fields = _refused(club, TeamEdit("E-ANN", termination=Termination(day(-1))))

    assert "past" in fields[EditField.LAST_DAY]


def test_a_termination_needs_a_last_day_and_a_known_choice(club: World) -> None:
    assert set(_refused(club, TeamEdit("E-ANN", termination=Termination(None)))) == {EditField.LAST_DAY}
    assert set(_refused(club, TeamEdit("E-ANN", termination=Termination(day(3), "vanish")))) == {
        EditField.STRATEGY
    }


def _leaver_with_work(club: World) -> tuple[int, int]:
    keep = club.event("606001-CORE-Keep", day(1), day(8))
    drop = club.event("606002-CORE-Drop", day(1), day(8))
    club.assignment(keep, "E-ANN", at(2, "10:45"))
    club.assignment(drop, "E-ANN", at(4, "10:45"))
    return keep.id, drop.id


@pytest.mark.parametrize(
    ("who", "problem"),
    [
        ("", "Say who takes over"),
        ("Nobody Known", "No employee matches"),
        ("E-ANN", "someone other than"),
        ("Cara Cole", "can't take over"),
    ],
)
def test_reassigning_to_an_ineligible_person_is_an_error_on_that_field(
    club: World, who: str, problem: str
) -> None:
    _leaver_with_work(club)

    fields = _refused(club, TeamEdit("E-ANN", termination=Termination(day(2), "reassign", who)))

    assert set(fields) == {EditField.REASSIGN_TO} and problem in fields[EditField.REASSIGN_TO]


def test_reassigning_to_someone_off_that_day_names_the_assignment(club: World) -> None:
    _leaver_with_work(club)
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-BEN", day(4), day(4))))

    fields = _refused(club, TeamEdit("E-ANN", termination=Termination(day(2), "reassign", "Ben Baker")))

    assert "606002-CORE-Drop" in fields[EditField.REASSIGN_TO]


def test_reassigning_to_an_ambiguous_name_lists_the_choices(club: World) -> None:
    _leaver_with_work(club)
    club.employee("E-BEN2", "Ben Baker")

    fields = _refused(club, TeamEdit("E-ANN", termination=Termination(day(2), "reassign", "ben baker")))

    assert "E-BEN" in fields[EditField.REASSIGN_TO] and "E-BEN2" in fields[EditField.REASSIGN_TO]


def test_reassigning_to_an_inactive_person_is_refused(club: World) -> None:
    _leaver_with_work(club)
    club.employee("E-GONE", "Gail Gone", is_active=False)

    fields = _refused(club, TeamEdit("E-ANN", termination=Termination(day(2), "reassign", "Gail Gone")))

    assert "inactive" in fields[EditField.REASSIGN_TO]


def test_terminating_with_reassign_hands_work_after_the_last_day_to_the_named_person(club: World) -> None:
    keep, drop = _leaver_with_work(club)

    result = _service(club).apply(
        MANAGER, TeamEdit("E-ANN", termination=Termination(day(2), TerminationStrategy.REASSIGN, "Ben Baker"))
    )

    owners = {a.event_id: a.employee_id for a in club.assignments()}
    assert owners == {keep: "E-ANN", drop: "E-BEN"}
    assert result.employee.termination_date == day(2)
    assert any("Ben Baker" in text or "606002" in text for text in club.notifier.to("E-BEN"))
    assert any("last working day" in text for text in club.notifier.to("E-ANN"))
    assert "employee.terminate" in [a.action for a in club.audit()]


def test_terminating_with_unassign_frees_work_after_the_last_day(club: World) -> None:
    keep, _ = _leaver_with_work(club)

    _service(club).apply(MANAGER, TeamEdit("E-ANN", termination=Termination(day(2), "unassign")))

    assert [a.event_id for a in club.assignments()] == [keep]


def test_proposing_replacements_asks_the_auto_scheduler_for_exactly_the_leavers_later_events(
    club: World,
) -> None:
    _, drop = _leaver_with_work(club)
    planner = Planner()

    result = _service(club, planner).apply(
        MANAGER, TeamEdit("E-ANN", termination=Termination(day(2), TerminationStrategy.PROPOSE))
    )

    assert planner.asked == [(MANAGER.slack_user_id, [drop])]
    assert result.replacements == "Proposal ready for 1 event(s)."
    assert len(club.assignments()) == 2


def test_a_failing_planner_becomes_a_warning_after_the_termination_is_saved(club: World) -> None:
    _leaver_with_work(club)

    result = _service(club, Planner(RemoteError("solver down"))).apply(
        MANAGER, TeamEdit("E-ANN", termination=Termination(day(2), "propose"))
    )

    assert result.employee.termination_date == day(2)
    assert any("solver down" in w for w in result.warnings)


def test_without_a_planner_proposing_says_to_run_the_auto_scheduler(club: World) -> None:
    _leaver_with_work(club)

    result = _service(club).apply(MANAGER, TeamEdit("E-ANN", termination=Termination(day(2), "propose")))

    assert any("/sched auto" in w for w in result.warnings)


@pytest.mark.parametrize("who", ["employee", "lead", "unlinked"])
def test_only_managers_edit_the_team(club: World, who: str) -> None:
    before = club.state()

    with pytest.raises(PermissionDenied):
        _service(club).apply(ACTORS[who], TeamEdit("E-ANN", job_title="Lead Event Specialist"))
    assert club.state() == before


def test_a_failing_dm_is_a_warning_not_an_error(club: World) -> None:
    club.notifier.fail = RuntimeError("slack down")

    result = _service(club).apply(MANAGER, TeamEdit("E-ANN", job_title="Juicer Barista"))

    assert result.employee.job_title is JobTitle.JUICER_BARISTA
    assert result.warnings == ("Could not DM the person about the change.",) and not result.notified


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ((True,) * 7, "every day"),
        ((False,) * 7, "no day"),
        (WEEKDAYS_ONLY, "Mon–Fri"),
        ((True, False, True, False, False, True, False), "Mon, Wed, Sat"),
        ((False, False, False, False, False, True, True), "Sat, Sun"),
    ],
)
def test_weekly_availability_reads_as_words(days: tuple[bool, ...], text: str) -> None:
    assert describe_days(days) == text
