"""Passwords, session cookies and bearer tokens never reach a log record, an error or a repr."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

import pytest

from core.errors import DomainError
from devtools.sandbox import (
    SANDBOX_EDR_USERNAME,
    SANDBOX_MFA_CODE,
    SANDBOX_MFA_CREDENTIAL_ID,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    Fault,
    FaultKind,
    RetailLinkSandbox,
    SandboxDataset,
)
from integrations.crossmark import CrossmarkAdapter
from integrations.retaillink import RetailLinkAdapter

from .support import RecordingSleep, employee_of, event_of, fixed_now

CROSSMARK_PASSWORD = "cm-pw-CANARY-51f0"
RETAILLINK_PASSWORD = "rl-pw-CANARY-88ac"


def attempt(errors: list[str], call: Callable[[], object]) -> None:
    try:
        call()
    except DomainError as exc:
        errors.append(f"{exc!s} {exc!r}")


def test_no_secret_appears_in_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture,
                                                   dataset: SandboxDataset) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "integrations"):  # the CLI quiets some of them for the whole process
        caplog.set_level(logging.DEBUG, logger=name)
    crossmark_sandbox = CrossmarkSandbox(dataset, password=CROSSMARK_PASSWORD)
    retaillink_sandbox = RetailLinkSandbox(dataset, password=RETAILLINK_PASSWORD)
    crossmark_server, retaillink_server = crossmark_sandbox.serve(), retaillink_sandbox.serve()
    crossmark = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, CROSSMARK_PASSWORD,
                                 sleep=RecordingSleep(), now=fixed_now)
    wrong_crossmark = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, CROSSMARK_PASSWORD + "x",
                                       sleep=RecordingSleep(), now=fixed_now)
    rl_url = retaillink_server.base_url
    retaillink = RetailLinkAdapter(rl_url, rl_url, SANDBOX_EDR_USERNAME, RETAILLINK_PASSWORD,
                                   SANDBOX_MFA_CREDENTIAL_ID, sleep=RecordingSleep())
    errors: list[str] = []
    mplan = next(m for m in dataset.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                 and m.start_date <= date(2027, 3, 16) <= m.end_date)
    try:
        crossmark.user_info()
        crossmark_sandbox.faults.inject("/users/getUserInfo", Fault(FaultKind.STATUS, status=401))
        crossmark.user_info()
        crossmark_sandbox.faults.inject("/planningextcontroller/scheduleMplanEvent",
                                        Fault(FaultKind.STATUS, status=500, after_handler=True))
        crossmark.schedule(event_of(mplan), employee_of(dataset.reps[20]), datetime(2027, 3, 16, 10, 45),
                           datetime(2027, 3, 16, 17, 15))
        attempt(errors, wrong_crossmark.user_info)
        retaillink.request_code()
        attempt(errors, lambda: retaillink.submit_code("000000"))
        retaillink.submit_code(SANDBOX_MFA_CODE)
        retaillink.edr_report(mplan.name[:6])
        retaillink.browse(date(2027, 3, 1), date(2027, 3, 31), "8135")
        retaillink_sandbox.expire_tokens()
        attempt(errors, lambda: retaillink.edr_report(mplan.name[:6]))
        reprs = [repr(crossmark), repr(crossmark.session), repr(retaillink), repr(retaillink.store)]
    finally:
        for adapter in (crossmark, wrong_crossmark, retaillink):
            adapter.close()
        crossmark_server.stop()
        retaillink_server.stop()

    canaries = [CROSSMARK_PASSWORD, RETAILLINK_PASSWORD, *crossmark_sandbox.state.issued_sessions,
                *retaillink_sandbox.issued_tokens, *retaillink_sandbox.auth_cookies,
                *retaillink_sandbox.logins]
    assert len(crossmark_sandbox.state.issued_sessions) == 2 and retaillink_sandbox.issued_tokens
    assert len(errors) == 3
    logged = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    for text in logged + errors + reprs:
        for canary in canaries:
            assert canary not in text
