"""The App Home tab for employees, leads, managers, admins and unknown users."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.events import ASSIGN_OPEN_ACTION
from bot.blocks.home import HOME_EDIT_AVAILABILITY_ACTION, HOME_TIME_OFF_ACTION
from core.model import SyncRun, TimeOffRequest
from tests.e2e.views.support import ADMIN, EMPLOYEE, LEAD, MANAGER, UNLINKED, Driver, Store, day
from tests.fakes.clock import FixedClock


def _pending_request(store: Store) -> None:
    store.write(lambda uow: uow.time_off_requests.add(
        TimeOffRequest(0, "E-ANN", day(9), day(10), "family trip")))


def test_employee_home_shows_my_next_days_requests_and_buttons(driver: Driver, store: Store) -> None:
    _pending_request(store)

    view = driver.home(EMPLOYEE)

    text = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home"
    assert "Your next 14 days" in text and "606002-CORE-Cheese Board" in text
    assert "Request #1: Fri 10/10 – Sat 10/11 — family trip" in text
    assert HOME_TIME_OFF_ACTION in text and HOME_EDIT_AVAILABILITY_ACTION in text
    assert "Today's coverage" not in text


def test_lead_home_is_the_personal_view(driver: Driver) -> None:
    text = json.dumps(driver.home(LEAD), ensure_ascii=False)

    assert "Your next 14 days" in text and "606002-Supervisor-Cheese Board" in text
    assert "Today's coverage" not in text


def test_manager_home_shows_coverage_urgent_events_waiting_decisions_syncs_and_packet(
        driver: Driver, store: Store) -> None:
    _pending_request(store)
    store.write(lambda uow: uow.sync_runs.add(SyncRun(
        0, "events", datetime(2025, 10, 1, 10, 0, tzinfo=UTC), datetime(2025, 10, 1, 10, 5, tzinfo=UTC),
        {"created": 3, "updated": 2}, [], "completed")))

    view = driver.home(MANAGER)

    text = json.dumps(view, ensure_ascii=False)
    assert "Today's coverage — Wed 10/01" in text and "Ann Archer" in text
    assert "Urgent: unscheduled, due within 3 days" in text and "606003-CORE-Apple Slices" in text
    assert ASSIGN_OPEN_ACTION in text
    assert "1 time-off request(s) to decide" in text and "Ann Archer" in text
    assert "*events*: completed Wed 10/01 6:05 AM — created 3, updated 2" in text
    assert "Next packet: Thu 10/02 at 5:30 AM" in text
    assert "Your next 14 days" not in text


def test_before_the_morning_run_the_next_packet_is_today(driver: Driver, clock: FixedClock) -> None:
    clock.set(datetime(2025, 10, 1, 8, 0, tzinfo=UTC))

    text = json.dumps(driver.home(MANAGER), ensure_ascii=False)

    assert "Next packet: Wed 10/01 at 5:30 AM" in text


def test_admin_without_a_team_member_sees_the_manager_view(driver: Driver) -> None:
    text = json.dumps(driver.home(ADMIN), ensure_ascii=False)

    assert "Today's coverage" in text and "Your next 14 days" not in text


def test_unknown_user_is_asked_to_get_linked(driver: Driver) -> None:
    view = driver.home(UNLINKED)

    text = json.dumps(view)
    assert "ask your manager to link you" in text
    assert HOME_TIME_OFF_ACTION not in text


def test_home_fits_slacks_block_limit_with_many_urgent_events(driver: Driver, store: Store) -> None:
    for n in range(60):
        store.event(f"7{n:05d}-CORE-Sample {n}", 0, 1)

    view = driver.home(MANAGER)

    assert len(view["blocks"]) <= 100
    assert "…and 51 more" in json.dumps(view, ensure_ascii=False)
