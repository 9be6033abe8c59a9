"""An expired session answered as a 200 HTML page (no redirect, no login form), over real sockets.

MVRetail does not execute a request it answers with its login/session page, so the adapter logs in
again once and repeats the call — even a push — and the result is exactly one scheduled event.
Documents (sales-tool PDFs) whose error pages are HTML are not mistaken for an expired session.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.errors import RemoteError, RemoteOutcomeUnknown
from core.model import Employee, Event
from devtools.sandbox import CrossmarkSandbox, Fault, FaultKind, SandboxDataset
from devtools.sandbox.faults import SESSION_ENDED_PAGE
from integrations.crossmark import CrossmarkAdapter

from .support import employee_of, event_of

SCHEDULE = "/planningextcontroller/scheduleMplanEvent"
UNSCHEDULE = "/planningextcontroller/deleteScheduledMplanEvent"
PLANNING = "/planningextcontroller/getPlanningMplans"
LOGIN = "/login/authenticate"
DAY = date(2027, 3, 16)
START, END = datetime(2027, 3, 16, 10, 45), datetime(2027, 3, 16, 17, 15)
SESSION_ENDED = Fault(FaultKind.SESSION_ENDED)


def booking(dataset: SandboxDataset) -> tuple[Event, Employee]:
    mplan = next(m for m in dataset.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                 and m.start_date <= DAY <= m.end_date)
    return event_of(mplan), employee_of(dataset.reps[20])


def held_by(sandbox: CrossmarkSandbox, mplan_id: int) -> list[str]:
    return sorted(event_id for event_id, held in sandbox.state.active.items() if held == mplan_id)


def test_the_fault_page_is_html_without_a_login_form() -> None:
    page = SESSION_ENDED_PAGE.lower()
    assert b"<html" in page and b"session has ended" in page
    assert b"password" not in page and LOGIN.encode() not in page


def test_the_session_ended_page_also_ends_the_session_server_side(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    [first] = crossmark_sandbox.state.issued_sessions
    crossmark_sandbox.faults.inject("/users/getUserInfo", SESSION_ENDED)

    crossmark.user_info()

    assert not crossmark_sandbox.state.session_valid(first)
    assert crossmark.session.logins == 2


def test_a_push_answered_with_the_session_page_is_repeated_once_after_a_fresh_login(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark.user_info()
    crossmark_sandbox.faults.inject(SCHEDULE, SESSION_ENDED)

    event_id = crossmark.schedule(event, employee, START, END)

    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(LOGIN) == 2
    assert crossmark_sandbox.faults.count(SCHEDULE) == 2
    assert crossmark_sandbox.faults.count(SCHEDULE, faulted=True) == 1
    assert [c.event_id for c in crossmark_sandbox.state.schedule_calls] == [event_id]
    assert held_by(crossmark_sandbox, event.mplan_id) == [event_id]
    assert crossmark.find_schedule(event, employee, START) == event_id


def test_a_planning_read_answered_with_the_session_page_is_repeated_after_a_fresh_login(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.condition == "Scheduled" and m.schedule_event_id)
    crossmark.user_info()
    crossmark_sandbox.faults.inject(PLANNING, SESSION_ENDED)

    assert crossmark.scheduled_event_of(event_of(mplan)) == mplan.schedule_event_id

    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(PLANNING) == 2


def test_a_first_call_answered_with_the_session_page_logs_in_again(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    crossmark_sandbox.faults.inject(PLANNING, SESSION_ENDED)

    events = crossmark.planning_events(dataset.today, dataset.today)

    assert events
    assert crossmark.session.logins == 2


def test_an_undo_answered_with_the_session_page_is_repeated_and_succeeds(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.condition == "Scheduled" and m.schedule_event_id)
    assert mplan.schedule_event_id is not None
    crossmark_sandbox.faults.inject(UNSCHEDULE, SESSION_ENDED)

    crossmark.unschedule(mplan.schedule_event_id)

    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 2
    assert held_by(crossmark_sandbox, mplan.mplan_id) == []


def test_a_push_still_answered_with_the_session_page_after_login_gives_up_without_pushing(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.SESSION_ENDED, times=None))

    with pytest.raises(RemoteError, match="keeps answering with its login page") as raised:
        crossmark.schedule(event, employee, START, END)

    assert not isinstance(raised.value, RemoteOutcomeUnknown)
    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(SCHEDULE) == 2
    assert crossmark_sandbox.state.schedule_calls == []


def test_a_read_still_answered_with_the_session_page_after_login_gives_up(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark_sandbox.faults.inject("/users/getUserInfo", Fault(FaultKind.SESSION_ENDED, times=None))

    with pytest.raises(RemoteError, match="keeps answering with its login page"):
        crossmark.user_info()

    assert crossmark.session.logins == 2


def test_an_html_sales_tool_page_is_not_taken_for_an_expired_session(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox) -> None:
    events = crossmark.planning_events(date(2027, 1, 1), date(2027, 12, 31))
    broken = next(e.sales_tool_url for e in events if e.sales_tool_url and "broken" in e.sales_tool_url)
    working = next(e.sales_tool_url for e in events if e.sales_tool_url and "broken" not in e.sales_tool_url)

    assert crossmark.sales_tool(broken) is None
    pdf = crossmark.sales_tool(working)

    assert pdf is not None and pdf.startswith(b"%PDF")
    assert crossmark.session.logins == 1
    assert crossmark_sandbox.faults.count(LOGIN) == 1
