"""Malformed time-off submissions: field errors in the ack, never a 500, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.time_off import DENY_CALLBACK, MODAL_CALLBACK
from tests.e2e.flows.harness import ANN, MANAGER, Flow, ack_json
from tests.unit.services.service_world import World

Values = dict[str, dict[str, dict[str, Any]]]


def picker(day: Any) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day}


def form(start: Any = "2025-10-06", end: Any = "2025-10-08", reason: Any = None, *,
         employee: str | None = None, drop: str | None = None) -> Values:
    values: Values = {"start": {"start_date": picker(start)}, "end": {"end_date": picker(end)}}
    if reason is not None:
        values["reason"] = {"reason_text": {"type": "plain_text_input", "value": reason}}
    if employee is not None:
        option = {"value": employee, "text": {"type": "plain_text", "text": "x"}}
        values["employee"] = {"employee_id": {"type": "static_select", "selected_option": option}}
    if drop is not None:
        values.pop(drop)
    return values


REQUEST_CASES = [
    pytest.param(ANN, form("2025-10-08", "2025-10-06"), "end", id="end-before-start"),
    pytest.param(ANN, form("2025-10-06", "2025-12-31"), "end", id="over-60-days"),
    pytest.param(ANN, form("2025-09-20", "2025-09-22"), "start", id="in-the-past"),
    pytest.param(ANN, form("2025-02-30", "2025-03-01"), "start", id="impossible-date"),
    pytest.param(ANN, form("next friday", "2025-10-08"), "start", id="not-iso"),
    pytest.param(ANN, form(20251006, "2025-10-08"), "start", id="number-not-string"),
    pytest.param(ANN, form(drop="start"), "start", id="missing-start-block"),
    pytest.param(ANN, form(drop="end"), "end", id="missing-end-block"),
    pytest.param(ANN, form(reason="x" * 10_000), "reason", id="ten-thousand-chars"),
    pytest.param(ANN, form(reason="trip\x00"), "reason", id="nul"),
    pytest.param(ANN, form(reason="trip \u202egnp.exe"), "reason", id="rtl-override"),
    pytest.param(ANN, form(reason="trip\x1b[31m"), "reason", id="escape-sequence"),
    pytest.param(ANN, form(employee="E-BEN"), "employee", id="employee-forges-the-for-select"),
    pytest.param(MANAGER, form(employee="E-GHOST"), "employee", id="option-not-offered"),
    pytest.param(MANAGER, form(), "start", id="manager-without-row-and-no-choice"),
]


@pytest.mark.parametrize("user,values,field", REQUEST_CASES)
def test_bad_request_submissions_show_a_field_error_and_store_nothing(
        flow: Flow, world: World, user: str, values: Values, field: str) -> None:
    before = world.state()

    answer = ack_json(flow.submit({"callback_id": MODAL_CALLBACK}, values, user=user))

    assert answer["response_action"] == "errors"
    assert field in answer["errors"], answer
    assert world.state() == before


def test_a_request_overlapping_a_pending_one_is_refused_on_the_first_day(flow: Flow, world: World) -> None:
    assert ack_json(flow.submit({"callback_id": MODAL_CALLBACK}, form(), user=ANN)) == {}
    before = world.state()

    overlapping = form("2025-10-07", "2025-10-09")
    answer = ack_json(flow.submit({"callback_id": MODAL_CALLBACK}, overlapping, user=ANN))

    assert answer["errors"]["start"].startswith("Overlaps the pending request")
    assert world.state() == before


def pending_request(flow: Flow, world: World) -> int:
    flow.submit({"callback_id": MODAL_CALLBACK}, form(), user=ANN)
    return int(world.read(lambda uow: uow.time_off_requests.list())[0].id)


DENY_CASES = [
    pytest.param("x" * 10_000, id="ten-thousand-chars"),
    pytest.param("busy\x00", id="nul"),
    pytest.param("busy \u202e", id="rtl-override"),
]


@pytest.mark.parametrize("note", DENY_CASES)
def test_bad_deny_notes_show_a_field_error_and_decide_nothing(flow: Flow, world: World, note: str) -> None:
    request_id = pending_request(flow, world)
    before = world.state()
    view = {"callback_id": DENY_CALLBACK, "private_metadata": f'{{"r":{request_id},"w":null}}'}

    answer = ack_json(flow.submit(view, {"note": {"note_text": {"type": "plain_text_input", "value": note}}},
                                  user=MANAGER))

    assert answer["response_action"] == "errors" and "note" in answer["errors"]
    assert world.state() == before


@pytest.mark.parametrize("meta", ["", "not json", '{"r": "abc"}', '{"w": ["C", "1"]}', "[1, 2]"])
def test_a_damaged_deny_form_asks_to_start_again(flow: Flow, world: World, meta: str) -> None:
    pending_request(flow, world)
    before = world.state()

    answer = ack_json(flow.submit({"callback_id": DENY_CALLBACK, "private_metadata": meta}, {}, user=MANAGER))

    assert answer["response_action"] == "errors"
    assert world.state() == before


def test_deny_by_an_employee_is_refused(flow: Flow, world: World) -> None:
    request_id = pending_request(flow, world)
    before = world.state()

    answer = ack_json(flow.submit({"callback_id": DENY_CALLBACK, "private_metadata": f'{{"r":{request_id}}}'},
                                  {}, user=ANN))

    assert answer["response_action"] in ("push", "errors")
    assert world.state() == before
