"""Modals: Assign… (with confirmation), availability and rotation editors within Slack's limits."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    ASSIGN_CONFIRM_CALLBACK,
    AVAILABILITY_CALLBACK,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    NOBODY,
    OVERRIDE_BLOCK,
    REASON_BLOCK,
    ROTATION_CALLBACK,
    TIME_BLOCK,
    WEEKLY_BLOCK,
    AssignForm,
    AssignPrefill,
    assign_confirm_modal,
    assign_modal,
    availability_modal,
    loading_modal,
    rotation_modal,
)
from core.model import Assignment, JobTitle, RotationType, WeeklyAvailability
from core.services.availability import AvailabilitySummary
from tests.unit.blocks.kit import DAY, all_text, assert_safe, check_modal, event, person

TIMES = (time(10, 45), time(11, 15), time(11, 45), time(12, 15))


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _form(**changes: Any) -> AssignForm:
    fields: dict[str, Any] = {"event": event(1), "today": DAY, "times": TIMES,
                              "eligible": (person(1, JobTitle.LEAD), person(2)), "others": (person(3),),
                              "offered": frozenset({"E001", "E002", "E003"})}
    fields.update(changes)
    return AssignForm(**fields)


def test_assign_modal_has_every_input_with_eligible_people_first() -> None:
    view = assign_modal(_form(), AssignPrefill(1))

    check_modal(view)
    assert view["callback_id"] == ASSIGN_CALLBACK and json.loads(view["private_metadata"]) == {"e": 1}
    groups = _block(view, EMPLOYEE_BLOCK)["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Can work Core", "Others (rules will refuse most)"]
    assert [o["value"] for o in groups[0]["options"]] == ["E001", "E002"]
    assert _block(view, DAY_BLOCK)["element"] == {"type": "datepicker", "action_id": "value",
                                                  "initial_date": "2025-10-01"}
    times = _block(view, TIME_BLOCK)["element"]
    assert [o["value"] for o in times["options"]] == ["10:45", "11:15", "11:45", "12:15"]
    assert times["initial_option"]["value"] == "10:45"
    assert _block(view, OVERRIDE_BLOCK)["optional"] and _block(view, REASON_BLOCK)["optional"]


def test_assign_modal_without_others_uses_plain_options() -> None:
    view = assign_modal(_form(others=()), AssignPrefill(1))

    element = _block(view, EMPLOYEE_BLOCK)["element"]
    assert "option_groups" not in element and [o["value"] for o in element["options"]] == ["E001", "E002"]


def test_prefill_and_current_assignment_set_the_initial_values() -> None:
    current = Assignment(5, 1, "E002", datetime(2025, 10, 2, 11, 45))
    form = _form(current=current, current_name="Person 002")

    reassign = assign_modal(form, AssignPrefill(1))
    prefill = AssignPrefill(1, "E003", date(2025, 10, 4), time(12, 15), override=True)
    overridden = assign_modal(_form(), prefill)

    assert reassign["submit"]["text"] == "Reassign"
    assert "Scheduled: *Person 002*" in all_text(reassign["blocks"])
    assert _block(reassign, EMPLOYEE_BLOCK)["element"]["initial_option"]["value"] == "E002"
    assert _block(reassign, DAY_BLOCK)["element"]["initial_date"] == "2025-10-02"
    assert _block(overridden, EMPLOYEE_BLOCK)["element"]["initial_option"]["value"] == "E003"
    assert _block(overridden, TIME_BLOCK)["element"]["initial_option"]["value"] == "12:15"
    assert _block(overridden, OVERRIDE_BLOCK)["element"]["initial_options"][0]["value"] == "override"


def test_a_big_team_is_cut_to_slacks_100_options_keeping_the_eligible() -> None:
    eligible = tuple(person(n) for n in range(1, 81))
    others = tuple(person(n, JobTitle.JUICER_BARISTA) for n in range(81, 181))

    view = assign_modal(_form(eligible=eligible, others=others), AssignPrefill(1))

    check_modal(view)
    groups = _block(view, EMPLOYEE_BLOCK)["element"]["option_groups"]
    assert len(groups[0]["options"]) == 80 and len(groups[1]["options"]) == 20


def test_hostile_names_are_neutralised() -> None:
    form = _form(event=event(1, name="<!channel> \u202eFree pretzels"),
                 eligible=(person(1, name="<!here> Ann\u202e"),), others=())

    view = assign_modal(form, AssignPrefill(1), problem="<!everyone> nope")

    check_modal(view)
    assert_safe(view["blocks"])
    assert "‹!here› Ann" in all_text(view["blocks"])


def test_confirm_modal_carries_the_change_and_lists_the_warnings() -> None:
    payload = '{"op":"assign","e":1}'
    view = assign_confirm_modal("Schedule it anyway?", ["Jo is not the Juicer rotation"], payload)

    check_modal(view)
    assert view["callback_id"] == ASSIGN_CONFIRM_CALLBACK and view["private_metadata"] == payload
    assert "Jo is not the Juicer rotation" in all_text(view["blocks"])


def test_loading_modal_is_small() -> None:
    view = loading_modal("A very long title that Slack would refuse")

    check_modal(view)
    assert "Loading" in all_text(view["blocks"])


def test_availability_modal_ticks_the_current_week() -> None:
    weekly = WeeklyAvailability("E001", (True, True, False, True, True, False, False))
    summary = AvailabilitySummary("E001", weekly, (), ())

    view = availability_modal(summary, "Person 001")

    check_modal(view)
    assert view["callback_id"] == AVAILABILITY_CALLBACK and view["private_metadata"] == "E001"
    weekly = _block(view, WEEKLY_BLOCK)["element"]
    assert [o["value"] for o in weekly["options"]] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert [o["value"] for o in weekly["initial_options"]] == ["mon", "tue", "thu", "fri"]
    assert all(b.get("optional") for b in view["blocks"] if b["type"] == "input")


def test_rotation_modal_has_fourteen_selects_with_nobody_first() -> None:
    juicers = tuple(person(n, JobTitle.JUICER_BARISTA) for n in range(1, 4))
    leads = tuple(person(n, JobTitle.LEAD) for n in range(10, 150))

    view = rotation_modal({(RotationType.JUICER, 0): "E002"},
                          {RotationType.JUICER: juicers, RotationType.PRIMARY_LEAD: leads})

    check_modal(view)
    assert view["callback_id"] == ROTATION_CALLBACK
    selects = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(selects) == 14
    monday = _block(view, "juicer_0")["element"]
    assert monday["options"][0]["value"] == NOBODY and monday["initial_option"]["value"] == "E002"
    assert _block(view, "primary_lead_3")["element"]["initial_option"]["value"] == NOBODY
    assert len(_block(view, "primary_lead_3")["element"]["options"]) == 100
