"""Malformed commands and modal submissions: a clear answer or field errors, never a 500, nothing
stored, and anything echoed back escaped (no live ``<!channel>``, no direction overrides, no NUL)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.events import ASSIGN_OPEN_ACTION, CONFIRM_ACTION
from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    ASSIGN_CONFIRM_CALLBACK,
    AVAILABILITY_CALLBACK,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    OFF_DAY_BLOCK,
    OFF_REASON_BLOCK,
    OVERRIDE_BLOCK,
    OVERRIDE_VALUE,
    RANGE_END_BLOCK,
    RANGE_START_BLOCK,
    REASON_BLOCK,
    ROTATION_CALLBACK,
    TIME_BLOCK,
    WEEKLY_BLOCK,
    rotation_block_id,
)
from core.model import RotationType
from tests.e2e.views.support import (
    ADMIN,
    EMPLOYEE,
    MANAGER,
    Driver,
    Seeded,
    Store,
    boxes,
    picked_date,
    rendered,
    select,
    typed,
)

ANN = f"<@{EMPLOYEE}|ann>"
RLO = "\u202e"
UNSAFE = ("<!channel>", "<!here>", "<!everyone>", RLO, "\x00")

BAD_COMMANDS: list[tuple[str, str, str]] = [
    ("2025-02-30", MANAGER, "not a real date"),
    ("13/45", MANAGER, "not a real date"),
    ("week 02/30", MANAGER, "not a real date"),
    ("week next fortnight", MANAGER, "could not read"),
    (f"<@{EMPLOYEE}|ann> week 2/31", MANAGER, "not a real date"),
    (f"assign 606001 core {ANN} 2/30", MANAGER, "not a real date"),
    (f"assign 606001 core {ANN} fri 25:99", MANAGER, "not a real time"),
    (f"assign 606001 core {ANN}", MANAGER, "Give a date"),
    ("assign " + "x" * 10_000 + f" {ANN} fri", MANAGER, "too long"),
    (f"assign 606001 core {ANN} fri \x00", MANAGER, "Give a date"),
    (f"assign 606001{RLO} {ANN} fri", MANAGER, "control or text-direction"),
    (f"assign <!channel> {ANN} fri", MANAGER, "No event matches &lt;!channel&gt;"),
    (f"assign 999999 core {ANN} fri", MANAGER, "No event matches"),
    ("assign 606001 core <@U0GHOST|ghost> fri", MANAGER, "not linked"),
    ("assign 606001 core ann fri", MANAGER, "Mention who works it"),
    ("unassign #99999", MANAGER, "no event #99999"),
    ("swap 606002", MANAGER, "Give two events"),
    ("move 606001 core fri", MANAGER, "not scheduled"),
    ("move fri", MANAGER, "Give a date"),
    ("role <@U0BEN|ben> superuser", ADMIN, "Unknown role"),
    ("role ben manager", ADMIN, "Use `/sched role"),
    ("link <@U0NOBODY|x> Nobody At All", MANAGER, "No employee matches"),
    ("link <@U0NOBODY|x>", MANAGER, "Use `/sched link"),
    ("link <@U0NOBODY|x> <!here>", MANAGER, "&lt;!here&gt;"),
    (f"rotation 10/3 juicer {ANN}", MANAGER, "must be Juicer Barista"),
    ("rotation 10/3 wizard <@U0JO|jo>", MANAGER, "Use `/sched rotation"),
    ("rotation 2/30 juicer <@U0JO|jo>", MANAGER, "not a real date"),
    ("rotation 10/3 juicer <@U0JO|jo> " + "r" * 300, MANAGER, "too long"),
    ("holidays add 12/25", MANAGER, "Use `/sched holidays"),
    (f"holidays add 12/25 Party {RLO}evil", MANAGER, "control or text-direction"),
    ("holidays add 12/25 " + "x" * 200, MANAGER, "too long"),
    ("holidays remove abc", MANAGER, "Give the holiday number"),
    ("holidays remove #9999", MANAGER, "does not exist"),
    ("holidays frobnicate", MANAGER, "Use `/sched holidays"),
    ("availability <@U0GHOST|g>", MANAGER, "not linked"),
    ("availability ben", MANAGER, "Mention the person"),
    ("events " + "y" * 150, MANAGER, "1 to 100 characters"),
]


def assert_safe(text: str) -> None:
    """Nothing a person typed can act as Slack markup or hide text."""
    for bad in UNSAFE:
        assert bad not in text, f"unsafe {bad!r} echoed"
    assert "Something went wrong" not in text


@pytest.mark.parametrize(("text", "user", "expected"), BAD_COMMANDS, ids=[c[0][:40] for c in BAD_COMMANDS])
def test_bad_command_gets_a_clear_answer_and_changes_nothing(driver: Driver, store: Store, text: str,
                                                            user: str, expected: str) -> None:
    before = store.state()

    reply = driver.command(text, user)

    shown = rendered(reply)
    assert expected in shown
    assert_safe(shown)
    assert store.state() == before


def test_events_search_echoes_markup_safely(driver: Driver) -> None:
    reply = driver.command("events <!channel>", MANAGER)

    shown = rendered(reply)
    assert "‹!channel›" in shown
    assert_safe(shown)


def _assign(extra: dict[str, Any] | None = None, *, employee: str | None = "E-ANN",
            day: str | None = "2025-10-03", time: str | None = "10:45") -> dict[str, Any]:
    values: dict[str, Any] = dict(extra or {})
    if employee is not None:
        values[EMPLOYEE_BLOCK] = select(employee)
    if day is not None:
        values[DAY_BLOCK] = picked_date(day)
    if time is not None:
        values[TIME_BLOCK] = select(time)
    return values


def _override(reason: str) -> dict[str, dict[str, Any]]:
    return {OVERRIDE_BLOCK: boxes(OVERRIDE_VALUE), REASON_BLOCK: typed(reason)}


BAD_ASSIGN: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("impossible date", _assign(day="2025-13-01"), {DAY_BLOCK: "not a real date"}),
    ("time not offered", _assign(time="03:00"), {TIME_BLOCK: "offered times"}),
    ("employee not offered", _assign(employee="E-NOPE"), {EMPLOYEE_BLOCK: "from the list"}),
    ("missing blocks", {}, {EMPLOYEE_BLOCK: "Choose", DAY_BLOCK: "Pick a date", TIME_BLOCK: "offered"}),
    ("10k reason", _assign(_override("z" * 10_000)), {REASON_BLOCK: "At most 500"}),
    ("NUL in reason", _assign(_override("ok\x00no")), {REASON_BLOCK: "control"}),
    ("RTL in reason", _assign(_override(f"fine{RLO}txt")), {REASON_BLOCK: "control"}),
    ("checkbox not offered", _assign({OVERRIDE_BLOCK: boxes("hack")}), {OVERRIDE_BLOCK: "not one of"}),
    ("outside window", _assign(day="2025-09-01"), {DAY_BLOCK: "outside the window"}),
]


@pytest.mark.parametrize(("values", "errors"), [c[1:] for c in BAD_ASSIGN], ids=[c[0] for c in BAD_ASSIGN])
def test_bad_assign_submission_gets_field_errors_and_stores_nothing(
        driver: Driver, store: Store, seeded: Seeded, values: dict[str, Any], errors: dict[str, str]) -> None:
    before = store.state()

    response = driver.submit(ASSIGN_CALLBACK, values, metadata=json.dumps({"e": seeded.open_core.id}))

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    for block, text in errors.items():
        assert text in answer["errors"][block]
    assert_safe(json.dumps(answer, ensure_ascii=False))
    assert store.state() == before


@pytest.mark.parametrize(("callback", "metadata", "expected"), [
    (ASSIGN_CALLBACK, "{not json", "damaged"),
    (ASSIGN_CALLBACK, '{"e": 99999}', "does not exist"),
    (ASSIGN_CALLBACK, '{"e": "1; drop"}', "damaged"),
    (ASSIGN_CONFIRM_CALLBACK, '{"op":"assign","e":1,"u":"E-ANN","s":"not-a-time"}', "damaged"),
    (ASSIGN_CONFIRM_CALLBACK, '{"op":"nuke","e":1}', "damaged"),
    (AVAILABILITY_CALLBACK, "", "damaged"),
])
def test_damaged_modal_metadata_is_refused_in_the_modal(driver: Driver, store: Store, callback: str,
                                                       metadata: str, expected: str) -> None:
    before = store.state()

    response = driver.submit(callback, _assign(), metadata=metadata)

    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "update" and expected in json.dumps(answer["view"])
    assert store.state() == before


def _range(start: str, end: str) -> dict[str, Any]:
    return {RANGE_START_BLOCK: picked_date(start), RANGE_END_BLOCK: picked_date(end)}


BAD_AVAILABILITY: list[tuple[str, dict[str, Any], str]] = [
    ("end before start", _range("2025-10-20", "2025-10-10"), RANGE_END_BLOCK),
    ("range without end", {RANGE_START_BLOCK: picked_date("2025-10-20")}, RANGE_END_BLOCK),
    ("range over", _range("2025-09-01", "2025-09-10"), RANGE_END_BLOCK),
    ("day off in the past", {OFF_DAY_BLOCK: picked_date("2025-09-30")}, OFF_DAY_BLOCK),
    ("impossible day off", {OFF_DAY_BLOCK: picked_date("2025-02-30")}, OFF_DAY_BLOCK),
    ("weekday not offered", {WEEKLY_BLOCK: boxes("mon", "funday")}, WEEKLY_BLOCK),
    ("reason with RTL", {OFF_DAY_BLOCK: picked_date("2025-10-10"), OFF_REASON_BLOCK: typed(f"x{RLO}y")},
     OFF_REASON_BLOCK),
]


@pytest.mark.parametrize(("values", "block"), [c[1:] for c in BAD_AVAILABILITY],
                         ids=[c[0] for c in BAD_AVAILABILITY])
def test_bad_availability_submission_gets_field_errors_and_stores_nothing(
        driver: Driver, store: Store, values: dict[str, Any], block: str) -> None:
    before = store.state()

    response = driver.submit(AVAILABILITY_CALLBACK, values, EMPLOYEE, metadata="E-ANN")

    answer = response.json()
    assert answer["response_action"] == "errors" and block in answer["errors"]
    assert store.state() == before


def test_rotation_value_not_offered_is_a_field_error(driver: Driver, store: Store) -> None:
    before = store.state()
    values = {rotation_block_id(r, d): select("-") for r in RotationType for d in range(7)}
    values[rotation_block_id(RotationType.JUICER, 2)] = select("E-ANN")
    del values[rotation_block_id(RotationType.PRIMARY_LEAD, 4)]

    answer = driver.submit(ROTATION_CALLBACK, values, MANAGER).json()

    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"juicer_2", "primary_lead_4"}
    assert store.state() == before


@pytest.mark.parametrize(("action", "value"), [
    (ASSIGN_OPEN_ACTION, "not json"),
    (ASSIGN_OPEN_ACTION, '{"e": true}'),
    (CONFIRM_ACTION, "[1, 2]"),
])
def test_tampered_button_values_are_refused_plainly(driver: Driver, store: Store, action: str,
                                                    value: str) -> None:
    before = store.state()

    response, key = driver.click(action, value)

    assert response.status_code == 200
    answer = driver.responses(key)[0]
    assert "out of date" in answer.text
    assert store.state() == before
