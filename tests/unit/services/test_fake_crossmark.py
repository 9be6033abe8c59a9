"""The in-memory Crossmark used by the service tests behaves like the real board."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.errors import RemoteError
from core.model import Assignment, Employee, Event
from core.ports import CrossmarkPort, RemoteEvent
from tests.fakes.crossmark import FakeCrossmark

EVENT = Event(1, 31785976, "606034-CORE-X", date(2025, 10, 1), date(2025, 10, 8), location_mvid="157384")
REP = Employee("E1", "Ann", rep_id="150001")
START, END = datetime(2025, 10, 3, 10, 45), datetime(2025, 10, 3, 17, 15)


def _board() -> FakeCrossmark:
    fake = FakeCrossmark()
    fake.add_events(
        [
            RemoteEvent(
                31785976, "606034-CORE-X", "157384", None, date(2025, 10, 1), date(2025, 10, 8), "Unstaffed"
            )
        ]
    )
    return fake


def test_the_fake_satisfies_the_port() -> None:
    port: CrossmarkPort = FakeCrossmark()
    assert port.reps() == []


def test_scheduling_returns_increasing_ids_and_marks_the_mplan_scheduled() -> None:
    fake = _board()
    first, second = fake.schedule(EVENT, REP, START, END), fake.schedule(EVENT, REP, START, END)
    assert int(second) == int(first) + 1
    [remote] = fake.planning_events(date(2025, 10, 1), date(2025, 10, 1))
    assert (remote.condition, remote.schedule_rep_id, remote.schedule_event_id) == (
        "Scheduled",
        "150001",
        second,
    )
    fake.unschedule(second)
    assert fake.planning_events(date(2025, 10, 1), date(2025, 10, 1))[0].condition == "Unstaffed"


def test_failures_are_injected_per_method_after_some_successes() -> None:
    fake = _board()
    fake.fail("schedule", skip=1, times=2)
    fake.schedule(EVENT, REP, START, END)
    for _ in range(2):
        with pytest.raises(RemoteError):
            fake.schedule(EVENT, REP, START, END)
    fake.schedule(EVENT, REP, START, END)
    assert [c.ok for c in fake.calls_to("schedule", ok=None)] == [True, False, False, True]


def test_pushing_without_a_repid_or_location_fails_like_the_real_one() -> None:
    fake = _board()
    with pytest.raises(RemoteError, match="RepID"):
        fake.schedule(EVENT, Employee("E2", "Bo"), START, END)
    with pytest.raises(RemoteError, match="location"):
        fake.schedule(Event(2, 2, "x", date(2025, 10, 1), date(2025, 10, 1)), REP, START, END)
    assert fake.schedules == {}


def test_unscheduling_an_unknown_id_fails_and_reissue_replaces_the_id() -> None:
    fake = _board()
    with pytest.raises(RemoteError):
        fake.unschedule("1")
    sid = fake.schedule(EVENT, REP, START, END)
    new = fake.reissue(EVENT, Assignment(1, 1, "E1", START, external_id=sid), REP, START, END, False)
    assert set(fake.schedules) == {new}
    assert fake.find_schedule(EVENT, REP, START) == new
