"""``/sched availability | rotation | holidays | role | link`` and their modals, end to end."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.blocks.home import HOME_EDIT_AVAILABILITY_ACTION
from bot.blocks.modals import (
    AVAILABILITY_CALLBACK,
    NOBODY,
    OFF_DAY_BLOCK,
    OFF_REASON_BLOCK,
    RANGE_DAYS_BLOCK,
    RANGE_END_BLOCK,
    RANGE_START_BLOCK,
    ROTATION_CALLBACK,
    WEEKLY_BLOCK,
    rotation_block_id,
)
from bot.blocks.schedule import AVAILABILITY_EDIT_ACTION, ROTATION_EDIT_ACTION
from bot.listeners.commands.sched_admin import LINK_CHOOSE_ACTION
from core.model import JobTitle, Role, RotationType
from devtools.fake_slack import Message
from tests.e2e.views.support import (
    ADMIN,
    EMPLOYEE,
    MANAGER,
    OTHER_EMPLOYEE,
    UNLINKED,
    Driver,
    Store,
    boxes,
    picked_date,
    rendered,
    select,
    typed,
)


def _buttons(message: Message, action_id: str) -> list[dict[str, Any]]:
    return [e for b in message.blocks for e in b.get("elements", []) if e.get("action_id") == action_id]


def test_availability_shows_my_week_with_an_edit_button(driver: Driver) -> None:
    reply = driver.command("availability", EMPLOYEE)

    text = rendered(reply)
    assert "Availability of Ann Archer" in text and "Mon ✓" in text
    assert [b["value"] for b in _buttons(reply, AVAILABILITY_EDIT_ACTION)] == ["E-ANN"]


def test_an_employee_may_not_see_someone_elses_availability(driver: Driver) -> None:
    reply = driver.command(f"availability <@{OTHER_EMPLOYEE}|ben>", EMPLOYEE)

    assert "Only a lead or above" in reply.text


def test_a_manager_sees_anyones_availability_with_an_edit_button(driver: Driver) -> None:
    reply = driver.command(f"availability <@{OTHER_EMPLOYEE}|ben>", MANAGER)

    assert "Ben Baker" in rendered(reply)
    assert [b["value"] for b in _buttons(reply, AVAILABILITY_EDIT_ACTION)] == ["E-BEN"]


def test_edit_availability_opens_the_modal_from_the_card_and_from_home(driver: Driver) -> None:
    driver.click(AVAILABILITY_EDIT_ACTION, "E-BEN", MANAGER)
    first = driver.opened_view(1)
    driver.click(HOME_EDIT_AVAILABILITY_ACTION, "", EMPLOYEE)
    second = driver.opened_view(2)

    assert (first["callback_id"], first["private_metadata"]) == (AVAILABILITY_CALLBACK, "E-BEN")
    assert (second["callback_id"], second["private_metadata"]) == (AVAILABILITY_CALLBACK, "E-ANN")


def test_saving_availability_stores_weekly_day_off_and_override(driver: Driver, store: Store) -> None:
    values = {WEEKLY_BLOCK: boxes("mon", "tue", "wed", "thu", "fri"),
              OFF_DAY_BLOCK: picked_date("2025-10-10"), OFF_REASON_BLOCK: typed("dentist"),
              RANGE_START_BLOCK: picked_date("2025-10-13"),
              RANGE_END_BLOCK: picked_date("2025-10-19"), RANGE_DAYS_BLOCK: boxes("mon", "tue")}

    response = driver.submit(AVAILABILITY_CALLBACK, values, EMPLOYEE, metadata="E-ANN")

    assert response.json()["response_action"] == "update"
    weekly = store.read(lambda uow: uow.weekly_availability.get("E-ANN"))
    assert weekly.days == (True, True, True, True, True, False, False)
    dates = store.read(lambda uow: uow.date_availability.list(employee_id="E-ANN"))
    assert [(d.day, d.is_available, d.reason) for d in dates] == [(date(2025, 10, 10), False, "dentist")]
    overrides = store.read(lambda uow: uow.overrides.list(employee_id="E-ANN"))
    assert [(o.start_date, o.end_date, o.days) for o in overrides] == [
        (date(2025, 10, 13), date(2025, 10, 19), (True, True, False, False, False, False, False))]


def test_rotation_shows_the_week_and_managers_get_an_edit_button(driver: Driver) -> None:
    employee_view = driver.command("rotation", EMPLOYEE)
    manager_view = driver.command("rotation", MANAGER)

    assert "*Monday* · Juicer: Jules Jones · Primary Lead: Lena Lopez" in rendered(employee_view)
    assert _buttons(employee_view, ROTATION_EDIT_ACTION) == []
    assert len(_buttons(manager_view, ROTATION_EDIT_ACTION)) == 1


def test_rotation_modal_offers_eligible_people_and_saves_the_week(driver: Driver, store: Store) -> None:
    driver.click(ROTATION_EDIT_ACTION, "weekly", MANAGER)
    view = driver.opened_view()
    juicer_monday = next(b for b in view["blocks"] if b.get("block_id") == "juicer_0")
    assert [o["value"] for o in juicer_monday["element"]["options"]] == [NOBODY, "E-JO", "E-JULES"]

    values = {rotation_block_id(r, d): select("E-JULES" if r is RotationType.JUICER else "E-CARA")
              for r in RotationType for d in range(7)}
    values[rotation_block_id(RotationType.JUICER, 0)] = select("E-JO")
    values[rotation_block_id(RotationType.PRIMARY_LEAD, 6)] = select(NOBODY)
    response = driver.submit(ROTATION_CALLBACK, values, MANAGER)

    assert response.json()["response_action"] == "update"
    rows = store.read(lambda uow: uow.rotations.list())
    plan = {(r.rotation_type, r.weekday): r.employee_id for r in rows}
    assert plan[(RotationType.JUICER, 0)] == "E-JO"
    assert plan[(RotationType.PRIMARY_LEAD, 0)] == "E-CARA"
    assert (RotationType.PRIMARY_LEAD, 6) not in plan


def test_rotation_exception_is_recorded_and_removed(driver: Driver, store: Store) -> None:
    reply = driver.command("rotation 10/3 juicer <@U0JO|jo> covering Jules", MANAGER)

    assert "Jo Jensen is the Juicer" in reply.text
    rows = store.read(lambda uow: uow.rotation_exceptions.list())
    assert [(x.day, x.employee_id, x.reason) for x in rows] == [(date(2025, 10, 3), "E-JO", "covering Jules")]

    driver.command(f"rotation remove #{rows[0].id}", MANAGER)

    assert store.read(lambda uow: uow.rotation_exceptions.list()) == []


def test_holidays_are_added_listed_and_removed(driver: Driver, store: Store) -> None:
    added = driver.command("holidays add dec 25 Christmas Day recurring", MANAGER)

    assert "Christmas Day" in added.text and "every year" in added.text
    rows = store.read(lambda uow: uow.holidays.list())
    assert [(h.name, h.day, h.is_recurring) for h in rows] == [("Christmas Day", date(2025, 12, 25), True)]
    listed = driver.command("holidays", EMPLOYEE)
    assert "Christmas Day" in rendered(listed)

    driver.command(f"holidays remove #{rows[0].id}", MANAGER)

    assert store.read(lambda uow: uow.holidays.list()) == []


def test_a_holiday_name_with_an_ampersand_is_stored_as_typed_and_shown_escaped(driver: Driver,
                                                                                store: Store) -> None:
    reply = driver.command("holidays add 11/27 Turkey &amp; Pie", MANAGER)

    assert "Turkey &amp; Pie" in reply.text
    assert [h.name for h in store.read(lambda uow: uow.holidays.list())] == ["Turkey & Pie"]


def test_admin_gives_a_role(driver: Driver, store: Store) -> None:
    reply = driver.command(f"role <@{OTHER_EMPLOYEE}|ben> lead", ADMIN)

    assert reply.text == f"<@{OTHER_EMPLOYEE}> is now lead."
    assert store.read(lambda uow: uow.slack_links.get(OTHER_EMPLOYEE)).role is Role.LEAD


def test_manager_links_a_slack_user_to_an_employee(driver: Driver, store: Store) -> None:
    store.person("E-ANNA", "Anna Archer", JobTitle.EVENT_SPECIALIST)

    reply = driver.command(f"link <@{UNLINKED}|nobody> anna archer", MANAGER)

    assert "is linked to *Anna Archer*" in reply.text
    assert store.read(lambda uow: uow.slack_links.get(UNLINKED)).employee_id == "E-ANNA"


def test_an_ambiguous_name_offers_choices_and_a_click_links(driver: Driver, store: Store) -> None:
    store.person("E-SAM1", "Sam Smith", JobTitle.EVENT_SPECIALIST)
    store.person("E-SAM2", "Sam Smith", JobTitle.LEAD)

    reply = driver.command(f"link <@{UNLINKED}|nobody> Sam Smith", MANAGER)

    choices = _buttons(reply, LINK_CHOOSE_ACTION)
    assert [json.loads(c["value"])["e"] for c in choices] == ["E-SAM1", "E-SAM2"]
    assert store.read(lambda uow: uow.slack_links.get(UNLINKED)) is None
    _, key = driver.click(LINK_CHOOSE_ACTION, choices[1]["value"], MANAGER)

    assert "Sam Smith" in driver.responses(key)[0].text
    assert store.read(lambda uow: uow.slack_links.get(UNLINKED)).employee_id == "E-SAM2"


def test_an_unknown_name_offers_close_matches(driver: Driver, store: Store) -> None:
    store.person("E-ANNA", "Anna Archer", JobTitle.EVENT_SPECIALIST)

    reply = driver.command(f"link <@{UNLINKED}|nobody> archer", MANAGER)

    assert {json.loads(c["value"])["e"] for c in _buttons(reply, LINK_CHOOSE_ACTION)} == {"E-ANN", "E-ANNA"}
