"""Soak: 500 pages of getPlanningMplans with 30 % injected failures, each page ingested exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import date

from devtools.sandbox import (
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkSandbox,
    Fault,
    FaultKind,
    filler_mplans,
    sandbox_dataset,
)
from integrations.crossmark import CrossmarkAdapter
from integrations.http import CircuitBreaker, RetryPolicy

from .support import ManualClock, RecordingSleep, fixed_now

PLANNING = "/planningextcontroller/getPlanningMplans"
PAGES, PAGE_SIZE = 500, 2
MIXED_FAULTS = [
    Fault(FaultKind.STATUS, status=503),
    Fault(FaultKind.STATUS, status=502),
    Fault(FaultKind.STATUS, status=500),
    Fault(FaultKind.STATUS, status=504),
    Fault(FaultKind.STATUS, status=429, retry_after="1"),
    Fault(FaultKind.DROP),
]


def test_500_pages_at_30_percent_failures_are_each_ingested_once() -> None:
    dataset = sandbox_dataset(date(2027, 3, 12))
    filler_mplans(dataset, PAGES * PAGE_SIZE - len(dataset.mplans))
    sandbox = CrossmarkSandbox(dataset)
    sandbox.faults.fail_randomly(PLANNING, 0.3, MIXED_FAULTS, seed=20270312)
    clock = ManualClock()
    handle = sandbox.serve()
    client = CrossmarkAdapter(handle.base_url, SANDBOX_USERNAME, SANDBOX_PASSWORD, sleep=RecordingSleep(),
                              monotonic=clock, now=fixed_now, page_size=PAGE_SIZE,
                              policy=RetryPolicy(max_attempts=10),
                              breaker=CircuitBreaker("Crossmark", failure_threshold=50, monotonic=clock))
    try:
        pages = list(client.iter_planning_pages(date(2027, 1, 1), date(2027, 12, 31)))
    finally:
        client.close()
        handle.stop()

    offsets = [offset for offset, _ in pages]
    assert offsets == list(range(0, PAGES * PAGE_SIZE, PAGE_SIZE))
    ingested = Counter(record["mPlanID"] for _, records in pages for record in records)
    assert set(ingested) == {m.mplan_id for m in sandbox.state.data.mplans}
    assert set(ingested.values()) == {1}
    failed = sandbox.faults.count(PLANNING, faulted=True)
    clean = sandbox.faults.count(PLANNING, faulted=False)
    assert clean == PAGES
    assert 0.25 < failed / (failed + clean) < 0.35
