"""The Assign… modal end to end: open (fast and slow), submit, confirm, refuse, override."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.events import ASSIGN_OPEN_ACTION
from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    ASSIGN_CONFIRM_CALLBACK,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    OVERRIDE_BLOCK,
    OVERRIDE_VALUE,
    REASON_BLOCK,
    TIME_BLOCK,
    AssignPrefill,
)
from core.model import WeeklyAvailability
from tests.e2e.views.support import (
    Driver,
    Seeded,
    SlowFactory,
    Store,
    at,
    boxes,
    picked_date,
    select,
    typed,
    view_param,
)


def _values(employee: str, day: str, time: str, **extra: Any) -> dict[str, Any]:
    return {EMPLOYEE_BLOCK: select(employee), DAY_BLOCK: picked_date(day), TIME_BLOCK: select(time), **extra}


def _meta(event_id: int) -> str:
    return json.dumps({"e": event_id})


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_assign_button_opens_the_modal_with_eligible_people_first(driver: Driver, seeded: Seeded) -> None:
    response, _ = driver.click(ASSIGN_OPEN_ACTION, AssignPrefill(seeded.open_core.id).encode())

    assert response.status_code == 200
    view = driver.opened_view()
    assert view["callback_id"] == ASSIGN_CALLBACK
    assert "606001-CORE-Super Pretzel" in json.dumps(view)
    groups = _block(view, EMPLOYEE_BLOCK)["element"]["option_groups"]
    assert [o["value"] for o in groups[0]["options"]] == ["E-LEAD", "E-ANN", "E-BEN", "E-JO", "E-JULES"]
    assert [o["value"] for o in groups[1]["options"]] == ["E-CARA"]
    assert [o["value"] for o in _block(view, TIME_BLOCK)["element"]["options"]] == [
        "10:45", "11:15", "11:45", "12:15"]
    assert _block(view, DAY_BLOCK)["element"]["initial_date"] == "2025-10-03"
    assert json.loads(view["private_metadata"]) == {"e": seeded.open_core.id}


def test_reassign_button_prefills_the_current_person_and_time(driver: Driver, seeded: Seeded) -> None:
    driver.click(ASSIGN_OPEN_ACTION, AssignPrefill(seeded.booked_core.id).encode())

    view = driver.opened_view()
    assert view["submit"]["text"] == "Reassign"
    assert _block(view, EMPLOYEE_BLOCK)["element"]["initial_option"]["value"] == "E-ANN"
    assert _block(view, TIME_BLOCK)["element"]["initial_option"]["value"] == "10:45"
    assert _block(view, DAY_BLOCK)["element"]["initial_date"] == "2025-10-01"


def test_slow_data_opens_a_loading_view_then_fills_it_in(driver: Driver, seeded: Seeded,
                                                         database: SlowFactory) -> None:
    database.delay = 1.5
    response, _ = driver.click(ASSIGN_OPEN_ACTION, AssignPrefill(seeded.open_core.id).encode())

    assert response.status_code == 200
    assert "Loading" in json.dumps(driver.opened_view())
    update = driver.fake.wait_for("views.update")[0]
    assert view_param(update.params)["callback_id"] == ASSIGN_CALLBACK


def test_valid_submission_schedules_and_says_done(driver: Driver, store: Store, seeded: Seeded) -> None:
    response = driver.submit(ASSIGN_CALLBACK, _values("E-ANN", "2025-10-03", "11:15"),
                             metadata=_meta(seeded.open_core.id))

    answer = response.json()
    assert answer["response_action"] == "update"
    assert "Ann Archer, Fri 10/03 at 11:15 AM" in json.dumps(answer["view"])
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.open_core.id))
    assert [(a.employee_id, a.start) for a in rows] == [("E-ANN", at(2, "11:15"))]


def test_submission_on_a_scheduled_event_moves_it(driver: Driver, store: Store, seeded: Seeded) -> None:
    response = driver.submit(ASSIGN_CALLBACK, _values("E-BEN", "2025-10-03", "10:45"),
                             metadata=_meta(seeded.booked_core.id))

    assert response.json()["response_action"] == "update"
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.booked_core.id))
    assert [(a.employee_id, a.start) for a in rows] == [("E-BEN", at(2, "10:45"))]


def test_soft_warning_becomes_a_confirmation_step(driver: Driver, store: Store, seeded: Seeded) -> None:
    response = driver.submit(ASSIGN_CALLBACK, _values("E-JO", "2025-10-03", "09:00"),
                             metadata=_meta(seeded.juicer.id))

    answer = response.json()
    assert answer["response_action"] == "update"
    assert answer["view"]["callback_id"] == ASSIGN_CONFIRM_CALLBACK
    assert "not the Juicer rotation" in json.dumps(answer["view"])
    assert store.read(lambda uow: uow.assignments.for_event(seeded.juicer.id)) == []

    confirmed = driver.submit(ASSIGN_CONFIRM_CALLBACK, {}, metadata=answer["view"]["private_metadata"])

    assert confirmed.json()["response_action"] == "update"
    rows = store.read(lambda uow: uow.assignments.for_event(seeded.juicer.id))
    assert [a.employee_id for a in rows] == ["E-JO"]


def test_hard_violation_is_a_field_error_and_stores_nothing(driver: Driver, store: Store,
                                                            seeded: Seeded) -> None:
    before = store.state()
    response = driver.submit(ASSIGN_CALLBACK, _values("E-ANN", "2025-10-20", "10:45"),
                             metadata=_meta(seeded.open_core.id))

    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "outside the window" in answer["errors"][DAY_BLOCK]
    assert store.state() == before


def test_overridable_violation_asks_for_the_override(driver: Driver, store: Store, seeded: Seeded) -> None:
    store.write(lambda uow: uow.weekly_availability.add(
        WeeklyAvailability("E-ANN", (True, True, True, True, False, True, True))))
    before = store.state()

    response = driver.submit(ASSIGN_CALLBACK, _values("E-ANN", "2025-10-03", "10:45"),
                             metadata=_meta(seeded.open_core.id))

    errors = response.json()["errors"]
    assert "does not work on Fridays" in errors[EMPLOYEE_BLOCK] and "Tick Override" in errors[EMPLOYEE_BLOCK]
    assert store.state() == before


def test_manager_override_with_a_reason_schedules_and_is_audited(driver: Driver, store: Store,
                                                                 seeded: Seeded) -> None:
    store.write(lambda uow: uow.weekly_availability.add(
        WeeklyAvailability("E-ANN", (True, True, True, True, False, True, True))))
    values = _values("E-ANN", "2025-10-03", "10:45", **{OVERRIDE_BLOCK: boxes(OVERRIDE_VALUE),
                                                         REASON_BLOCK: typed("Ann swapped her day off")})

    response = driver.submit(ASSIGN_CALLBACK, values, metadata=_meta(seeded.open_core.id))

    assert response.json()["response_action"] == "update"
    audit = store.read(lambda uow: uow.audit.list(action="assignment.create"))
    core = [a for a in audit if a.after and a.after.get("event_id") == seeded.open_core.id]
    assert core[0].after is not None and core[0].after["override_reason"] == "Ann swapped her day off"


def test_override_without_a_reason_is_a_field_error(driver: Driver, store: Store, seeded: Seeded) -> None:
    before = store.state()
    values = _values("E-ANN", "2025-10-03", "10:45", **{OVERRIDE_BLOCK: boxes(OVERRIDE_VALUE)})

    response = driver.submit(ASSIGN_CALLBACK, values, metadata=_meta(seeded.open_core.id))

    assert response.json()["errors"] == {REASON_BLOCK: "Say why you override the rules."}
    assert store.state() == before


def test_slow_save_acknowledges_then_updates_the_modal(driver: Driver, store: Store, seeded: Seeded,
                                                       database: SlowFactory) -> None:
    database.delay = 0.8
    response = driver.submit(ASSIGN_CALLBACK, _values("E-ANN", "2025-10-03", "10:45"),
                             metadata=_meta(seeded.open_core.id))

    assert "Saving" in json.dumps(response.json()["view"])
    update = driver.fake.wait_for("views.update")[0]
    database.delay = 0
    assert update.params["view_id"] == "V0MODAL"
    assert "Ann Archer" in json.dumps(view_param(update.params))
    assert store.read(lambda uow: uow.assignments.for_event(seeded.open_core.id))
