"""The App Home view: employee, manager and unlinked variants within 100 blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.blocks.events import ASSIGN_OPEN_ACTION
from bot.blocks.home import (
    HOME_EDIT_AVAILABILITY_ACTION,
    HOME_TIME_OFF_ACTION,
    HomeData,
    ManagerHome,
    home_view,
)
from core.model import SyncRun, TimeOffRequest
from core.services.query_models import EmployeeSchedule, EventRow, StatusView
from tests.unit.blocks.kit import DAY, all_text, assert_safe, check_blocks, day_with, event, person, row


def _schedule(rows: int = 2) -> EmployeeSchedule:
    return EmployeeSchedule(person(1), DAY, DAY + timedelta(days=13),
                            tuple(row(n, on=DAY + timedelta(days=n % 14)) for n in range(rows)), (),
                            (TimeOffRequest(3, "E001", DAY + timedelta(9), DAY + timedelta(10), "trip"),))


def _manager(urgent: int = 2) -> ManagerHome:
    sync = SyncRun(1, "events", datetime(2025, 10, 1, 10, 0, tzinfo=UTC),
                   datetime(2025, 10, 1, 10, 5, tzinfo=UTC),
                   {"created": 3}, ["one failed"], "partial")
    return ManagerHome(day_with([row(1), row(2)], unstaffed=(event(9),)),
                       [EventRow(event(n), days_left=1) for n in range(10, 10 + urgent)],
                       StatusView({"events": sync}, 4, 1, (person(7),)),
                       [TimeOffRequest(3, "E001", DAY, DAY, "trip")], {"E001": "Person 001"},
                       datetime(2025, 10, 2, 5, 30), ZoneInfo("America/Indiana/Indianapolis"))


def test_unlinked_user_is_asked_to_get_linked() -> None:
    view = home_view(HomeData(linked=False))

    check_blocks(view["blocks"], 100)
    assert view["type"] == "home" and "ask your manager to link you" in all_text(view["blocks"])


def test_employee_home_has_the_schedule_requests_and_both_buttons() -> None:
    view = home_view(HomeData(True, _schedule()))

    check_blocks(view["blocks"], 100)
    text = all_text(view["blocks"])
    assert "Your next 14 days" in text and "Request #3: Fri 10/10 – Sat 10/11 — trip" in text
    assert HOME_TIME_OFF_ACTION in text and HOME_EDIT_AVAILABILITY_ACTION in text
    assert "Today's coverage" not in text


def test_manager_home_has_coverage_urgent_waiting_syncs_and_packet() -> None:
    view = home_view(HomeData(True, None, _manager()))

    check_blocks(view["blocks"], 100)
    text = all_text(view["blocks"])
    assert "Today's coverage — Wed 10/01" in text and "2 assignment(s) · 1 unstaffed event(s)" in text
    assert text.count(ASSIGN_OPEN_ACTION) == 2
    assert "4 proposed assignment(s)" in text and "#3 Person 001: Wed 10/01" in text
    assert "1 new rep(s) to review" in text
    assert "*events*: partial Wed 10/01 6:05 AM — created 3 · 1 error(s)" in text
    assert "Next packet: Thu 10/02 at 5:30 AM" in text


def test_a_busy_manager_home_stays_within_100_blocks() -> None:
    manager = _manager(urgent=200)
    busy = ManagerHome(day_with([row(n) for n in range(500)], warnings=tuple(f"w{n}" for n in range(50))),
                       manager.urgent, manager.status, list(manager.requests) * 50, manager.names,
                       manager.next_packet)

    view = home_view(HomeData(True, _schedule(300), busy))

    check_blocks(view["blocks"], 100)
    assert "…and 190 more: `/sched events urgent`" in all_text(view["blocks"])


def test_home_escapes_stored_text() -> None:
    schedule = EmployeeSchedule(person(1), DAY, DAY, (row(1, event_name="<!channel> free"),), (),
                                (TimeOffRequest(3, "E001", DAY, DAY, "<!here>\u202e"),))

    view = home_view(HomeData(True, schedule))

    assert_safe(view["blocks"])
