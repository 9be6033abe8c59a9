"""Schedule pushes are never re-sent by the adapter: a lost or failed reply is checked once against the
remote state, and what it cannot confirm is reported as ``RemoteOutcomeUnknown`` for core to reconcile."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.errors import RemoteError, RemoteOutcomeUnknown
from devtools.sandbox import (
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    Fault,
    FaultKind,
    SandboxDataset,
    ServerHandle,
)
from integrations.crossmark import CrossmarkAdapter

from .support import RecordingSleep, ServerComesBackOnSleep, employee_of, event_of, fixed_now

SCHEDULE = "/planningextcontroller/scheduleMplanEvent"
PLANNING = "/planningextcontroller/getPlanningMplans"
DAY = date(2027, 3, 16)
START, END = datetime(2027, 3, 16, 10, 45), datetime(2027, 3, 16, 17, 15)


def push(client: CrossmarkAdapter, dataset: SandboxDataset) -> str:
    mplan = next(m for m in dataset.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                 and m.start_date <= DAY <= m.end_date)
    return client.schedule(event_of(mplan), employee_of(dataset.reps[20]), START, END)


def test_a_push_whose_reply_times_out_is_found_remotely_not_sent_twice(
        crossmark_server: ServerHandle, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    client = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, timeout=0.3,
                              sleep=RecordingSleep(), now=fixed_now)
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.SLOW, delay=1.5, after_handler=True))

    with client:
        event_id = push(client, dataset)

    calls = crossmark_sandbox.state.schedule_calls
    assert len(calls) == 1
    assert event_id == calls[0].event_id
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark_sandbox.faults.count(PLANNING) == 1


@pytest.mark.parametrize("fault", [Fault(FaultKind.STATUS, status=500, after_handler=True),
                                   Fault(FaultKind.STATUS, status=504, after_handler=True),
                                   Fault(FaultKind.DROP, after_handler=True)],
                         ids=["500", "504", "dropped"])
def test_a_push_applied_but_answered_badly_is_not_repeated(crossmark: CrossmarkAdapter,
                                                           crossmark_sandbox: CrossmarkSandbox,
                                                           dataset: SandboxDataset, fault: Fault) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, fault)

    event_id = push(crossmark, dataset)

    assert [c.event_id for c in crossmark_sandbox.state.schedule_calls] == [event_id]
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1


def test_a_push_answered_5xx_and_not_found_is_unknown_and_not_sent_again(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset,
        sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.STATUS, status=503))

    with pytest.raises(RemoteOutcomeUnknown, match="it may be scheduled there"):
        push(crossmark, dataset)

    assert crossmark_sandbox.state.schedule_calls == []
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark_sandbox.faults.count(PLANNING) == 1
    assert sleeps.waits == []


def test_a_push_refused_with_400_is_neither_retried_nor_checked(crossmark: CrossmarkAdapter,
                                                                crossmark_sandbox: CrossmarkSandbox,
                                                                dataset: SandboxDataset) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.STATUS, status=400))

    with pytest.raises(RemoteError, match="400"):
        push(crossmark, dataset)

    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark_sandbox.faults.count(PLANNING) == 0
    assert crossmark_sandbox.state.schedule_calls == []


def test_a_push_that_is_never_confirmed_is_sent_once_and_never_called_not_scheduled(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.STATUS, status=502, times=None))

    with pytest.raises(RemoteOutcomeUnknown) as raised:
        push(crossmark, dataset)

    assert "not scheduled there" not in str(raised.value)
    assert crossmark_sandbox.faults.count(SCHEDULE) == 1
    assert crossmark_sandbox.state.schedule_calls == []


def test_a_push_whose_state_cannot_be_checked_says_so(crossmark: CrossmarkAdapter,
                                                      crossmark_sandbox: CrossmarkSandbox,
                                                      dataset: SandboxDataset) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.STATUS, status=500))
    crossmark_sandbox.faults.inject(PLANNING, Fault(FaultKind.STATUS, status=503, times=None))

    with pytest.raises(RemoteOutcomeUnknown, match="could not be checked"):
        push(crossmark, dataset)

    assert crossmark_sandbox.faults.count(SCHEDULE) == 1


def test_a_push_that_cannot_connect_is_retried_because_nothing_was_sent(
        crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    first = crossmark_sandbox.serve()
    sleeps = ServerComesBackOnSleep(crossmark_sandbox.app, first.port)
    client = CrossmarkAdapter(first.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, sleep=sleeps, now=fixed_now)
    try:
        client.user_info()
        first.stop()
        event_id = push(client, dataset)
    finally:
        client.close()
        first.stop()
        sleeps.stop()

    assert [c.event_id for c in crossmark_sandbox.state.schedule_calls] == [event_id]
    assert len(sleeps.waits) == 1


def test_a_rate_limited_push_waits_and_is_sent_again(crossmark: CrossmarkAdapter,
                                                     crossmark_sandbox: CrossmarkSandbox,
                                                     dataset: SandboxDataset, sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(SCHEDULE, Fault(FaultKind.STATUS, status=429, retry_after="3"))

    event_id = push(crossmark, dataset)

    assert [c.event_id for c in crossmark_sandbox.state.schedule_calls] == [event_id]
    assert sleeps.waits == [3.0]
    assert crossmark_sandbox.faults.count(PLANNING) == 0
