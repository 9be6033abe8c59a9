"""The auto-scheduler use cases: run, review ("Why?", what-if, edit), approve, reject, summarise.

Only managers may run, edit, approve or reject (``Action.RUN_AUTO``); every mutation is audited.
A run never changes confirmed assignments: it stores a run record and its proposals (one per event,
including one row per event left unscheduled with machine-readable reason codes and a sentence).
The solve itself is ``solver(problem, options)`` — a plain function of plain data (by default
``core.scheduling.solve``) that the caller may run in a worker pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from core.model import (
    Actor,
    Assignment,
    Proposal,
    ProposalStatus,
    RunStatus,
    SchedulerRun,
)
from core.ports import Clock, CrossmarkPort, Notifier, UnitOfWork, UnitOfWorkFactory
from core.rules import Mode, PlanIndex, check, hard, soft
from core.scheduling.engine import Outcome, Prepared, Request, finish, prepare
from core.scheduling.explain import Explanation, explain_event
from core.scheduling.problem import Problem
from core.scheduling.solve import Solution, SolveOptions, solve
from core.services import audit, authz
from core.services.approvals import (
    IN_FLIGHT_LEASE,
    LIVE_INTENTS,
    ApprovalResult,
    UnitApprover,
    _Unit,
    approval_units,
    finish_run_status,
)
from core.services.autoschedule_review import WhatIfAnswer, what_if_answer
from core.services.planning_context import Context
from core.services.run_records import previous_plan, record_outcome, scheduled_elsewhere, supersede
from core.services.run_summary import APPROVABLE, ProposalRow, RunSummary, build_summary, rows

Solver = Callable[[Problem, SolveOptions], Solution]


class ApprovalProgress(Protocol):
    """Hears how an approval goes (called from the approving thread)."""

    def done(self, settled: int, total: int) -> None:
        """``settled`` of ``total`` proposals are pushed or failed."""
        ...

    def finished(self, result: ApprovalResult) -> None:
        """The run's status is final (the DMs to the people affected follow)."""
        ...
EDITABLE = (*APPROVABLE, ProposalStatus.UNSCHEDULED)
OPEN_RUNS = (RunStatus.COMPLETED, RunStatus.PARTIALLY_APPROVED)
APPROVAL_SCOPE = "approval"
"""Key in ``SchedulerRun.options`` of what the running approval covers and where its message is."""


@dataclass(frozen=True)
class RunResult:
    run_id: int
    summary: RunSummary


class AutoScheduleService:
    """Auto-scheduler runs and their review, approval and rejection."""

    def __init__(self, uow_factory: UnitOfWorkFactory, crossmark: CrossmarkPort, clock: Clock,
                 notifier: Notifier | None = None, *, solver: Solver = solve,
                 solve_options: SolveOptions | None = None,
                 in_flight_lease: timedelta = IN_FLIGHT_LEASE) -> None:
        self.in_flight_lease = in_flight_lease
        self.uow_factory = uow_factory
        self.crossmark = crossmark
        self.clock = clock
        self.notifier = notifier
        self.solver = solver
        self.solve_options = solve_options

    def _ctx(self, actor: Actor) -> Context:
        return Context(self.uow_factory, self.clock, actor.store_id)

    def _options(self, seconds: float) -> SolveOptions:
        return self.solve_options or SolveOptions(max_seconds=seconds)

    # ---- run ---------------------------------------------------------------------------------

    def run(self, actor: Actor, days: int = 14, allow_bumping: bool = False,
            only_event_ids: Iterable[int] | None = None) -> RunResult:
        """Plan the next ``days`` days (or only the given events: "find replacement")."""
        authz.require(actor, authz.Action.RUN_AUTO)
        if not 1 <= days <= 62:
            raise InvalidInput("Plan between 1 and 62 days ahead.", {"days": "1–62"})
        only = frozenset(only_event_ids) if only_event_ids is not None else None
        ctx = self._ctx(actor)
        now = self.clock.now()
        with self.uow_factory() as uow:
            today = ctx.today(uow)
            horizon = tuple(today + timedelta(days=k) for k in range(1, days + 1))
            facts = ctx.facts(uow, horizon[0], horizon[-1])
            request = Request(days=horizon, allow_bumping=allow_bumping, only_event_ids=only,
                              scheduled_event_ids=scheduled_elsewhere(uow, facts, actor.store_id),
                              previous=previous_plan(uow, actor.store_id))
            run = uow.runs.add(SchedulerRun(
                0, actor.label, now, horizon[0], horizon[-1], store_id=actor.store_id,
                options={"days": days, "allow_bumping": allow_bumping,
                         "only_event_ids": sorted(only) if only is not None else None}))
            if only is None:
                supersede(uow, run.id, actor, now)
            uow.commit()
        try:
            began = time.perf_counter()
            prep = prepare(facts, request)
            options = replace(self._options(facts.settings.solver_seconds), started=began)
            solution = self.solver(prep.problem, options)
            outcome = finish(prep, solution)
        except Exception as err:
            self._failed(run.id, actor, str(err) or type(err).__name__)
            raise
        self._store(run.id, actor, prep, outcome)
        return RunResult(run.id, self.summary(run.id))

    def _failed(self, run_id: int, actor: Actor, error: str) -> None:
        with self.uow_factory() as uow:
            run = uow.runs.get(run_id)
            if run is not None and uow.runs.transition(run_id, [RunStatus.RUNNING], RunStatus.FAILED):
                run.status, run.error = RunStatus.FAILED, error[:500]
                uow.runs.update(run)
                audit.record(uow, actor, "auto.run_failed", "run", run_id, after=run, at=self.clock.now())
                uow.commit()

    def _store(self, run_id: int, actor: Actor, prep: Prepared, outcome: Outcome) -> None:
        with self.uow_factory() as uow:
            run = uow.runs.get(run_id)
            if run is None:
                raise NotFound(f"Auto-scheduler run {run_id} not found.")
            counters = record_outcome(uow, run_id, prep, outcome)
            sol = outcome.solution
            uow.runs.transition(run_id, [RunStatus.RUNNING], RunStatus.COMPLETED)
            done = replace(run, status=RunStatus.COMPLETED, solver_status=sol.status, gap=sol.gap,
                           wall_seconds=round(sol.wall_seconds, 3), counters=counters)
            uow.runs.update(done)
            audit.record(uow, actor, "auto.run", "run", run_id, before=run, after=done, at=self.clock.now())
            uow.commit()

    # ---- read --------------------------------------------------------------------------------

    def summary(self, run_id: int) -> RunSummary:
        """Counts and per-day rows of a run, as stored now."""
        with self.uow_factory() as uow:
            return build_summary(uow, run_id)

    def latest(self, actor: Actor) -> RunSummary | None:
        """The newest run of the actor's store, if any."""
        authz.require(actor, authz.Action.VIEW_ALL)
        with self.uow_factory() as uow:
            runs = uow.runs.list(store_id=actor.store_id)
            if not runs:
                return None
            return build_summary(uow, max(runs, key=lambda r: (r.created_at, r.id)).id)

    def why(self, actor: Actor, *, event_id: int | None = None, proposal_id: int | None = None,
            run_id: int | None = None) -> Explanation:
        """Reason codes of one event, aggregated over every person and day of its window."""
        authz.require(actor, authz.Action.VIEW_ALL)
        ctx = self._ctx(actor)
        with self.uow_factory() as uow:
            event_id, run = self._target(uow, actor, event_id, proposal_id, run_id)
            event = uow.events.get(event_id)
            assert event is not None
            days = self._days(uow, ctx, run)
            facts = ctx.facts(uow, days[0], days[-1])
            facts.events.setdefault(event.id, event)
            extra, gone = self._run_plan(uow, run, skip_event=event_id)
            index = PlanIndex(facts, [a for a in facts.assignments
                                      if a.id not in gone and a.event_id != event_id] + extra)
            return explain_event(facts, event, index, days)

    def what_if(self, actor: Actor, event_id: int, *, run_id: int | None = None) -> WhatIfAnswer:
        """Force one event into the run's plan: what would move and what it costs, or why not."""
        authz.require(actor, authz.Action.RUN_AUTO)
        ctx = self._ctx(actor)
        with self.uow_factory() as uow:
            event_id, run = self._target(uow, actor, event_id, None, run_id)
            days = self._days(uow, ctx, run)
            facts = ctx.facts(uow, days[0], days[-1])
            request = Request(days=days, scheduled_event_ids=scheduled_elsewhere(uow, facts, actor.store_id))
            current = [p for p in (uow.proposals.for_run(run.id) if run else [])
                       if p.employee_id and p.start and p.status in APPROVABLE]
            names = {e.id: e.name for e in uow.employees.list(store_id=actor.store_id)}
            return what_if_answer(facts, prepare(facts, request), current, event_id, names,
                                  self._options(min(5.0, facts.settings.solver_seconds)))

    def _target(self, uow: UnitOfWork, actor: Actor, event_id: int | None, proposal_id: int | None,
                run_id: int | None) -> tuple[int, SchedulerRun | None]:
        if proposal_id is not None:
            p = uow.proposals.get(proposal_id)
            if p is None:
                raise NotFound(f"Proposal {proposal_id} not found.")
            event_id, run_id = p.event_id, p.run_id
        if event_id is None:
            raise InvalidInput("Which event?", {"event": "give an event or a proposal"})
        event = uow.events.get(event_id)
        if event is None or event.store_id != actor.store_id:
            raise NotFound(f"Event {event_id} not found.")
        if run_id is not None:
            run = uow.runs.get(run_id)
            if run is None or run.store_id != actor.store_id:
                raise NotFound(f"Auto-scheduler run {run_id} not found.")
            return event_id, run
        mine = [r for r in uow.runs.list(store_id=actor.store_id)
                if any(p.event_id == event_id for p in uow.proposals.for_run(r.id))]
        return event_id, max(mine, key=lambda r: (r.created_at, r.id)) if mine else None

    def _days(self, uow: UnitOfWork, ctx: Context, run: SchedulerRun | None) -> tuple[date, ...]:
        today = ctx.today(uow)
        first = max(today + timedelta(days=1), run.horizon_start if run else today)
        last = run.horizon_end if run else today + timedelta(days=14)
        if last < first:
            last = first
        return tuple(first + timedelta(days=k) for k in range((last - first).days + 1))

    @staticmethod
    def _run_plan(uow: UnitOfWork, run: SchedulerRun | None, *,
                  skip_event: int | None = None) -> tuple[list[Assignment], set[int]]:
        """The run's open placements as assignments, and the confirmed ones they replace."""
        extra: list[Assignment] = []
        gone: set[int] = set()
        for p in uow.proposals.for_run(run.id) if run else []:
            if p.status not in APPROVABLE or p.event_id == skip_event:
                continue
            if p.bumps_assignment_id:
                gone.add(p.bumps_assignment_id)
            if p.employee_id and p.start:
                extra.append(Assignment(-p.id, p.event_id, p.employee_id, p.start, store_id=run.store_id
                                        if run else 1))
        return extra, gone

    # ---- review ------------------------------------------------------------------------------

    def edit(self, actor: Actor, proposal_id: int, *, employee_id: str | None = None,
             start: datetime | None = None, confirm: bool = False) -> ProposalRow:
        """Change a proposal's employee and/or start. A hard rule refuses; a soft one needs
        ``confirm``. Moving a Core to another day moves its Supervisor proposals with it."""
        authz.require(actor, authz.Action.RUN_AUTO)
        ctx = self._ctx(actor)
        with self.uow_factory() as uow:
            p = uow.proposals.get(proposal_id)
            run = uow.runs.get(p.run_id) if p is not None else None
            if p is None or run is None or run.store_id != actor.store_id:
                raise NotFound(f"Proposal {proposal_id} not found.")
            if run.status not in OPEN_RUNS or p.status not in EDITABLE:
                raise Conflict(f"Proposal {proposal_id} is {p.status.value}; it can no longer be edited.")
            if any(i.status in LIVE_INTENTS for i in uow.intents.for_proposals([proposal_id])):
                raise Conflict("Crossmark may still hold this proposal's earlier push: press Retry "
                               "(it checks Crossmark first), then edit it if it failed.")
            who, when = employee_id or p.employee_id, start or p.start
            if who is None or when is None:
                raise InvalidInput("Give both an employee and a start time.",
                                   {"employee": "required", "start": "required"})
            if uow.employees.get(who) is None:
                raise NotFound(f"Employee {who} not found.")
            moved = [replace(p, employee_id=who, start=when)]
            if p.start is not None and when.date() != p.start.date() and p.pair_key:
                moved += [replace(q, start=datetime.combine(when.date(), q.start.time()))
                          for q in uow.proposals.for_run(run.id)
                          if q.id != p.id and q.pair_key == p.pair_key and q.start is not None
                          and q.employee_id and q.status in EDITABLE]
            self._check_edit(uow, ctx, run, moved, confirm)
            for q in moved:
                before = uow.proposals.get(q.id)
                uow.proposals.transition(q.id, EDITABLE, ProposalStatus.EDITED)
                q = replace(q, status=ProposalStatus.EDITED, error=None, reason_codes=[],
                            reason_text=f"Edited by {actor.label}")
                uow.proposals.update(q)
                audit.record(uow, actor, "auto.edit", "proposal", q.id, before=before, after=q,
                             at=self.clock.now())
            uow.commit()
            return rows(uow, [uow.proposals.get(proposal_id)])[0]  # type: ignore[list-item]

    def _check_edit(self, uow: UnitOfWork, ctx: Context, run: SchedulerRun, moved: list[Proposal],
                    confirm: bool) -> None:
        days = sorted(q.start.date() for q in moved if q.start)
        facts = ctx.facts(uow, days[0], days[-1])
        extra, gone = self._run_plan(uow, run)
        ids = {-q.id for q in moved}
        index = PlanIndex(facts, [a for a in facts.assignments if a.id not in gone]
                          + [a for a in extra if a.id not in ids])
        problems = []
        for q in moved:
            assert q.employee_id is not None and q.start is not None
            event = uow.events.get(q.event_id)
            if event is None:
                raise NotFound(f"Event {q.event_id} not found.")
            facts.events.setdefault(event.id, event)
            problems += check(facts, event, q.employee_id, q.start, mode=Mode.MANUAL, index=index)
            index.add(Assignment(-q.id, q.event_id, q.employee_id, q.start))
        if hard(problems):
            raise RuleViolation(hard(problems))
        if soft(problems) and not confirm:
            raise RuleViolation(soft(problems), needs_confirmation=True)

    # ---- decide ------------------------------------------------------------------------------

    def approve(self, actor: Actor, run_id: int, proposal_ids: Iterable[int] | None = None, *,
                progress: ApprovalProgress | None = None,
                message: Sequence[str] | None = None) -> ApprovalResult:
        """Push the run's proposals (all, or the pairs of the given ones) to Crossmark, each once.

        One decision at a time: the run goes to ``APPROVING`` by compare-and-set, so a concurrent
        Approve or Reject is refused with who is deciding, and nothing of it is applied.
        ``progress`` hears "n of N done" after each unit and the result as soon as the run's status
        is final — before the DMs to the people affected go out. What the approval covers (and
        ``message``, where its proposal message is) is recorded on the run, so a process that stops
        mid-way is finished by ``resume`` to the same scope."""
        authz.require(actor, authz.Action.RUN_AUTO)
        wanted = set(proposal_ids) if proposal_ids is not None else None
        with self.uow_factory() as uow:
            self._open_run(uow, actor, run_id)
            props = uow.proposals.for_run(run_id)
            if wanted is not None and not wanted <= {p.id for p in props}:
                raise NotFound("Some of those proposals are not part of this run.")
            self._decide(uow, actor, run_id, RunStatus.APPROVING)
            run = uow.runs.get(run_id)
            assert run is not None
            run.options = {**run.options, APPROVAL_SCOPE: {
                "proposal_ids": sorted(wanted) if wanted is not None else None,
                "message": list(message) if message else None}}
            uow.runs.update(run)
            uow.commit()
            units = approval_units(props, wanted)
        total = _Unit()
        count = sum(len(ids) for ids in units)
        try:
            for ids in units:
                total.add(self._approver(actor).run(ids))
                if progress is not None:
                    progress.done(len(total.pushed) + len(total.failed) + len(total.skipped), count)
        except Exception:
            self._finish(actor, run_id, total)
            raise
        status = self._finish(actor, run_id, total)
        result = ApprovalResult(run_id, actor.label, tuple(total.pushed), tuple(total.failed),
                                tuple(total.skipped), status, tuple(total.removed),
                                tuple(message) if message else None)
        if progress is not None:
            progress.finished(result)
        self._notify(actor, total)
        if units and not (total.pushed or total.failed or total.removed):
            raise Conflict("Those proposals were already being approved.")
        return result

    def resume(self, actor: Actor, *,
               finished: Callable[[ApprovalResult], None] | None = None) -> list[ApprovalResult]:
        """Finish approvals a stopped process left behind in ``actor``'s store, to the scope the
        approval recorded: units still ``PUSHING`` are sent (their intents read back from Crossmark
        first) and settled, the units it had not reached yet are approved, the run gets its final
        status and the managers are told. A unit whose Crossmark call may still land is left for a
        later pass (the run stays ``APPROVING``). ``finished`` hears each finished run before the
        DMs to the people affected go out."""
        authz.require(actor, authz.Action.RUN_AUTO)
        with self.uow_factory() as uow:
            runs = [r for r in uow.runs.list(store_id=actor.store_id)
                    if r.status in (*OPEN_RUNS, RunStatus.APPROVING)]
            work = []
            for r in runs:
                props = uow.proposals.for_run(r.id)
                scope = r.options.get(APPROVAL_SCOPE) or {}
                wanted = scope.get("proposal_ids")
                fresh = (approval_units(props, set(wanted) if wanted is not None else None)
                         if r.status is RunStatus.APPROVING else [])
                message = tuple(scope["message"]) if scope.get("message") else None
                work.append((r, approval_units(props, None, [ProposalStatus.PUSHING]), fresh, message))
        results = []
        for run, pushing, fresh, message in work:
            if not pushing and run.status is not RunStatus.APPROVING:
                continue
            total = _Unit()
            for ids in pushing:
                self._approver(actor).settle(ids, total)
            if total.skipped:
                continue
            for ids in fresh:
                total.add(self._approver(actor).run(ids))
            status = self._finish(actor, run.id, total, action="auto.resume_run")
            result = ApprovalResult(run.id, actor.label, tuple(total.pushed), tuple(total.failed), (),
                                    status, tuple(total.removed), message)
            if finished is not None:
                finished(result)
            retry = f", {len(total.failed)} failed — Retry them from the run" if total.failed else ""
            total.notices.append(("managers", f"schedbot restarted while run {run.id} was being "
                                              f"approved and finished the approval: "
                                              f"{len(total.pushed)} more pushed{retry}."))
            self._notify(actor, total)
            results.append(result)
        return results

    def _approver(self, actor: Actor) -> UnitApprover:
        return UnitApprover(self._ctx(actor), self.crossmark, actor, self.clock.now, self.in_flight_lease)

    def _decide(self, uow: UnitOfWork, actor: Actor, run_id: int, to: RunStatus) -> None:
        """Take the run's one decision (compare-and-set) or say who has it."""
        if not uow.runs.transition(run_id, list(OPEN_RUNS), to):
            run = uow.runs.get(run_id)
            self._open_run(uow, actor, run_id)
            raise Conflict(f"Run {run_id} is {run.status.value if run else 'gone'}; try again.")
        run = uow.runs.get(run_id)
        assert run is not None
        if run.decided_by is None or to is RunStatus.REJECTED:
            run.decided_by, run.decided_at = actor.label, self.clock.now()
        uow.runs.update(run)

    def _finish(self, actor: Actor, run_id: int, total: _Unit, action: str = "auto.approve_run") -> str:
        now = self.clock.now()
        with self.uow_factory() as uow:
            status = finish_run_status(uow, run_id, actor, now)
            audit.record(uow, actor, action, "run", run_id, at=now,
                         after={"status": status, "pushed": total.pushed, "failed": total.failed,
                                "removed": total.removed})
            uow.commit()
        return status

    def _open_run(self, uow: UnitOfWork, actor: Actor, run_id: int) -> SchedulerRun:
        run = uow.runs.get(run_id)
        if run is None or run.store_id != actor.store_id:
            raise NotFound(f"Auto-scheduler run {run_id} not found.")
        if run.status is RunStatus.APPROVED:
            raise Conflict(f"This run was already approved by {run.decided_by or 'another manager'}.")
        if run.status is RunStatus.APPROVING:
            raise Conflict(f"This run is being approved by {run.decided_by or 'another manager'} right now.")
        if run.status is RunStatus.REJECTED:
            raise Conflict(f"Run {run_id} was rejected{' by ' + run.decided_by if run.decided_by else ''}.")
        if run.status not in OPEN_RUNS:
            raise Conflict(f"Run {run_id} is {run.status.value}; there is nothing to decide.")
        return run

    def _notify(self, actor: Actor, done: _Unit) -> None:
        if self.notifier is None:
            return
        for who, text in done.notices:
            try:
                if who == "managers":
                    self.notifier.notify_managers(actor.store_id, text)
                else:
                    self.notifier.notify_employee(actor.store_id, who, text)
            except Exception:  # noqa: S112 - a DM outage must not undo an approval
                continue

    def reject(self, actor: Actor, run_id: int) -> RunSummary:
        """Drop every undecided proposal; nothing confirmed changes (nothing was touched)."""
        authz.require(actor, authz.Action.RUN_AUTO)
        now = self.clock.now()
        with self.uow_factory() as uow:
            run = self._open_run(uow, actor, run_id)
            self._decide(uow, actor, run_id, RunStatus.REJECTED)
            for p in uow.proposals.for_run(run_id):
                uow.proposals.transition(p.id, EDITABLE, ProposalStatus.REJECTED)
            pushed = any(p.status is ProposalStatus.PUSHED for p in uow.proposals.for_run(run_id))
            if pushed:
                uow.runs.transition(run_id, [RunStatus.REJECTED], RunStatus.PARTIALLY_APPROVED)
            decided = uow.runs.get(run_id)
            assert decided is not None
            audit.record(uow, actor, "auto.reject", "run", run_id, before=run, after=decided, at=now)
            uow.commit()
            return build_summary(uow, run_id)
