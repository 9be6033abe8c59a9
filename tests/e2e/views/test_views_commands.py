"""``/sched today | tomorrow | <date> | week | @user | events`` end to end."""

from __future__ import annotations

import json

from bot.blocks.events import ASSIGN_OPEN_ACTION
from tests.e2e.views.support import EMPLOYEE, LEAD, MANAGER, OTHER_EMPLOYEE, Driver, Seeded, rendered


def test_today_lists_the_day_by_time_slot_with_unstaffed_events(driver: Driver) -> None:
    reply = driver.command("today", EMPLOYEE)

    text = rendered(reply)
    assert reply.response_type == "ephemeral"
    assert "Wednesday, October 1, 2025" in text
    assert "*10:45 AM*" in text and "Ann Archer" in text and "606002-CORE-Cheese Board" in text
    assert "*12:00 PM*" in text and "Lena Lopez" in text
    assert "Unstaffed" in text and "606003-CORE-Apple Slices" in text


def test_empty_sched_shows_today(driver: Driver) -> None:
    reply = driver.command("", EMPLOYEE)

    assert "Wednesday, October 1, 2025" in rendered(reply)


def test_tomorrow_shows_the_next_day(driver: Driver) -> None:
    reply = driver.command("tomorrow", EMPLOYEE)

    text = rendered(reply)
    assert "Thursday, October 2, 2025" in text
    assert "Ben Baker" in text and "606004-CORE-Coffee Tasting" in text


def test_a_date_word_shows_that_day(driver: Driver) -> None:
    for words, title in (("10/3", "Friday, October 3, 2025"), ("fri", "Friday, October 3, 2025"),
                         ("next mon", "Monday, October 6, 2025"),
                         ("2025-10-02", "Thursday, October 2, 2025")):
        assert title in rendered(driver.command(words, LEAD)), words


def test_public_word_shares_the_day_in_the_channel(driver: Driver) -> None:
    reply = driver.command("today public", EMPLOYEE)

    assert reply.response_type == "in_channel"


def test_an_impossible_date_is_answered_plainly(driver: Driver) -> None:
    reply = driver.command("2/30", EMPLOYEE)

    assert "not a real date" in reply.text


def test_week_shows_sunday_to_saturday(driver: Driver) -> None:
    reply = driver.command("week", EMPLOYEE)

    text = rendered(reply)
    assert "Week of Sun 09/28 – Sat 10/04" in text
    for name in ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"):
        assert f"*{name} " in text
    assert "Ann Archer" in text and "Ben Baker" in text


def test_week_of_a_date_shows_that_week(driver: Driver) -> None:
    reply = driver.command("week 10/8", EMPLOYEE)

    assert "Week of Sun 10/05 – Sat 10/11" in rendered(reply)


def test_a_mention_shows_that_persons_next_two_weeks(driver: Driver) -> None:
    reply = driver.command(f"<@{OTHER_EMPLOYEE}|ben>", EMPLOYEE)

    text = rendered(reply)
    assert "Ben Baker" in text and "606004-CORE-Coffee Tasting" in text
    assert "Wed 10/01 – Tue 10/14" in text
    assert "Cheese Board" not in text


def test_a_mention_with_week_shows_the_persons_week(driver: Driver) -> None:
    reply = driver.command(f"<@{EMPLOYEE}|ann> week", EMPLOYEE)

    text = rendered(reply)
    assert "Sun 09/28 – Sat 10/04" in text and "Cheese Board" in text


def test_a_mention_of_an_unlinked_user_says_so(driver: Driver) -> None:
    reply = driver.command("<@U0NOBODY|nobody>", EMPLOYEE)

    assert "not linked" in reply.text


def test_events_lists_unscheduled_events_with_assign_buttons_for_managers(driver: Driver,
                                                                          seeded: Seeded) -> None:
    reply = driver.command("events", MANAGER)

    text = rendered(reply)
    assert "Unscheduled events" in text
    assert "606001-CORE-Super Pretzel" in text and "606003-CORE-Apple Slices" in text
    assert "606002-CORE-Cheese Board" not in text
    buttons = [b["accessory"] for b in reply.blocks
               if b.get("accessory", {}).get("action_id") == ASSIGN_OPEN_ACTION]
    assert {json.loads(b["value"])["e"] for b in buttons} >= {seeded.open_core.id, seeded.urgent_core.id}


def test_events_has_no_assign_buttons_for_employees(driver: Driver) -> None:
    reply = driver.command("events", EMPLOYEE)

    assert "Super Pretzel" in rendered(reply)
    assert ASSIGN_OPEN_ACTION not in json.dumps(reply.blocks)


def test_events_urgent_lists_only_those_due_soon(driver: Driver) -> None:
    text = rendered(driver.command("events urgent", MANAGER))

    assert "Apple Slices" in text and "Super Pretzel" not in text


def test_events_text_search_finds_scheduled_events_with_a_reassign_button(driver: Driver) -> None:
    reply = driver.command("events cheese", MANAGER)

    text = rendered(reply)
    assert "606002-CORE-Cheese Board" in text and "Ann Archer" in text and "Reassign…" in text


def test_events_unreported_is_empty_when_nothing_is_overdue(driver: Driver) -> None:
    assert "No events match" in rendered(driver.command("events unreported", LEAD))
