"""A run and its proposals as plain rows: what a Slack message and ``schedbot auto --json`` render."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from core.errors import NotFound
from core.model import Proposal, ProposalStatus, SchedulerRun
from core.ports import UnitOfWork

APPROVABLE = (ProposalStatus.PROPOSED, ProposalStatus.EDITED, ProposalStatus.PUSH_FAILED)
"""Proposal states an approval may (re)push."""


@dataclass(frozen=True)
class ProposalRow:
    proposal_id: int
    event_id: int
    event_name: str
    event_type: str
    employee_id: str | None
    employee_name: str | None
    start: datetime | None
    status: str
    pair_key: str | None = None
    bumps_assignment_id: int | None = None
    reason_codes: tuple[str, ...] = ()
    reason_text: str | None = None
    error: str | None = None

    @property
    def is_removal(self) -> bool:
        """Approving it only takes a confirmed assignment away (released or bumped, not re-placed)."""
        return self.employee_id is None and self.bumps_assignment_id is not None


@dataclass(frozen=True)
class DayRows:
    day: date
    rows: tuple[ProposalRow, ...]


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    status: str
    solver_status: str | None
    gap: float | None
    wall_seconds: float | None
    horizon_start: date
    horizon_end: date
    created_by: str
    decided_by: str | None
    to_schedule: int
    proposed: int
    unscheduled: int
    bumps: int
    pushed: int
    failed: int
    pending: int
    days: tuple[DayRows, ...]
    unscheduled_rows: tuple[ProposalRow, ...]
    removals: tuple[ProposalRow, ...]
    notes: tuple[str, ...] = ()
    counters: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (dates and datetimes as ISO strings)."""
        return _jsonable(asdict(self))  # type: ignore[no-any-return]

    @property
    def status_line(self) -> str:
        """"optimal" / "feasible (gap 1.2%)" / "fallback plan"."""
        if self.solver_status == "OPTIMAL":
            return "optimal"
        if self.solver_status == "FEASIBLE":
            return f"feasible (gap {100 * (self.gap or 0):.1f}%)"
        return (self.solver_status or "not solved").lower().replace("_", " ")


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def rows(uow: UnitOfWork, proposals: list[Proposal]) -> list[ProposalRow]:
    """Proposals with their event and employee names."""
    out = []
    names: dict[str, str] = {}
    for p in proposals:
        ev = uow.events.get(p.event_id)
        emp_name = None
        if p.employee_id is not None:
            if p.employee_id not in names:
                emp = uow.employees.get(p.employee_id)
                names[p.employee_id] = emp.name if emp is not None else p.employee_id
            emp_name = names[p.employee_id]
        out.append(ProposalRow(
            proposal_id=p.id, event_id=p.event_id, event_name=ev.name if ev else f"event {p.event_id}",
            event_type=ev.event_type.value if ev else "?", employee_id=p.employee_id,
            employee_name=emp_name, start=p.start, status=p.status.value, pair_key=p.pair_key,
            bumps_assignment_id=p.bumps_assignment_id, reason_codes=tuple(p.reason_codes),
            reason_text=p.reason_text, error=p.error))
    return out


def build_summary(uow: UnitOfWork, run_id: int) -> RunSummary:
    """The summary of one run as stored now."""
    run = uow.runs.get(run_id)
    if run is None:
        raise NotFound(f"Auto-scheduler run {run_id} not found.")
    return summarize(run, rows(uow, uow.proposals.for_run(run_id)))


def summarize(run: SchedulerRun, all_rows: list[ProposalRow]) -> RunSummary:
    """Counts and per-day sections of a run's rows."""
    placed = [r for r in all_rows if r.employee_id is not None and r.start is not None]
    by_day: dict[date, list[ProposalRow]] = defaultdict(list)
    for r in sorted(placed, key=lambda r: (r.start or datetime.min, r.event_name)):
        assert r.start is not None
        by_day[r.start.date()].append(r)
    gaps = [r for r in all_rows if r.employee_id is None and r.bumps_assignment_id is None]
    removals = [r for r in all_rows if r.is_removal]
    counters = dict(run.counters)
    notes = tuple(counters.get("notes", ()))
    return RunSummary(
        run_id=run.id, status=run.status.value, solver_status=run.solver_status, gap=run.gap,
        wall_seconds=run.wall_seconds, horizon_start=run.horizon_start, horizon_end=run.horizon_end,
        created_by=run.created_by, decided_by=run.decided_by,
        to_schedule=len(placed) + len(gaps) + len(removals), proposed=len(placed), unscheduled=len(gaps),
        bumps=sum(1 for r in all_rows if r.bumps_assignment_id is not None),
        pushed=sum(1 for r in all_rows if r.status == ProposalStatus.PUSHED.value),
        failed=sum(1 for r in all_rows if r.status == ProposalStatus.PUSH_FAILED.value),
        pending=sum(1 for r in all_rows if r.status in {s.value for s in APPROVABLE}),
        days=tuple(DayRows(d, tuple(rs)) for d, rs in sorted(by_day.items())),
        unscheduled_rows=tuple(gaps), removals=tuple(removals), notes=notes, counters=counters)
