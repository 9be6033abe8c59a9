"""Session expiry and re-login: 401, 302 to the login page, sessions the server forgot, stale sessions."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import RemoteError
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

from .support import ManualClock, RecordingSleep, fixed_now

USER_INFO = "/users/getUserInfo"
LOGIN = "/login/authenticate"


def test_a_401_triggers_one_re_login_and_one_retry(crossmark: CrossmarkAdapter,
                                                   crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=401))

    assert crossmark.user_info()["username"]

    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(LOGIN) == 2
    assert crossmark_sandbox.faults.count(USER_INFO) == 3


def test_a_403_also_means_the_session_expired(crossmark: CrossmarkAdapter,
                                               crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=403))

    crossmark.user_info()

    assert crossmark.session.logins == 2


def test_a_redirect_to_the_login_page_triggers_a_re_login(crossmark: CrossmarkAdapter,
                                                          crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.LOGIN_REDIRECT))

    assert crossmark.user_info()["username"]
    assert crossmark.session.logins == 2


def test_a_session_the_server_forgot_is_renewed(crossmark: CrossmarkAdapter,
                                                crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    crossmark_sandbox.state.expire_sessions()

    crossmark.user_info()

    assert crossmark.session.logins == 2
    assert len(crossmark_sandbox.state.sessions) == 1


@pytest.fixture
def redirecting_server(dataset: SandboxDataset) -> Iterator[tuple[CrossmarkSandbox, ServerHandle]]:
    sandbox = CrossmarkSandbox(dataset, expired_status=302)
    handle = sandbox.serve()
    yield sandbox, handle
    handle.stop()


def test_a_server_that_redirects_expired_sessions_is_handled(
        redirecting_server: tuple[CrossmarkSandbox, ServerHandle]) -> None:
    sandbox, handle = redirecting_server
    with CrossmarkAdapter(handle.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, now=fixed_now) as client:
        client.user_info()
        sandbox.state.expire_sessions()

        client.user_info()

        assert client.session.logins == 2
        assert sandbox.faults.count(USER_INFO, status=302) == 1


def test_a_stale_session_is_renewed_before_the_call(crossmark: CrossmarkAdapter, clock: ManualClock,
                                                    crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    clock.advance(3601)

    crossmark.user_info()

    assert crossmark.session.logins == 2
    assert crossmark_sandbox.faults.count(USER_INFO) == 2


def test_a_fresh_session_is_reused(crossmark: CrossmarkAdapter, clock: ManualClock) -> None:
    crossmark.user_info()
    clock.advance(1800)

    crossmark.user_info()

    assert crossmark.session.logins == 1


def test_a_wrong_password_is_a_remote_error(crossmark_server: ServerHandle, sleeps: RecordingSleep) -> None:
    with CrossmarkAdapter(crossmark_server.base_url, "demo.manager", "nope", sleep=sleeps,
                          now=fixed_now) as client, pytest.raises(RemoteError, match="rejected the username"):
        client.user_info()


def test_a_session_refused_right_after_login_gives_up(crossmark: CrossmarkAdapter,
                                                      crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark_sandbox.faults.inject(USER_INFO, Fault(FaultKind.STATUS, status=401, times=None))

    with pytest.raises(RemoteError, match="refusing the session"):
        crossmark.user_info()

    assert crossmark.session.logins == 2


def test_concurrent_callers_of_an_expired_session_share_one_re_login(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()
    crossmark_sandbox.state.expire_sessions()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: crossmark.user_info(), range(8)))

    assert all(a["username"] == SANDBOX_USERNAME for a in answers)
    assert crossmark.session.logins == 2
