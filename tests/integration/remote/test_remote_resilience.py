"""Retries, backoff and Retry-After on idempotent calls, over real sockets with injected faults."""

from __future__ import annotations

import socket
from datetime import timedelta
from email.utils import format_datetime

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
from integrations.http import RetryPolicy

from .support import FIXED_NOW, ManualClock, RecordingSleep, ServerComesBackOnSleep, fixed_now

USER_INFO = "/users/getUserInfo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_connect_error_is_retried_until_the_server_is_up(crossmark_sandbox: CrossmarkSandbox) -> None:
    port = free_port()
    sleeps = ServerComesBackOnSleep(crossmark_sandbox.app, port)
    client = CrossmarkAdapter(f"http://127.0.0.1:{port}", SANDBOX_USERNAME, SANDBOX_PASSWORD, sleep=sleeps,
                              now=fixed_now)
    try:
        info = client.user_info()
    finally:
        client.close()
        sleeps.stop()

    assert info["username"] == SANDBOX_USERNAME
    assert len(sleeps.waits) == 1


def test_a_server_that_never_listens_gives_a_clear_error(sleeps: RecordingSleep) -> None:
    client = CrossmarkAdapter(f"http://127.0.0.1:{free_port()}", SANDBOX_USERNAME, SANDBOX_PASSWORD,
                              sleep=sleeps, now=fixed_now, policy=RetryPolicy(max_attempts=3))
    with client, pytest.raises(RemoteError, match="Crossmark could not be reached"):
        client.user_info()
    assert len(sleeps.waits) == 2


def test_two_503s_then_a_200_succeeds_after_two_backoffs(crossmark: CrossmarkAdapter,
                                                          crossmark_sandbox: CrossmarkSandbox,
                                                          sleeps: RecordingSleep) -> None:
    crossmark.user_info()
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=503, times=2))

    assert crossmark.user_info()["username"] == SANDBOX_USERNAME

    assert crossmark_sandbox.faults.count(USER_INFO) == 4
    assert len(sleeps.waits) == 2


def test_a_429_waits_exactly_what_retry_after_says(crossmark: CrossmarkAdapter,
                                                   crossmark_sandbox: CrossmarkSandbox,
                                                   sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=429, retry_after="7"))

    crossmark.user_info()

    assert sleeps.waits == [7.0]


def test_a_retry_after_date_is_turned_into_seconds(crossmark: CrossmarkAdapter,
                                                   crossmark_sandbox: CrossmarkSandbox,
                                                   sleeps: RecordingSleep) -> None:
    when = format_datetime(FIXED_NOW + timedelta(seconds=30), usegmt=True)
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=503, retry_after=when))

    crossmark.user_info()

    assert sleeps.waits == [30.0]


def test_a_retry_after_beyond_the_limit_is_not_waited_for(crossmark: CrossmarkAdapter,
                                                          crossmark_sandbox: CrossmarkSandbox,
                                                          sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=429, retry_after="3600"))

    with pytest.raises(RemoteError, match="asked to wait 3600 s"):
        crossmark.user_info()
    assert sleeps.waits == []


def test_a_400_is_not_retried(crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox,
                              sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=400))

    with pytest.raises(RemoteError, match=r"refused POST /users/getUserInfo \(400\)"):
        crossmark.user_info()

    assert crossmark_sandbox.faults.count(USER_INFO) == 1
    assert sleeps.waits == []


def test_endless_500s_give_up_with_a_clear_error(crossmark: CrossmarkAdapter,
                                                 crossmark_sandbox: CrossmarkSandbox,
                                                 sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=500, times=None))

    with pytest.raises(RemoteError) as raised:
        crossmark.user_info()

    assert str(raised.value) == "Crossmark answered 500 to POST /users/getUserInfo after 4 attempts"
    assert crossmark_sandbox.faults.count(USER_INFO) == 4
    assert len(sleeps.waits) == 3


def test_backoff_doubles_with_jitter_up_to_the_cap(crossmark_server: ServerHandle,
                                                   crossmark_sandbox: CrossmarkSandbox) -> None:
    sleeps = RecordingSleep()
    policy = RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=8.0)
    client = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, sleep=sleeps,
                              now=fixed_now, policy=policy, monotonic=ManualClock())
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=502, times=None))

    with client, pytest.raises(RemoteError):
        client.user_info()

    ceilings = [1.0, 2.0, 4.0, 8.0, 8.0]
    assert len(sleeps.waits) == len(ceilings)
    assert all(c / 2 <= w <= c for w, c in zip(sleeps.waits, ceilings, strict=True))


def test_a_read_timeout_on_a_read_is_retried(crossmark_server: ServerHandle,
                                             crossmark_sandbox: CrossmarkSandbox) -> None:
    sleeps = RecordingSleep()
    client = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, timeout=0.3,
                              sleep=sleeps, now=fixed_now)
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.SLOW, delay=1.5))

    with client:
        assert client.user_info()["username"] == SANDBOX_USERNAME

    assert len(sleeps.waits) == 1


def test_a_dropped_connection_on_a_read_is_retried(crossmark: CrossmarkAdapter,
                                                   crossmark_sandbox: CrossmarkSandbox,
                                                   sleeps: RecordingSleep) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.DROP))

    assert crossmark.user_info()["username"] == SANDBOX_USERNAME
    assert len(sleeps.waits) == 1
