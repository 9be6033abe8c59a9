"""After a legacy import, the auto-scheduler (the service behind ``schedbot auto``) plans the imported
store, and every proposal passes the independent rule validator next to the imported schedules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from core.model import Assignment, EventType, ProposalStatus
from core.ports import UnitOfWork
from core.rules import Mode, validate_plan
from core.services.autoschedule import AutoScheduleService
from core.services.legacy_import import import_legacy
from core.services.planning_context import Context
from integrations.crypto import FernetSecretBox
from integrations.legacy.reader import read_legacy
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.notifier import FakeNotifier
from tests.integration.legacy.legacy_schema import LEGACY_KEY
from tests.integration.legacy.legacy_store import build_legacy_store
from tests.unit.scheduling.builders import FAST, MANAGER

TODAY = date(2025, 11, 3)
NOW = datetime(2025, 11, 3, 13, 0, tzinfo=UTC)
"""08:00 in Indianapolis (EST)."""
HORIZON = 14
FIRST_DAY = TODAY - timedelta(days=21)
"""Legacy events open from three weeks back to two weeks ahead; Core pairs are confirmed for the
first four weeks, so the first week of the plan already holds imported schedules."""


def test_the_auto_scheduler_plans_imported_data_and_its_proposals_pass_the_validator(
        uow_factory: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    legacy_url = f"sqlite:///{tmp_path / 'scheduler.db'}"
    build_legacy_store(legacy_url, employees=24, events=90, first_day=FIRST_DAY, days=35, scheduled_days=28)
    clock = FixedClock(NOW)
    report = import_legacy(uow_factory, read_legacy(legacy_url), now=NOW,
                           legacy_box=FernetSecretBox(LEGACY_KEY))
    assert report.counts["events"].created == 90 and report.counts["schedules"].created > 10
    assert report.skipped == []

    service = AutoScheduleService(uow_factory, FakeCrossmark(), clock, FakeNotifier(), solve_options=FAST)
    run = service.run(MANAGER, days=HORIZON)

    with uow_factory() as uow:
        assert Context(uow_factory, clock, MANAGER.store_id).today(uow) == TODAY
        proposals = [p for p in uow.proposals.for_run(run.run_id) if p.status is ProposalStatus.PROPOSED]
        facts = Context(uow_factory, clock, MANAGER.store_id).facts(
            uow, TODAY + timedelta(days=1), TODAY + timedelta(days=HORIZON))
    assert run.summary.proposed == len(proposals) >= 10
    assert {facts.events[p.event_id].event_type for p in proposals} >= {EventType.CORE, EventType.SUPERVISOR}
    assert all(p.bumps_assignment_id is None for p in proposals)
    ahead = [a for a in facts.assignments if a.external_id and a.start.date() > TODAY]
    assert ahead, "imported schedules in the horizon are part of what the proposals are judged against"
    new = [Assignment(-1 - k, p.event_id, p.employee_id or "", p.start or NOW, MANAGER.store_id)
           for k, p in enumerate(proposals)]
    found = validate_plan(facts, [*facts.assignments, *new], mode=Mode.AUTO, new_only={a.id for a in new})
    assert [(a.event_id, a.employee_id, a.start, v.code) for a, v in found if v.hard] == []
