"""Retail Link: SMS MFA login, token storage, EDR report and browse, against the loopback sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from core.errors import InvalidInput, NeedsMfaCode, NotFound, RemoteError
from devtools.sandbox import (
    SANDBOX_EDR_PASSWORD,
    SANDBOX_EDR_USERNAME,
    SANDBOX_MFA_CODE,
    SANDBOX_MFA_CREDENTIAL_ID,
    Fault,
    FaultKind,
    RetailLinkSandbox,
    SandboxDataset,
    ServerHandle,
)
from integrations.retaillink import InMemoryRetailLinkSessionStore, RetailLinkAdapter, RetailLinkSession

from .support import RecordingSleep

EDR = "/EventManagement/api/edrReport"
VALIDATE = "/api/mfa/validateCode"


def signed_in(adapter: RetailLinkAdapter) -> RetailLinkAdapter:
    adapter.request_code()
    adapter.submit_code(SANDBOX_MFA_CODE)
    return adapter


def core_number(dataset: SandboxDataset) -> str:
    return next(m.name[:6] for m in dataset.mplans if "-CORE-" in m.name)


def test_the_right_code_opens_a_session_kept_in_the_store(
        retaillink: RetailLinkAdapter, retaillink_sandbox: RetailLinkSandbox,
        session_store: InMemoryRetailLinkSessionStore) -> None:
    retaillink.request_code()
    assert retaillink_sandbox.codes_sent == 1
    assert not retaillink.has_session()

    retaillink.submit_code(SANDBOX_MFA_CODE)

    assert retaillink.has_session()
    stored = session_store.load()
    assert stored is not None and stored.token in retaillink_sandbox.tokens
    assert stored.expires_at == datetime.fromtimestamp(int(retaillink_sandbox.tokens[stored.token]), UTC)
    assert "_auth" in stored.cookies


def test_a_wrong_code_is_invalid_input_and_a_retry_with_the_right_one_works(
        retaillink: RetailLinkAdapter) -> None:
    retaillink.request_code()

    with pytest.raises(InvalidInput) as wrong:
        retaillink.submit_code("654321")

    assert str(wrong.value) == "Invalid MFA code"
    assert "code" in wrong.value.fields
    assert not retaillink.has_session()
    retaillink.submit_code(SANDBOX_MFA_CODE)
    assert retaillink.has_session()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_a_code_that_is_not_six_digits_never_reaches_retail_link(
        retaillink: RetailLinkAdapter, retaillink_sandbox: RetailLinkSandbox, code: str) -> None:
    retaillink.request_code()

    with pytest.raises(InvalidInput, match="Invalid MFA code"):
        retaillink.submit_code(code)

    assert retaillink_sandbox.faults.count(VALIDATE) == 0


def test_a_code_with_spaces_is_accepted(retaillink: RetailLinkAdapter) -> None:
    retaillink.request_code()

    retaillink.submit_code(" 123 456 ")

    assert retaillink.has_session()


def test_a_code_without_a_request_asks_for_a_new_one(retaillink: RetailLinkAdapter) -> None:
    with pytest.raises(InvalidInput, match="request a new code"):
        retaillink.submit_code(SANDBOX_MFA_CODE)


def test_a_wrong_password_is_a_remote_error_and_sends_no_sms(
        retaillink_server: ServerHandle, retaillink_sandbox: RetailLinkSandbox) -> None:
    adapter = RetailLinkAdapter(retaillink_server.base_url, retaillink_server.base_url, SANDBOX_EDR_USERNAME,
                                "wrong", SANDBOX_MFA_CREDENTIAL_ID, sleep=RecordingSleep())
    with adapter, pytest.raises(RemoteError, match="rejected the username or password"):
        adapter.request_code()

    assert retaillink_sandbox.codes_sent == 0


def test_edr_report_without_a_session_needs_an_mfa_code(retaillink: RetailLinkAdapter,
                                                         retaillink_sandbox: RetailLinkSandbox,
                                                         dataset: SandboxDataset) -> None:
    with pytest.raises(NeedsMfaCode):
        retaillink.edr_report(core_number(dataset))

    assert retaillink_sandbox.faults.requests == []


def test_browse_without_a_session_needs_an_mfa_code(retaillink: RetailLinkAdapter) -> None:
    with pytest.raises(NeedsMfaCode):
        retaillink.browse(date(2027, 3, 1), date(2027, 3, 31), "8135")


def test_edr_report_without_a_bearer_is_unauthorized(retaillink_server: ServerHandle,
                                                     dataset: SandboxDataset) -> None:
    answer = httpx.get(f"{retaillink_server.base_url}{EDR}", params={"id": core_number(dataset)})

    assert answer.status_code == 401


def test_edr_report_maps_the_report_and_its_items(retaillink: RetailLinkAdapter,
                                                  dataset: SandboxDataset) -> None:
    number = core_number(dataset)
    source = dataset.edr_events[number]

    report = signed_in(retaillink).edr_report(number)

    assert report.event_number == number
    assert report.name == source.name
    assert report.event_date == source.event_date
    assert report.event_type in ("Supplier", "STANDARD")
    assert report.status == "APPROVED"
    assert report.locked is source.locked
    assert report.prep_instructions == source.prep_text
    assert report.portion_instructions == source.portion_text
    assert [i.item_number for i in report.items] == [i.item_number for i in source.items]
    first, wire = report.items[0], source.items[0]
    assert (first.gtin, first.description, first.vendor_number) == (wire.gtin, wire.description,
                                                                     wire.vendor_number)
    assert first.dept_number == str(wire.dept_number)
    assert first.dept_description
    assert report.fetched_at is not None


def test_edr_report_of_an_unknown_event_is_not_found(retaillink: RetailLinkAdapter) -> None:
    with pytest.raises(NotFound):
        signed_in(retaillink).edr_report("999999")


def test_edr_report_needs_a_six_digit_event_number(retaillink: RetailLinkAdapter) -> None:
    with pytest.raises(InvalidInput):
        signed_in(retaillink).edr_report("60600")


def test_a_token_retail_link_dropped_clears_the_session(retaillink: RetailLinkAdapter,
                                                        retaillink_sandbox: RetailLinkSandbox,
                                                        session_store: InMemoryRetailLinkSessionStore,
                                                        dataset: SandboxDataset) -> None:
    signed_in(retaillink)
    retaillink_sandbox.expire_tokens()

    with pytest.raises(NeedsMfaCode):
        retaillink.edr_report(core_number(dataset))

    assert session_store.load() is None
    assert not retaillink.has_session()


def test_an_expired_stored_token_is_not_sent(retaillink: RetailLinkAdapter,
                                             retaillink_sandbox: RetailLinkSandbox,
                                             session_store: InMemoryRetailLinkSessionStore,
                                             dataset: SandboxDataset) -> None:
    session_store.save(RetailLinkSession("old-token", datetime.now(UTC) - timedelta(minutes=1)))

    with pytest.raises(NeedsMfaCode):
        retaillink.edr_report(core_number(dataset))

    assert retaillink_sandbox.faults.count(EDR) == 0


def test_a_second_adapter_sharing_the_store_needs_no_code(retaillink: RetailLinkAdapter,
                                                          retaillink_server: ServerHandle,
                                                          session_store: InMemoryRetailLinkSessionStore,
                                                          retaillink_sandbox: RetailLinkSandbox,
                                                          dataset: SandboxDataset) -> None:
    signed_in(retaillink)
    other = RetailLinkAdapter(retaillink_server.base_url, retaillink_server.base_url, SANDBOX_EDR_USERNAME,
                              SANDBOX_EDR_PASSWORD, SANDBOX_MFA_CREDENTIAL_ID, store=session_store)

    with other:
        assert other.edr_report(core_number(dataset)).items

    assert retaillink_sandbox.codes_sent == 1


def test_browse_returns_one_report_per_event_with_converted_items(retaillink: RetailLinkAdapter,
                                                                  dataset: SandboxDataset) -> None:
    start, end = date(2027, 3, 12), date(2027, 3, 20)

    reports = signed_in(retaillink).browse(start, end, "8135")

    expected = {n for n, e in dataset.edr_events.items() if start <= e.event_date <= end and e.items}
    assert {r.event_number for r in reports} == expected
    supplier = next(r for r in reports if dataset.edr_events[r.event_number].class_code == 7)
    assert supplier.event_type == "Supplier"
    assert supplier.status == "APPROVED"
    source = dataset.edr_events[supplier.event_number]
    assert [i.gtin for i in supplier.items] == [i.gtin for i in source.items]
    assert [i.vendor_number for i in supplier.items] == [i.billed_vendor_number for i in source.items]
    assert all(r.event_date is not None and start <= r.event_date <= end for r in reports)


def test_browse_for_another_club_is_empty(retaillink: RetailLinkAdapter) -> None:
    assert signed_in(retaillink).browse(date(2027, 3, 1), date(2027, 3, 31), "4321") == []


def test_edr_report_rides_out_a_503(retaillink: RetailLinkAdapter, retaillink_sandbox: RetailLinkSandbox,
                                    sleeps: RecordingSleep, dataset: SandboxDataset) -> None:
    signed_in(retaillink)
    retaillink_sandbox.faults.inject(EDR, Fault(FaultKind.STATUS, status=503, retry_after="2"))

    assert retaillink.edr_report(core_number(dataset)).items
    assert sleeps.waits == [2.0]


@pytest.fixture
def body_token_server(dataset: SandboxDataset) -> Iterator[ServerHandle]:
    handle = RetailLinkSandbox(dataset, token_in_cookie=False).serve()
    yield handle
    handle.stop()


def test_a_token_in_the_json_body_is_used_when_no_cookie_carries_it(body_token_server: ServerHandle,
                                                                    dataset: SandboxDataset) -> None:
    adapter = RetailLinkAdapter(body_token_server.base_url, body_token_server.base_url, SANDBOX_EDR_USERNAME,
                                SANDBOX_EDR_PASSWORD, SANDBOX_MFA_CREDENTIAL_ID)
    with adapter:
        assert signed_in(adapter).edr_report(core_number(dataset)).event_number == core_number(dataset)


def test_a_stored_session_survives_serialisation_and_never_shows_its_token() -> None:
    session = RetailLinkSession("tok-CANARY", datetime(2027, 3, 12, 18, tzinfo=UTC), {"_auth": "ck-CANARY"})

    restored = RetailLinkSession.from_json(session.to_json())

    assert restored == session
    assert "CANARY" not in repr(session)
    assert "CANARY" not in repr(InMemoryRetailLinkSessionStore(session))
