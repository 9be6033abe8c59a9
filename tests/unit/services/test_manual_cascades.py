"""Unassign, move, trade and reissue, with the Core→Supervisor cascade, remote first
(legacy-domain.md §8.4 cases 22 to 24 as decided in product.md §5.3)."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, RemoteError, RuleViolation
from core.model import Condition, TimeOff
from tests.unit.services.service_world import MANAGER, World, at, core_pair, day, team


@pytest.fixture
def club(world: World) -> World:
    team(world)
    return world


def _scheduled_pair(club: World) -> tuple[int, int]:
    core, sup = core_pair(club)
    club.assignment(core, "E-ANN", at(3, "10:45"))
    club.assignment(sup, "E-CARA", at(3, "12:00"))
    return core.id, sup.id


# ---- unassign (case 22) ---------------------------------------------------------------------


def test_unassigning_a_core_unschedules_it_and_its_supervisor_remotely_then_locally(club: World) -> None:
    core, sup = _scheduled_pair(club)
    ids = [club.assignments_of(core)[0].external_id, club.assignments_of(sup)[0].external_id]
    result = club.scheduling.unassign(MANAGER, core)
    assert [c.args["id"] for c in club.crossmark.calls_to("unschedule")] == ids
    assert club.assignments() == []
    assert club.get_event(core).condition is Condition.UNSTAFFED
    assert club.get_event(sup).condition is Condition.UNSTAFFED
    assert len(result.removed) == 2
    assert [e.action for e in club.audit()] == ["assignment.delete", "assignment.delete"]
    assert club.notifier.to("E-ANN") and club.notifier.to("E-CARA")


def test_if_the_second_unschedule_fails_nothing_changes_locally_and_the_first_is_pushed_back(
    club: World,
) -> None:
    core, _ = _scheduled_pair(club)
    before = club.assignments()
    club.crossmark.fail("unschedule", skip=1)
    with pytest.raises(RemoteError, match="Nothing was changed"):
        club.scheduling.unassign(MANAGER, core)
    after = club.assignments()
    assert [(a.id, a.employee_id, a.start) for a in after] == [(a.id, a.employee_id, a.start) for a in before]
    repushed = club.crossmark.calls_to("schedule")
    assert len(repushed) == 1 and repushed[0].args["start"] == at(3, "10:45")
    assert club.assignments_of(core)[0].external_id == repushed[0].args["id"]
    assert club.get_event(core).condition is Condition.SCHEDULED
    assert club.notifier.sent == []


def test_when_pushing_back_also_fails_the_assignment_is_flagged_and_the_error_says_so(club: World) -> None:
    core, _ = _scheduled_pair(club)
    club.crossmark.fail("unschedule", skip=1)
    club.crossmark.fail("schedule")
    with pytest.raises(RemoteError, match="incomplete"):
        club.scheduling.unassign(MANAGER, core)
    assert club.assignments_of(core)[0].sync_status == "remote_missing"


def test_unassigning_a_supervisor_leaves_its_core_alone(club: World) -> None:
    core, sup = _scheduled_pair(club)
    club.scheduling.unassign(MANAGER, sup)
    assert club.assignments_of(core) and not club.assignments_of(sup)


def test_unassigning_an_unscheduled_event_is_bad_input(club: World) -> None:
    core, _ = core_pair(club)
    with pytest.raises(InvalidInput, match="not scheduled"):
        club.scheduling.unassign(MANAGER, core.id)


# ---- move (case 23 as decided) ----------------------------------------------------------------


def test_moving_a_core_to_another_day_takes_the_supervisor_to_that_day_at_the_supervisor_time(
    club: World,
) -> None:
    core, sup = _scheduled_pair(club)
    result = club.scheduling.move(MANAGER, core, at(5, "11:15"))
    moved_core, moved_sup = club.assignments_of(core)[0], club.assignments_of(sup)[0]
    assert moved_core.start == at(5, "11:15") and moved_core.employee_id == "E-ANN"
    assert moved_sup.start == at(5, "12:00") and moved_sup.employee_id == "E-CARA"
    assert [c.method for c in club.crossmark.calls if c.ok] == [
        "unschedule",
        "schedule",
        "unschedule",
        "schedule",
    ]
    assert moved_core.external_id == club.crossmark.calls_to("schedule")[0].args["id"]
    assert moved_sup.external_id == club.crossmark.calls_to("schedule")[1].args["id"]
    assert len(result.changes) == 2
    assert "moved from Sat 10/04 at 10:45 AM to Mon 10/06 at 11:15 AM" in club.notifier.to("E-ANN")[0]


def test_moving_a_core_within_its_day_leaves_the_supervisor_where_it_is(club: World) -> None:
    core, sup = _scheduled_pair(club)
    before = club.assignments_of(sup)
    club.scheduling.move(MANAGER, core, at(3, "11:15"))
    assert club.assignments_of(sup) == before


def test_a_failed_push_while_moving_changes_nothing_and_restores_crossmark(club: World) -> None:
    core, sup = _scheduled_pair(club)
    before = [(a.employee_id, a.start) for a in club.assignments()]
    club.crossmark.fail("schedule", skip=1)
    with pytest.raises(RemoteError):
        club.scheduling.move(MANAGER, core, at(5, "11:15"))
    assert [(a.employee_id, a.start) for a in club.assignments()] == before
    remote = {(s.mplan_id, s.start) for s in club.crossmark.schedules.values()}
    assert remote == {
        (club.get_event(core).mplan_id, at(3, "10:45")),
        (club.get_event(sup).mplan_id, at(3, "12:00")),
    }


def test_when_nobody_can_take_the_supervisor_on_the_new_day_it_is_unassigned_with_a_warning(
    club: World,
) -> None:
    core, sup = _scheduled_pair(club)
    club.write(
        lambda uow: [uow.time_off.add(TimeOff(0, who, day(5), day(5))) for who in ("E-CARA", "E-LEAD")]
    )
    result = club.scheduling.move(MANAGER, core, at(5, "11:15"))
    assert not club.assignments_of(sup)
    assert any("unassigned" in w for w in result.warnings)


def test_moving_to_a_forbidden_time_is_refused_and_changes_nothing(club: World) -> None:
    core, _ = _scheduled_pair(club)
    before = club.state()
    with pytest.raises(RuleViolation):
        club.scheduling.move(MANAGER, core, at(12, "11:15"))
    assert club.state() == before and club.crossmark.calls == []


def test_moving_to_the_same_place_is_bad_input(club: World) -> None:
    core, _ = _scheduled_pair(club)
    with pytest.raises(InvalidInput):
        club.scheduling.move(MANAGER, core, at(3, "10:45"))


def test_moving_can_hand_the_event_to_someone_else(club: World) -> None:
    core, _ = _scheduled_pair(club)
    club.scheduling.move(MANAGER, core, at(3, "10:45"), employee_id="E-BEN")
    assert club.assignments_of(core)[0].employee_id == "E-BEN"
    assert club.notifier.to("E-ANN") and club.notifier.to("E-BEN")


# ---- trade (case 24) --------------------------------------------------------------------------


def test_trading_two_cores_swaps_the_people_and_pushes_both(club: World) -> None:
    a = club.event("606001-CORE-A", day(2), day(8))
    b = club.event("606002-CORE-B", day(2), day(8))
    club.assignment(a, "E-ANN", at(3, "10:45"))
    club.assignment(b, "E-BEN", at(4, "11:15"))
    result = club.scheduling.trade(MANAGER, a.id, b.id)
    assert (club.assignments_of(a.id)[0].employee_id, club.assignments_of(a.id)[0].start) == (
        "E-BEN",
        at(3, "10:45"),
    )
    assert (club.assignments_of(b.id)[0].employee_id, club.assignments_of(b.id)[0].start) == (
        "E-ANN",
        at(4, "11:15"),
    )
    assert len(club.crossmark.calls_to("unschedule")) == 2 and len(club.crossmark.calls_to("schedule")) == 2
    assert len(result.changes) == 2
    assert [e.action for e in club.audit()] == ["assignment.trade", "assignment.trade"]


def test_only_core_events_can_be_traded(club: World) -> None:
    a = club.event("606001-CORE-A", day(2), day(8))
    freeosk = club.event("Freeosk refill", day(2), day(8))
    club.assignment(a, "E-ANN", at(3, "10:45"))
    club.assignment(freeosk, "E-LEAD", at(3, "10:00"))
    with pytest.raises(InvalidInput, match="Only Core events can be traded"):
        club.scheduling.trade(MANAGER, a.id, freeosk.id)


def test_a_trade_is_validated_without_the_two_old_assignments(club: World) -> None:
    a = club.event("606001-CORE-A", day(2), day(8))
    b = club.event("606002-CORE-B", day(2), day(8))
    club.assignment(a, "E-ANN", at(3, "10:45"))
    club.assignment(b, "E-BEN", at(3, "11:15"))
    club.scheduling.trade(MANAGER, a.id, b.id)
    assert club.assignments_of(a.id)[0].employee_id == "E-BEN"


def test_a_trade_that_breaks_a_rule_is_refused(club: World) -> None:
    a = club.event("606001-CORE-A", day(2), day(8))
    b = club.event("606002-CORE-B", day(2), day(8))
    club.assignment(a, "E-ANN", at(3, "10:45"))
    club.assignment(b, "E-BEN", at(4, "11:15"))
    club.write(lambda uow: uow.time_off.add(TimeOff(0, "E-BEN", day(3), day(3))))
    before = club.state()
    with pytest.raises(RuleViolation, match="time off"):
        club.scheduling.trade(MANAGER, a.id, b.id)
    assert club.state() == before


def test_a_failed_push_during_a_trade_restores_both(club: World) -> None:
    a = club.event("606001-CORE-A", day(2), day(8))
    b = club.event("606002-CORE-B", day(2), day(8))
    club.assignment(a, "E-ANN", at(3, "10:45"))
    club.assignment(b, "E-BEN", at(4, "11:15"))
    club.crossmark.fail("schedule", skip=1)
    with pytest.raises(RemoteError):
        club.scheduling.trade(MANAGER, a.id, b.id)
    assert [a.employee_id for a in club.assignments()] == ["E-ANN", "E-BEN"]
    assert sorted(s.rep_id for s in club.crossmark.schedules.values()) == sorted(
        [club.rep_of("E-ANN"), club.rep_of("E-BEN")]
    )


# ---- reissue ----------------------------------------------------------------------------------


def test_reissuing_a_core_leaves_its_supervisor_untouched(club: World) -> None:
    core, sup = _scheduled_pair(club)
    sup_before = club.assignments_of(sup)
    club.scheduling.reissue(MANAGER, core, include_responses=True)
    [call] = club.crossmark.calls_to("reissue")
    assert call.args["include_responses"] is True
    assert club.assignments_of(sup) == sup_before
    assert club.get_event(core).condition is Condition.REISSUED
    assert club.assignments_of(core)[0].external_id == call.args["id"]
    assert club.audit()[-1].action == "assignment.reissue"


def test_reissuing_past_unreported_work_to_someone_else_today(club: World) -> None:
    core = club.event("606001-CORE-Past", day(-6), day(-2), condition=Condition.SCHEDULED)
    club.assignment(core, "E-ANN", at(-3, "10:45"))
    club.scheduling.reissue(MANAGER, core.id, employee_id="E-BEN", start=at(0, "10:45"))
    row = club.assignments_of(core.id)[0]
    assert (row.employee_id, row.start) == ("E-BEN", at(0, "10:45"))
    assert club.notifier.to("E-BEN") and club.notifier.to("E-ANN")


def test_work_never_pushed_cannot_be_reissued(club: World) -> None:
    core = club.event("606001-CORE-Local", day(2), day(8))
    club.assignment(core, "E-ANN", at(3, "10:45"), external_id=None)
    with pytest.raises(InvalidInput, match="no Crossmark schedule id"):
        club.scheduling.reissue(MANAGER, core.id)
    assert club.crossmark.calls == []


def test_a_failed_reissue_changes_nothing(club: World) -> None:
    core, _ = _scheduled_pair(club)
    before = club.state()
    club.crossmark.fail("reissue")
    with pytest.raises(RemoteError):
        club.scheduling.reissue(MANAGER, core)
    assert club.state() == before
