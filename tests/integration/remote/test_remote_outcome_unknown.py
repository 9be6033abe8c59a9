"""Changes whose outcome is unknown are never guessed at, over real sockets against the sandbox.

A push answered after the client's timeout, a push or an undo answered with an unreadable body: the
adapter checks once (pushes) or deletes once more (undos), and otherwise raises
``RemoteOutcomeUnknown`` — it never re-sends a push, never reports an unconfirmed change as done or
as not done. ``find_schedule`` and ``scheduled_event_of`` then tell the truth.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest

from core.errors import RemoteError, RemoteOutcomeUnknown
from core.model import Employee, Event
from devtools.sandbox import (
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    Fault,
    FaultKind,
    SandboxDataset,
    ServerHandle,
)
from devtools.sandbox.dataset import SandboxMplan
from integrations.crossmark import CrossmarkAdapter
from integrations.http import OutcomeUnknown

from .support import ManualClock, RecordingSleep, employee_of, event_of, fixed_now

SCHEDULE = "/planningextcontroller/scheduleMplanEvent"
UNSCHEDULE = "/planningextcontroller/deleteScheduledMplanEvent"
PLANNING = "/planningextcontroller/getPlanningMplans"
DAY = date(2027, 3, 16)
START, END = datetime(2027, 3, 16, 10, 45), datetime(2027, 3, 16, 17, 15)
CLIENT_TIMEOUT = 0.5
SERVER_DELAY = 1.5


@pytest.fixture
def quick(crossmark_server: ServerHandle, sleeps: RecordingSleep) -> Iterator[CrossmarkAdapter]:
    """An adapter with a short timeout, so 'Crossmark answered after we gave up' takes a second."""
    adapter = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD,
                               timeout=CLIENT_TIMEOUT, sleep=sleeps, monotonic=ManualClock(), now=fixed_now)
    yield adapter
    adapter.close()


def unstaffed_core(dataset: SandboxDataset) -> SandboxMplan:
    return next(m for m in dataset.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                and m.start_date <= DAY <= m.end_date)


def booking(dataset: SandboxDataset) -> tuple[Event, Employee]:
    return event_of(unstaffed_core(dataset)), employee_of(dataset.reps[20])


def held_by(sandbox: CrossmarkSandbox, mplan_id: int) -> list[str]:
    """Every scheduled event the sandbox holds for one mPlan (more than one is a double booking)."""
    return sorted(event_id for event_id, held in sandbox.state.active.items() if held == mplan_id)


def pushes_of(sandbox: CrossmarkSandbox, mplan_id: int) -> list[str]:
    return [c.event_id for c in sandbox.state.schedule_calls if c.mplan_id == mplan_id]


def wait_until_applied(sandbox: CrossmarkSandbox, mplan_id: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not pushes_of(sandbox, mplan_id):
        assert time.monotonic() < deadline, "the late push never landed in the sandbox"
        time.sleep(0.02)


def scheduled(dataset: SandboxDataset) -> tuple[SandboxMplan, str]:
    mplan = next(m for m in dataset.mplans if m.condition == "Scheduled" and m.schedule_event_id)
    assert mplan.schedule_event_id is not None
    return mplan, mplan.schedule_event_id


# ---- pushes ------------------------------------------------------------------------------------


def test_the_outcome_unknown_of_the_http_layer_is_the_core_error() -> None:
    assert issubclass(OutcomeUnknown, RemoteOutcomeUnknown)
    assert OutcomeUnknown("x").code == RemoteOutcomeUnknown.code == "remote_outcome_unknown"


def test_a_push_delayed_within_the_timeout_is_answered_and_applied_once(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.SLOW, delay=CLIENT_TIMEOUT / 5))

    event_id = quick.schedule(event, employee, START, END)

    assert held_by(crossmark_sandbox, event.mplan_id) == [event_id]
    assert pushes_of(crossmark_sandbox, event.mplan_id) == [event_id]
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1


def test_a_push_applied_then_answered_after_the_timeout_returns_the_id_it_finds(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.SLOW, delay=SERVER_DELAY, after_handler=True))

    event_id = quick.schedule(event, employee, START, END)

    assert held_by(crossmark_sandbox, event.mplan_id) == [event_id]
    assert pushes_of(crossmark_sandbox, event.mplan_id) == [event_id]
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert quick.find_schedule(event, employee, START) == event_id


def test_a_push_that_lands_after_the_timeout_is_unknown_never_resent_and_found_later(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset,
        sleeps: RecordingSleep) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.LATE, delay=SERVER_DELAY))

    with pytest.raises(RemoteOutcomeUnknown, match="may be scheduled there") as raised:
        quick.schedule(event, employee, START, END)

    assert "not scheduled there" not in str(raised.value)
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark_sandbox.faults.count(PLANNING) == 1
    assert sleeps.waits == []
    wait_until_applied(crossmark_sandbox, event.mplan_id)
    [event_id] = held_by(crossmark_sandbox, event.mplan_id)
    assert pushes_of(crossmark_sandbox, event.mplan_id) == [event_id]
    assert quick.find_schedule(event, employee, START) == event_id
    assert quick.scheduled_event_of(event) == event_id


def test_a_push_applied_but_answered_unreadably_returns_the_id_it_finds(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.UNREADABLE, after_handler=True))

    event_id = crossmark.schedule(event, employee, START, END)

    assert held_by(crossmark_sandbox, event.mplan_id) == [event_id]
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark.session.logins == 1


def test_a_push_answered_unreadably_and_not_found_is_unknown_not_a_failure(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.UNREADABLE))

    with pytest.raises(RemoteOutcomeUnknown):
        crossmark.schedule(event, employee, START, END)

    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert held_by(crossmark_sandbox, event.mplan_id) == []


def test_an_unreadable_answer_to_a_read_is_a_plain_remote_error(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    event, _ = booking(dataset)
    crossmark_sandbox.faults.inject(PLANNING, Fault(FaultKind.UNREADABLE))

    with pytest.raises(RemoteError, match="unreadable answer") as raised:
        crossmark.scheduled_event_of(event)

    assert not isinstance(raised.value, RemoteOutcomeUnknown)


# ---- undos -------------------------------------------------------------------------------------


def test_an_undo_applied_but_answered_unreadably_is_unknown_and_the_mplan_tells_the_truth(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.UNREADABLE, after_handler=True))

    with pytest.raises(RemoteOutcomeUnknown, match=f"unscheduling {event_id} could not be read"):
        crossmark.unschedule(event_id)

    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 1
    assert held_by(crossmark_sandbox, mplan.mplan_id) == []
    assert crossmark.scheduled_event_of(event_of(mplan)) is None


def test_an_undo_not_applied_and_answered_unreadably_is_unknown_and_the_mplan_still_holds_it(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.UNREADABLE))

    with pytest.raises(RemoteOutcomeUnknown, match="could not be read"):
        crossmark.unschedule(event_id)

    assert held_by(crossmark_sandbox, mplan.mplan_id) == [event_id]
    assert crossmark.scheduled_event_of(event_of(mplan)) == event_id


def test_an_undo_applied_then_timed_out_is_deleted_once_more_and_the_wire_says_gone(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset,
        sleeps: RecordingSleep) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.SLOW, delay=SERVER_DELAY, after_handler=True))

    quick.unschedule(event_id)

    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 2
    assert len(sleeps.waits) == 1
    assert quick.scheduled_event_of(event_of(mplan)) is None


def test_an_undo_lost_before_it_ran_is_applied_by_the_second_delete(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.SLOW, delay=SERVER_DELAY))

    quick.unschedule(event_id)

    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 2
    assert held_by(crossmark_sandbox, mplan.mplan_id) == []


def test_an_undo_timed_out_twice_is_unknown_and_the_mplan_still_holds_it(
        quick: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.SLOW, delay=SERVER_DELAY, times=2))

    with pytest.raises(RemoteOutcomeUnknown, match=f"did not confirm unscheduling {event_id}"):
        quick.unschedule(event_id)

    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 2
    assert quick.scheduled_event_of(event_of(mplan)) == event_id


def test_a_second_delete_answered_not_found_is_unknown_not_success(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)
    crossmark_sandbox.state.remember_deleted = False
    crossmark_sandbox.faults.inject(UNSCHEDULE, Fault(FaultKind.STATUS, status=500, after_handler=True))

    with pytest.raises(RemoteOutcomeUnknown, match="may already be unscheduled"):
        crossmark.unschedule(event_id)

    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 2
    assert crossmark.scheduled_event_of(event_of(mplan)) is None


def test_a_first_delete_of_an_unknown_id_is_a_definite_refusal(crossmark: CrossmarkAdapter,
                                                               crossmark_sandbox: CrossmarkSandbox) -> None:
    with pytest.raises(RemoteError, match="not found") as raised:
        crossmark.unschedule("99999999")

    assert not isinstance(raised.value, RemoteOutcomeUnknown)
    assert crossmark_sandbox.faults.count(UNSCHEDULE) == 1


# ---- scheduled_event_of ------------------------------------------------------------------------


def test_scheduled_event_of_reads_the_id_the_mplan_holds(crossmark: CrossmarkAdapter,
                                                         dataset: SandboxDataset) -> None:
    mplan, event_id = scheduled(dataset)

    assert crossmark.scheduled_event_of(event_of(mplan)) == event_id
    assert crossmark.scheduled_event_of(event_of(unstaffed_core(dataset))) is None


def test_scheduled_event_of_follows_a_push_and_an_undo(crossmark: CrossmarkAdapter,
                                                       dataset: SandboxDataset) -> None:
    event, employee = booking(dataset)

    event_id = crossmark.schedule(event, employee, START, END)
    assert crossmark.scheduled_event_of(event) == event_id
    crossmark.unschedule(event_id)
    assert crossmark.scheduled_event_of(event) is None


def test_scheduled_event_of_an_mplan_crossmark_does_not_show_is_an_error(crossmark: CrossmarkAdapter,
                                                                         dataset: SandboxDataset) -> None:
    ghost = replace(event_of(unstaffed_core(dataset)), mplan_id=99999999)

    with pytest.raises(RemoteError, match="does not show") as raised:
        crossmark.scheduled_event_of(ghost)

    assert not isinstance(raised.value, RemoteOutcomeUnknown)
