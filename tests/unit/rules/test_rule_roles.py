"""The role matrix of product.md §5.1, judged by the validator in both modes."""

from __future__ import annotations

import pytest

from core.model import EventType, JobTitle, Role, RotationType
from core.rules import ROLE_MATRIX, Code, Mode, at_least, title_allowed
from tests.unit.rules.rule_facts import Club, codes, default_start

ES, LEAD, CLUB, JB = (
    JobTitle.EVENT_SPECIALIST,
    JobTitle.LEAD,
    JobTitle.CLUB_SUPERVISOR,
    JobTitle.JUICER_BARISTA,
)

ALLOWED = {
    EventType.CORE: {ES, LEAD, JB},
    EventType.JUICER: {JB},
    EventType.SUPERVISOR: {CLUB, LEAD},
    EventType.FREEOSK: {LEAD, CLUB},
    EventType.DIGITALS: {LEAD, CLUB},
    EventType.OTHER: {CLUB, LEAD},
}


@pytest.mark.parametrize("event_type", list(EventType))
@pytest.mark.parametrize("title", list(JobTitle))
def test_title_allowed_matches_the_product_matrix(event_type: EventType, title: JobTitle) -> None:
    assert title_allowed(title, event_type) is (title in ALLOWED[event_type])


def test_matrix_lists_leads_first_for_freeosk_and_digitals_and_club_supervisor_first_for_other() -> None:
    assert ROLE_MATRIX[EventType.FREEOSK][0] is LEAD
    assert ROLE_MATRIX[EventType.DIGITALS][0] is LEAD
    assert ROLE_MATRIX[EventType.OTHER][0] is CLUB
    assert ROLE_MATRIX[EventType.SUPERVISOR][0] is CLUB


def _club_with_rotations() -> Club:
    club = Club()
    for title in JobTitle:
        club.person(title.name.lower(), title)
    for weekday in range(7):
        club.rotations.append((weekday, RotationType.JUICER, "juicer_barista"))
        club.rotations.append((weekday, RotationType.PRIMARY_LEAD, "lead"))
    return club


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("event_type", list(EventType))
@pytest.mark.parametrize("title", [ES, LEAD, JB])
def test_titles_outside_the_matrix_are_refused_hard(
    mode: Mode, event_type: EventType, title: JobTitle
) -> None:
    club = _club_with_rotations()
    ev = club.event(event_type, start=0, due=20)
    if event_type is EventType.SUPERVISOR:
        club.works(club.event(EventType.CORE, 0, 20), "event_specialist", default_start(EventType.CORE, 5))
    found = club.check(ev, title.name.lower(), default_start(event_type, 5), mode)
    role = [v for v in found if v.code is Code.ROLE]
    if title in ALLOWED[event_type]:
        assert not role
    else:
        assert role and role[0].hard and not role[0].overridable


def test_club_supervisor_on_core_is_an_override_for_managers_and_never_for_the_auto_scheduler() -> None:
    club = _club_with_rotations()
    core = club.event(EventType.CORE)
    manual = [
        v
        for v in club.check(core, "club_supervisor", default_start(EventType.CORE, 5))
        if v.code is Code.CLUB_SUPERVISOR_CORE
    ]
    auto = [
        v
        for v in club.check(core, "club_supervisor", default_start(EventType.CORE, 5), Mode.AUTO)
        if v.code is Code.CLUB_SUPERVISOR_CORE
    ]
    assert manual and manual[0].hard and manual[0].overridable
    assert auto and auto[0].hard and not auto[0].overridable


@pytest.mark.parametrize(
    "event_type", [EventType.SUPERVISOR, EventType.FREEOSK, EventType.DIGITALS, EventType.OTHER]
)
def test_club_supervisor_may_take_supervisor_freeosk_digitals_and_other(event_type: EventType) -> None:
    club = _club_with_rotations()
    core = club.event(EventType.CORE)
    club.works(core, "event_specialist", default_start(EventType.CORE, 5))
    found = club.check(club.event(event_type), "club_supervisor", default_start(event_type, 5), Mode.AUTO)
    assert not found


def test_a_lead_takes_supervisor_work_only_as_the_days_primary_lead() -> None:
    club = _club_with_rotations()
    club.person("lead2", LEAD)
    core = club.event(EventType.CORE)
    club.works(core, "event_specialist", default_start(EventType.CORE, 5))
    sup = club.event(EventType.SUPERVISOR)
    assert not club.check(sup, "lead", default_start(EventType.SUPERVISOR, 5), Mode.AUTO)
    manual = club.check(sup, "lead2", default_start(EventType.SUPERVISOR, 5))
    auto = club.check(sup, "lead2", default_start(EventType.SUPERVISOR, 5), Mode.AUTO)
    assert codes(manual) == {"not_primary_lead"} and not manual[0].hard
    assert codes(auto) == {"not_primary_lead"} and auto[0].hard


def test_juicer_work_off_the_rotation_is_a_warning() -> None:
    club = _club_with_rotations()
    club.person("jb2", JB)
    found = club.check(club.event(EventType.JUICER), "jb2", default_start(EventType.JUICER, 5), Mode.AUTO)
    assert codes(found) == {"not_rotation"} and not found[0].hard


def test_slack_role_ranks_are_ordered() -> None:
    assert at_least(Role.ADMIN, Role.MANAGER)
    assert at_least(Role.MANAGER, Role.LEAD)
    assert not at_least(Role.LEAD, Role.MANAGER)
    assert not at_least(Role.EMPLOYEE, Role.LEAD)
