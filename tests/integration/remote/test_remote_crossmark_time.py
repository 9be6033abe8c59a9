"""Store-local wall times go out with that date's UTC offset (America/Indiana/Indianapolis, DST)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from core.errors import InvalidInput
from devtools.sandbox import SANDBOX_PASSWORD, SANDBOX_USERNAME, CrossmarkSandbox, sandbox_dataset
from devtools.sandbox.dataset import SandboxMplan
from integrations.crossmark import CrossmarkAdapter
from integrations.crossmark.wire import parse_schedule_date, rep_window, wire_time

from .support import employee_of, event_of, fixed_now


@pytest.fixture
def january() -> Iterator[tuple[CrossmarkSandbox, CrossmarkAdapter]]:
    sandbox = CrossmarkSandbox(sandbox_dataset(date(2027, 1, 18)))
    handle = sandbox.serve()
    client = CrossmarkAdapter(handle.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, now=fixed_now)
    yield sandbox, client
    client.close()
    handle.stop()


def core_open_on(sandbox: CrossmarkSandbox, day: date) -> SandboxMplan:
    return next(m for m in sandbox.state.data.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                and m.start_date <= day <= m.end_date)


def test_the_day_after_spring_forward_carries_minus_four(crossmark: CrossmarkAdapter,
                                                         crossmark_sandbox: CrossmarkSandbox) -> None:
    day = date(2027, 3, 15)
    mplan = core_open_on(crossmark_sandbox, day)

    crossmark.schedule(event_of(mplan), employee_of(crossmark_sandbox.state.data.reps[15]),
                       datetime(2027, 3, 15, 10, 45), datetime(2027, 3, 15, 17, 15))

    call = crossmark_sandbox.state.schedule_calls[-1]
    assert call.start == "2027-03-15T10:45:00-04:00"
    assert call.end == "2027-03-15T17:15:00-04:00"
    remote = crossmark_sandbox.state.data.mplan(mplan.mplan_id)
    assert remote is not None and remote.schedule_start == datetime(2027, 3, 15, 10, 45)


def test_a_january_schedule_carries_minus_five(january: tuple[CrossmarkSandbox, CrossmarkAdapter]) -> None:
    sandbox, client = january
    day = date(2027, 1, 20)
    mplan = core_open_on(sandbox, day)

    client.schedule(event_of(mplan), employee_of(sandbox.state.data.reps[15]), datetime(2027, 1, 20, 10, 45),
                    datetime(2027, 1, 20, 17, 15))

    assert sandbox.state.schedule_calls[-1].start == "2027-01-20T10:45:00-05:00"


def test_the_scheduled_time_reads_back_as_the_same_wall_time(crossmark: CrossmarkAdapter,
                                                             crossmark_sandbox: CrossmarkSandbox) -> None:
    mplan = core_open_on(crossmark_sandbox, date(2027, 3, 15))
    crossmark.schedule(event_of(mplan), employee_of(crossmark_sandbox.state.data.reps[15]),
                       datetime(2027, 3, 15, 11, 15), datetime(2027, 3, 15, 17, 45))

    remote = crossmark.planning_event(mplan.mplan_id, mplan.start_date, mplan.end_date)

    assert remote is not None and remote.schedule_start == datetime(2027, 3, 15, 11, 15)


def test_a_wall_time_skipped_by_spring_forward_is_refused() -> None:
    from zoneinfo import ZoneInfo

    with pytest.raises(InvalidInput, match="does not exist"):
        wire_time(datetime(2027, 3, 14, 2, 30), ZoneInfo("America/Indiana/Indianapolis"))


def test_the_repeated_fall_back_hour_uses_the_first_occurrence() -> None:
    from zoneinfo import ZoneInfo

    assert wire_time(datetime(2027, 11, 7, 1, 30), ZoneInfo("America/Indiana/Indianapolis")) == \
        "2027-11-07T01:30:00-04:00"


def test_schedule_dates_parse_in_twelve_hour_format() -> None:
    assert parse_schedule_date("03/15/2027 01:05:00 PM") == datetime(2027, 3, 15, 13, 5)
    assert parse_schedule_date("03/15/2027 12:00:00 AM") == datetime(2027, 3, 15, 0, 0)


def test_the_rep_window_spans_seven_days_from_now() -> None:
    assert rep_window(datetime(2027, 3, 12, 9, 30, 15)) == "03/12/2027 09:30:15,03/19/2027 09:30:15"
