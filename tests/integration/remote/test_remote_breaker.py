"""The circuit breaker: opens after N consecutive failures, rests, probes once, recovers."""

from __future__ import annotations

import pytest

from core.errors import RemoteError
from devtools.sandbox import (
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    Fault,
    FaultKind,
    ServerHandle,
)
from integrations.crossmark import CrossmarkAdapter
from integrations.http import BreakerState, CircuitBreaker, RetryPolicy

from .support import ManualClock, RecordingSleep, fixed_now

USER_INFO = "/users/getUserInfo"


def tripped(clock: ManualClock, threshold: int = 3) -> CircuitBreaker:
    breaker = CircuitBreaker("Crossmark", failure_threshold=threshold, cooldown=30.0, monotonic=clock)
    for _ in range(threshold):
        breaker.before_call()
        breaker.record_failure()
    return breaker


def test_the_breaker_stays_closed_below_the_threshold() -> None:
    breaker = CircuitBreaker("Crossmark", failure_threshold=3, monotonic=ManualClock())
    breaker.record_failure()
    breaker.record_failure()

    breaker.before_call()

    assert breaker.state is BreakerState.CLOSED


def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    breaker = CircuitBreaker("Crossmark", failure_threshold=3, monotonic=ManualClock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 1


def test_an_open_breaker_refuses_calls_and_says_when_it_retries() -> None:
    clock = ManualClock()
    breaker = tripped(clock)
    clock.advance(10)

    with pytest.raises(RemoteError) as refused:
        breaker.before_call()

    assert str(refused.value) == "Crossmark is unavailable, retrying after 20 s"
    assert breaker.state is BreakerState.OPEN


def test_after_the_cool_down_one_probe_goes_through_and_others_wait() -> None:
    clock = ManualClock()
    breaker = tripped(clock)
    clock.advance(30)

    breaker.before_call()

    assert breaker.state is BreakerState.HALF_OPEN
    with pytest.raises(RemoteError, match="unavailable"):
        breaker.before_call()


def test_a_successful_probe_closes_the_breaker() -> None:
    clock = ManualClock()
    breaker = tripped(clock)
    clock.advance(31)
    breaker.before_call()

    breaker.record_success()

    assert breaker.state is BreakerState.CLOSED
    breaker.before_call()


def test_a_failed_probe_opens_the_breaker_for_another_cool_down() -> None:
    clock = ManualClock()
    breaker = tripped(clock)
    clock.advance(31)
    breaker.before_call()

    breaker.record_failure()

    with pytest.raises(RemoteError, match="retrying after 30 s"):
        breaker.before_call()


def test_the_adapter_stops_calling_a_failing_crossmark_and_recovers(
        crossmark_server: ServerHandle, crossmark_sandbox: CrossmarkSandbox) -> None:
    clock = ManualClock()
    breaker = CircuitBreaker("Crossmark", failure_threshold=3, cooldown=30.0, monotonic=clock)
    client = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD,
                              sleep=RecordingSleep(), monotonic=clock, now=fixed_now, breaker=breaker,
                              policy=RetryPolicy(max_attempts=1))
    with client:
        client.user_info()
        crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=500, times=None))
        for _ in range(3):
            with pytest.raises(RemoteError, match="answered 500"):
                client.user_info()
        reached = crossmark_sandbox.faults.count(USER_INFO)

        with pytest.raises(RemoteError, match="Crossmark is unavailable, retrying after 30 s"):
            client.user_info()
        assert crossmark_sandbox.faults.count(USER_INFO) == reached

        clock.advance(31)
        crossmark_sandbox.faults.clear()
        assert client.user_info()["username"] == SANDBOX_USERNAME
        assert breaker.state is BreakerState.CLOSED


def test_an_open_breaker_means_a_push_was_not_sent(crossmark_server: ServerHandle,
                                                   crossmark_sandbox: CrossmarkSandbox) -> None:
    clock = ManualClock()
    client = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD,
                              sleep=RecordingSleep(), monotonic=clock, now=fixed_now,
                              breaker=tripped(clock))
    with client, pytest.raises(RemoteError, match="unavailable"):
        client.unschedule("43898701")

    assert crossmark_sandbox.faults.requests == []
