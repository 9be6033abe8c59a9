"""Fixtures: sandbox servers on loopback sockets and adapters whose sleep and clocks are fakes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from devtools.sandbox import (
    SANDBOX_EDR_PASSWORD,
    SANDBOX_EDR_USERNAME,
    SANDBOX_MFA_CREDENTIAL_ID,
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    RetailLinkSandbox,
    SandboxDataset,
    ServerHandle,
    sandbox_dataset,
)
from integrations.crossmark import CrossmarkAdapter
from integrations.http import RetryPolicy
from integrations.retaillink import InMemoryRetailLinkSessionStore, RetailLinkAdapter

from .support import ManualClock, RecordingSleep, fixed_now

TODAY = date(2027, 3, 12)


@pytest.fixture
def dataset() -> SandboxDataset:
    return sandbox_dataset(TODAY)


@pytest.fixture
def crossmark_sandbox(dataset: SandboxDataset) -> CrossmarkSandbox:
    return CrossmarkSandbox(dataset)


@pytest.fixture
def crossmark_server(crossmark_sandbox: CrossmarkSandbox) -> Iterator[ServerHandle]:
    handle = crossmark_sandbox.serve()
    yield handle
    handle.stop()


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def crossmark(crossmark_server: ServerHandle, sleeps: RecordingSleep,
              clock: ManualClock) -> Iterator[CrossmarkAdapter]:
    adapter = CrossmarkAdapter(crossmark_server.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD,
                               timeout=5.0, sleep=sleeps, monotonic=clock, now=fixed_now,
                               policy=RetryPolicy(max_attempts=4))
    yield adapter
    adapter.close()


@pytest.fixture
def retaillink_sandbox(dataset: SandboxDataset) -> RetailLinkSandbox:
    return RetailLinkSandbox(dataset)


@pytest.fixture
def retaillink_server(retaillink_sandbox: RetailLinkSandbox) -> Iterator[ServerHandle]:
    handle = retaillink_sandbox.serve()
    yield handle
    handle.stop()


@pytest.fixture
def session_store() -> InMemoryRetailLinkSessionStore:
    return InMemoryRetailLinkSessionStore()


@pytest.fixture
def retaillink(retaillink_server: ServerHandle, session_store: InMemoryRetailLinkSessionStore,
               sleeps: RecordingSleep, clock: ManualClock) -> Iterator[RetailLinkAdapter]:
    adapter = RetailLinkAdapter(retaillink_server.base_url, retaillink_server.base_url,
                                SANDBOX_EDR_USERNAME, SANDBOX_EDR_PASSWORD, SANDBOX_MFA_CREDENTIAL_ID,
                                store=session_store, timeout=5.0, sleep=sleeps, monotonic=clock)
    yield adapter
    adapter.close()
