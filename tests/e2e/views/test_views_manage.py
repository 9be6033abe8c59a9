"""``/sched assign | unassign | move | swap | reissue`` end to end, with Confirm / Cancel and DMs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.events import ASSIGN_OPEN_ACTION, CANCEL_ACTION, CONFIRM_ACTION
from bot.blocks.modals import AssignPrefill
from core.model import Condition
from devtools.fake_slack import FakeSlack, Message
from tests.e2e.views.support import EMPLOYEE, MANAGER, Driver, Seeded, Store, at, rendered
from tests.fakes.crossmark import FakeCrossmark

ANN = f"<@{EMPLOYEE}|ann>"
JO = "<@U0JO|jo>"


def _button(message: Message, action_id: str) -> dict[str, Any]:
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} button in {message.blocks}")


def _dms(fake_slack: FakeSlack, user: str) -> list[str]:
    channel = "D" + user.lstrip("UW")
    return [m.text for m in fake_slack.messages(channel)]


def test_assign_schedules_the_event_pushes_it_and_dms_the_people(
        driver: Driver, store: Store, seeded: Seeded, crossmark: FakeCrossmark,
        fake_slack: FakeSlack) -> None:
    reply = driver.command(f"assign 606001 core {ANN} fri 10:45")

    text = rendered(reply)
    assert "Scheduled" in text and "606001-CORE-Super Pretzel: Ann Archer, Fri 10/03 at 10:45 AM" in text
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.open_core.id))
    assert [(a.employee_id, a.start) for a in rows] == [("E-ANN", at(2, "10:45"))]
    sup = store.read(lambda uow: uow.assignments.for_event(seeded.open_sup.id))
    assert [a.employee_id for a in sup] == ["E-CARA"]
    assert {c.args["mplan_id"] for c in crossmark.calls_to("schedule")} == {seeded.open_core.mplan_id,
                                                                            seeded.open_sup.mplan_id}
    assert any("Super Pretzel" in t for t in _dms(fake_slack, EMPLOYEE))


def test_assign_without_a_time_takes_the_first_slot_of_the_type(driver: Driver, store: Store,
                                                                 seeded: Seeded) -> None:
    driver.command(f"assign #{seeded.open_core.id} {ANN} 10/3")

    rows = store.read(lambda uow: uow.assignments.for_event(seeded.open_core.id))
    assert rows[0].start == at(2, "10:45")


def test_soft_warning_asks_to_confirm_and_confirm_schedules(driver: Driver, store: Store,
                                                           seeded: Seeded) -> None:
    reply = driver.command(f'assign "Juicer Production" {JO} fri 9am')

    assert "not the Juicer rotation" in rendered(reply)
    assert store.read(lambda uow: uow.assignments.for_event(seeded.juicer.id)) == []
    confirm = _button(reply, CONFIRM_ACTION)
    _, key = driver.click(CONFIRM_ACTION, confirm["value"])

    done = driver.responses(key)[0]
    assert "Scheduled" in rendered(done)
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.juicer.id))
    assert [(a.employee_id, a.start) for a in rows] == [("E-JO", at(2, "09:00"))]
    audit = store.read(lambda uow: uow.audit.list(action="assignment.create"))
    assert audit[-1].after is not None and audit[-1].after["confirmed_warnings"] == ["not_rotation"]


def test_cancel_leaves_everything_as_it_was(driver: Driver, store: Store) -> None:
    before = store.state()
    reply = driver.command(f'assign "Juicer Production" {JO} fri 9am')
    _, key = driver.click(CANCEL_ACTION, _button(reply, CANCEL_ACTION)["value"])

    assert "nothing was changed" in driver.responses(key)[0].text
    assert store.state() == before


def test_hard_violation_is_refused_with_the_reason(driver: Driver, store: Store) -> None:
    before = store.state()
    reply = driver.command(f"assign 606001 core {ANN} 10/20")

    text = rendered(reply)
    assert "not allowed" in text and "outside the window" in text
    assert ASSIGN_OPEN_ACTION not in text
    assert store.state() == before


def test_overridable_violation_offers_the_override_modal_to_managers(driver: Driver, store: Store,
                                                                     seeded: Seeded) -> None:
    before = store.state()
    reply = driver.command(f"assign 606001 core {ANN} fri 3pm")

    assert "not a Core start time" in rendered(reply)
    prefill = AssignPrefill.decode(_button(reply, ASSIGN_OPEN_ACTION)["value"])
    assert prefill == AssignPrefill(seeded.open_core.id, "E-ANN", at(2, "15:00").date(),
                                    at(2, "15:00").time(), override=True)
    assert store.state() == before


def test_unassign_removes_the_core_and_its_supervisor_and_tells_them(
        driver: Driver, store: Store, seeded: Seeded, crossmark: FakeCrossmark,
        fake_slack: FakeSlack) -> None:
    reply = driver.command("unassign 606002 core")

    assert "Unassigned" in rendered(reply)
    assert store.read(lambda uow: uow.assignments.for_event(seeded.booked_core.id)) == []
    assert store.read(lambda uow: uow.assignments.for_event(seeded.booked_sup.id)) == []
    assert len(crossmark.calls_to("unschedule")) == 2
    assert any("no longer scheduled" in t for t in _dms(fake_slack, EMPLOYEE))


def test_move_keeps_the_time_when_none_is_given(driver: Driver, store: Store, seeded: Seeded) -> None:
    reply = driver.command("move 606002 core fri")

    assert "Moved" in rendered(reply)
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.booked_core.id))
    assert rows[0].start == at(2, "10:45")
    sup = store.read(lambda uow: uow.assignments.for_event(seeded.booked_sup.id))
    assert sup[0].start.date() == at(2, "10:45").date()


def test_move_with_a_time_uses_it(driver: Driver, store: Store, seeded: Seeded) -> None:
    driver.command("move cheese board core 10/2 11:15am")

    rows = store.read(lambda uow: uow.assignments.for_event(seeded.booked_core.id))
    assert rows[0].start == datetime(2025, 10, 2, 11, 15)


def test_swap_trades_the_people_of_two_core_events(driver: Driver, store: Store, seeded: Seeded) -> None:
    reply = driver.command("swap 606002 606004")

    assert "Swapped" in rendered(reply)
    a = store.read(lambda uow: uow.assignments.for_event(seeded.booked_core.id))[0]
    b = store.read(lambda uow: uow.assignments.for_event(seeded.other_core.id))[0]
    assert (a.employee_id, b.employee_id) == ("E-BEN", "E-ANN")


def test_reissue_reopens_the_event_in_crossmark(driver: Driver, store: Store, seeded: Seeded,
                                                crossmark: FakeCrossmark) -> None:
    reply = driver.command(f"reissue #{seeded.booked_core.id}")

    assert "Reissued" in rendered(reply)
    assert len(crossmark.calls_to("reissue")) == 1
    event = store.read(lambda uow: uow.events.get(seeded.booked_core.id))
    assert event.condition is Condition.REISSUED


def test_an_ambiguous_event_name_lists_the_choices(driver: Driver, store: Store, seeded: Seeded) -> None:
    before = store.state()
    reply = driver.command("unassign cheese")

    assert f"#{seeded.booked_core.id}" in reply.text and f"#{seeded.booked_sup.id}" in reply.text
    assert store.state() == before


def test_public_word_shares_the_result(driver: Driver) -> None:
    reply = driver.command(f"assign 606001 core {ANN} fri public")

    assert reply.response_type == "in_channel"


def test_a_confirmation_stays_private_even_when_public_is_asked(driver: Driver) -> None:
    reply = driver.command(f'assign "Juicer Production" {JO} fri 9am public')

    assert reply.response_type == "ephemeral" and CONFIRM_ACTION in rendered(reply)


def test_second_confirm_click_is_refused_and_changes_nothing_more(driver: Driver, store: Store,
                                                                  crossmark: FakeCrossmark) -> None:
    reply = driver.command(f'assign "Juicer Production" {JO} fri 9am')
    value = _button(reply, CONFIRM_ACTION)["value"]
    _, first = driver.click(CONFIRM_ACTION, value)
    driver.responses(first)
    after_first = store.state()

    _, second = driver.click(CONFIRM_ACTION, value)

    assert "already scheduled" in driver.responses(second)[0].text
    assert store.state() == after_first
    assert len(crossmark.calls_to("schedule")) == 1


def test_confirm_with_a_damaged_value_is_refused(driver: Driver, store: Store) -> None:
    before = store.state()
    response, key = driver.click(CONFIRM_ACTION, '{"op":"assign","e":"x"}')

    assert response.status_code == 200
    assert "out of date or damaged" in driver.responses(key)[0].text
    assert store.state() == before


def test_manager_sees_employee_manage_commands_refused(driver: Driver, store: Store) -> None:
    before = store.state()
    reply = driver.command(f"assign 606001 core {ANN} fri", EMPLOYEE)

    assert "Only a manager" in reply.text
    assert store.state() == before


def test_usage_is_shown_without_arguments(driver: Driver) -> None:
    assert "/sched unassign &lt;event&gt;" in driver.command("unassign", MANAGER).text
