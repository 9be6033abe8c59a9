"""Event lists and change outcomes: buttons, payloads that round-trip, limits, escaping."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from bot.blocks.common import MAX_BUTTON_VALUE
from bot.blocks.events import (
    ASSIGN_OPEN_ACTION,
    CANCEL_ACTION,
    CONFIRM_ACTION,
    change_blocks,
    confirm_blocks,
    due_text,
    event_list_blocks,
    refusal_blocks,
)
from bot.blocks.modals import AssignPrefill
from bot.slack.flows.schedule_changes import ChangeOp, ChangeRequest
from core.errors import InvalidInput
from core.model import Assignment, Condition
from core.rules import Code, Violation
from core.services.query_models import EventRow
from core.services.schedule_changes import AssignmentChange, ScheduleResult
from tests.unit.blocks.kit import DAY, all_text, assert_safe, check_blocks, event


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            found.append(accessory)
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def test_each_open_event_has_an_assign_button_carrying_its_id() -> None:
    rows = [EventRow(event(1), days_left=2), EventRow(event(2, condition=Condition.CANCELED), days_left=3)]

    blocks = event_list_blocks(rows, "Unscheduled events", can_assign=True)

    check_blocks(blocks)
    buttons = _buttons(blocks)
    assert [(b["action_id"], json.loads(str(b["value"]))) for b in buttons] == [
        (ASSIGN_OPEN_ACTION, {"e": 1})]


def test_people_who_may_not_schedule_get_no_buttons() -> None:
    blocks = event_list_blocks([EventRow(event(1), days_left=0)], "Urgent", can_assign=False)

    assert _buttons(blocks) == []
    assert "due today" in all_text(blocks)


def test_scheduled_events_get_a_reassign_button_and_show_who_works_them() -> None:
    assignment = Assignment(7, 1, "E001", datetime.combine(DAY, time(10, 45)))
    row = EventRow(event(1, condition=Condition.SCHEDULED), assignment, "Ann <!here>", 3, 2)

    blocks = event_list_blocks([row], "Events", can_assign=True)

    assert _buttons(blocks)[0]["text"]["text"] == "Reassign…"
    text = all_text(blocks)
    assert "Ann &lt;!here&gt;, Wed 10/01 10:45 AM" in text and "not reported for 2 day(s)" in text
    assert_safe(blocks)


def test_a_long_list_keeps_buttons_for_the_first_40_and_stays_within_50_blocks() -> None:
    rows = [EventRow(event(n, name=f"{600000 + n}-CORE-" + "N" * 300), days_left=n % 5) for n in range(1, 51)]

    blocks = event_list_blocks(rows, "Unscheduled events", can_assign=True)

    check_blocks(blocks)
    assert len(_buttons(blocks)) == 40
    assert "*10 more*" in all_text(blocks) and "#50 " in all_text(blocks)


@pytest.mark.parametrize(("days_left", "text"), [
    (0, "due today"), (1, "due in 1 day"), (4, "due in 4 days"), (-1, "1 day past due"),
    (-3, "3 days past due")])
def test_due_text_reads_naturally(days_left: int, text: str) -> None:
    assert due_text(EventRow(event(1), days_left=days_left)) == text


def test_change_blocks_list_every_change_and_the_warnings() -> None:
    ev = event(1, name="606001-CORE-<b>Pretzel</b>")
    after = Assignment(3, 1, "E001", datetime(2025, 10, 3, 10, 45))
    result = ScheduleResult((AssignmentChange(ev, None, after),), ("Could not notify E001 by DM.",),
                            {"E001": "Ann"})

    blocks = change_blocks("Scheduled", result)

    check_blocks(blocks)
    text = all_text(blocks)
    assert "606001-CORE-&lt;b&gt;Pretzel&lt;/b&gt;: Ann, Fri 10/03 at 10:45 AM" in text
    assert "Could not notify E001 by DM." in text


def test_confirm_blocks_carry_the_change_and_offer_cancel() -> None:
    change = ChangeRequest(ChangeOp.ASSIGN, 1, "E001", datetime(2025, 10, 3, 9, 0))
    warning = Violation(Code.NOT_ROTATION, "not the rotation", hard=False)
    blocks = confirm_blocks("Schedule it anyway?", [warning], change.encode())

    check_blocks(blocks)
    confirm, cancel = _buttons(blocks)
    assert confirm["action_id"] == CONFIRM_ACTION and cancel["action_id"] == CANCEL_ACTION
    assert ChangeRequest.decode(str(confirm["value"])) == change


def test_refusal_marks_overridable_rules_and_offers_override_when_given() -> None:
    violations = [Violation(Code.WEEKDAY, "Ann does not work on Fridays", overridable=True),
                  Violation(Code.OUTSIDE_WINDOW, "10/20 is outside the window")]
    prefill = AssignPrefill(1, "E001", date(2025, 10, 3), time(10, 45), override=True)

    with_override = refusal_blocks("Assign refused", violations, override=prefill)
    without = refusal_blocks("Assign refused", violations)

    check_blocks(with_override)
    assert "manager may override" in all_text(with_override)
    assert AssignPrefill.decode(str(_buttons(with_override)[0]["value"])) == prefill
    assert _buttons(without) == []


def test_change_request_round_trips_every_operation() -> None:
    for change in (ChangeRequest(ChangeOp.ASSIGN, 1, "E001", datetime(2025, 10, 3, 10, 45),
                                 override_reason="ok"),
                   ChangeRequest(ChangeOp.MOVE, 2, None, datetime(2025, 10, 4, 11, 15)),
                   ChangeRequest(ChangeOp.SWAP, 3, other_event_id=4),
                   ChangeRequest(ChangeOp.UNASSIGN, 5), ChangeRequest(ChangeOp.REISSUE, 6)):
        assert ChangeRequest.decode(change.encode()) == change


def test_change_request_that_would_not_fit_a_button_is_refused() -> None:
    with pytest.raises(ValueError):
        ChangeRequest(ChangeOp.ASSIGN, 1, "E001", datetime(2025, 10, 3),
                      override_reason="r" * MAX_BUTTON_VALUE).encode()


@pytest.mark.parametrize("value", [
    "", "null", "[]", '{"op":"assign"}', '{"op":"zap","e":1}', '{"op":"assign","e":0}',
    '{"op":"assign","e":true}',
    '{"op":"move","e":1,"s":"soon"}', '{"op":"assign","e":1,"u":5}', '{"op":"swap","e":1,"o":"2"}'])
def test_tampered_change_requests_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        ChangeRequest.decode(value)


@pytest.mark.parametrize("value", [
    "", "{}", '{"e":"1"}', '{"e":-1}', '{"e":1,"d":"2025-02-30"}', '{"e":1,"u":[1]}', '{"e":1,"t":"25:00"}'])
def test_tampered_prefills_are_refused(value: str) -> None:
    with pytest.raises(InvalidInput):
        AssignPrefill.decode(value)


def test_prefill_round_trips() -> None:
    prefill = AssignPrefill(9, "E-ANN", DAY + timedelta(2), time(11, 15), override=True)

    assert AssignPrefill.decode(prefill.encode()) == prefill
    assert AssignPrefill.decode(AssignPrefill(9).encode()) == AssignPrefill(9)
