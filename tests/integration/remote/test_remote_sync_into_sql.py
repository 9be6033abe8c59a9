"""Syncs end to end: the Crossmark sandbox, the real client, the sync service and SQLite / PostgreSQL.

A second identical sync changes nothing; what cannot be reconciled (remote Staffed without a local
assignment, a local assignment the remote no longer shows) is reported, not guessed; a rep that
disappears from Crossmark stays an employee.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

import pytest

from core.model import Actor, Condition, Role
from core.ports import UnitOfWork
from core.services.sync import SyncService
from devtools.sandbox import CrossmarkSandbox, SandboxDataset, sandbox_dataset
from devtools.sandbox.dataset import SandboxRep, assign
from integrations.crossmark import CrossmarkAdapter
from tests.fakes.clock import FixedClock

from .conftest import TODAY
from .support import FIXED_NOW

MANAGER = Actor("UMANAGER", Role.MANAGER)
STRANGER = SandboxRep("159999", "US999999", "Zed", "Zero", "Event Specialist", "999999")
"""A rep of another store: Crossmark's available reps never list them."""
UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def dataset() -> SandboxDataset:
    """A bigger team than the default, with bulk mPlans of which every fifth is Scheduled."""
    return sandbox_dataset(TODAY, reps=40, mplans=120)


@pytest.fixture
def sync(uow_factory: UowFactory, crossmark: CrossmarkAdapter) -> SyncService:
    return SyncService(uow_factory, crossmark, FixedClock(FIXED_NOW))


def state(uow_factory: UowFactory) -> dict[str, Any]:
    with uow_factory() as uow:
        return {"employees": uow.employees.list(), "events": uow.events.list(),
                "assignments": uow.assignments.list(), "audit": uow.audit.list(),
                "sync_runs": uow.sync_runs.list()}


def first_sync(sync: SyncService) -> None:
    reps = sync.sync_reps(MANAGER)
    events = sync.sync_events(MANAGER)
    assert reps.counts["created"] == 40
    assert events.counts["created"] == 120 and events.counts["assignments_created"] > 20
    assert events.run.status == "ok", events.conflicts


def test_a_second_identical_sync_from_the_sandbox_changes_nothing(
        sync: SyncService, uow_factory: UowFactory, crossmark_sandbox: CrossmarkSandbox) -> None:
    first_sync(sync)
    before = state(uow_factory)
    scheduled = {m.mplan_id for m in crossmark_sandbox.state.data.mplans if m.schedule_event_id}
    mplans_by_id = {e.id: e.mplan_id for e in before["events"]}
    assert {mplans_by_id[a.event_id] for a in before["assignments"]} == scheduled

    reps = sync.sync_reps(MANAGER)
    events = sync.sync_events(MANAGER)

    after = state(uow_factory)
    assert after.pop("sync_runs")[:-2] == before.pop("sync_runs")
    assert after == before
    assert (reps.counts["created"], reps.counts["updated"], reps.counts["unchanged"]) == (0, 0, 40)
    assert (events.counts["created"], events.counts["updated"], events.counts["unchanged"]) == (0, 0, 120)
    assert events.counts.get("assignments_created", 0) == 0 and events.conflicts == ()


def test_what_cannot_be_reconciled_is_reported_and_local_rows_are_kept(
        sync: SyncService, uow_factory: UowFactory, crossmark_sandbox: CrossmarkSandbox) -> None:
    first_sync(sync)
    data = crossmark_sandbox.state.data
    dropped = next(m for m in data.mplans if m.schedule_event_id and "Shelf Audit" in m.name)
    open_ones = [m for m in data.mplans if m.condition == "Unstaffed" and "Shelf Audit" in m.name]
    by_stranger, undated = open_ones[0], open_ones[1]
    crossmark_sandbox.state.unschedule(dropped.schedule_event_id or "")
    assign(data, by_stranger, STRANGER, datetime.combine(by_stranger.start_date, time(11)))
    by_stranger.condition = "Staffed"
    undated.condition, undated.staffed_reps = "Staffed", data.reps[3].title
    before = state(uow_factory)

    report = sync.sync_events(MANAGER)

    after = state(uow_factory)
    assert after["assignments"] == before["assignments"]
    assert report.run.status == "conflicts", report.conflicts
    assert report.counts["conflicts"] == 3, report.conflicts
    assert report.counts["updated"] == 2
    [kept] = [c for c in report.conflicts if c.startswith(dropped.name)]
    assert "does not show it" in kept and "kept" in kept
    [unknown] = [c for c in report.conflicts if c.startswith(by_stranger.name)]
    assert "Staffed" in unknown and "Zed Zero" in unknown and f"RepID {STRANGER.rep_id}" in unknown
    [no_date] = [c for c in report.conflicts if c.startswith(undated.name)]
    assert "Staffed in Crossmark without a schedule date" in no_date
    events = {e.mplan_id: e for e in after["events"]}
    assert events[dropped.mplan_id].condition is Condition.SCHEDULED
    assert events[by_stranger.mplan_id].condition is Condition.STAFFED


def test_a_rep_gone_from_crossmark_stays_an_employee(
        sync: SyncService, uow_factory: UowFactory, crossmark_sandbox: CrossmarkSandbox) -> None:
    first_sync(sync)
    gone = crossmark_sandbox.state.data.reps[10:25]
    del crossmark_sandbox.state.data.reps[10:25]
    before = state(uow_factory)["employees"]

    report = sync.sync_reps(MANAGER)

    after = state(uow_factory)["employees"]
    assert after == before and len(after) == 40
    assert {r.rep_id for r in gone} <= {e.rep_id for e in after}
    assert (report.counts["created"], report.counts["updated"], report.counts["unchanged"]) == (0, 0, 25)
