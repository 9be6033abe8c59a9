"""Persisting auto-scheduler runs: proposals and counters from an outcome, the previous plan,
superseding older undecided runs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.model import Actor, Assignment, Proposal, ProposalStatus, RunStatus
from core.ports import UnitOfWork
from core.rules import Facts
from core.scheduling.engine import Outcome, Prepared
from core.scheduling.pins import Released
from core.services import audit
from core.services.run_summary import APPROVABLE


def scheduled_elsewhere(uow: UnitOfWork, facts: Facts, store_id: int) -> frozenset[int]:
    """Events of the snapshot that hold an assignment anywhere in their window."""
    if not facts.events:
        return frozenset()
    start = min(e.start_date for e in facts.events.values())
    end = max(e.due_date for e in facts.events.values())
    return frozenset(a.event_id for a in uow.assignments.between(store_id, start, end)
                     if a.event_id in facts.events)


def previous_plan(uow: UnitOfWork, store_id: int) -> dict[int, tuple[str, date]]:
    """event id -> (employee, day) in the newest undecided run: the plan churn is measured against."""
    open_runs = [r for r in uow.runs.list(store_id=store_id)
                 if r.status in (RunStatus.COMPLETED, RunStatus.PARTIALLY_APPROVED)]
    if not open_runs:
        return {}
    latest = max(open_runs, key=lambda r: (r.created_at, r.id))
    return {p.event_id: (p.employee_id, p.start.date()) for p in uow.proposals.for_run(latest.id)
            if p.employee_id and p.start and p.status in APPROVABLE}


def supersede(uow: UnitOfWork, new_run_id: int, actor: Actor, now: datetime) -> list[int]:
    """Close older undecided runs that pushed nothing: a new full run replaces them."""
    closed = []
    for r in uow.runs.list(store_id=actor.store_id):
        if r.id == new_run_id or r.status is not RunStatus.COMPLETED:
            continue
        props = uow.proposals.for_run(r.id)
        if any(p.status is ProposalStatus.PUSHED for p in props):
            continue
        if not uow.runs.transition(r.id, [RunStatus.COMPLETED], RunStatus.REJECTED):
            continue
        for p in props:
            uow.proposals.transition(p.id, [*APPROVABLE, ProposalStatus.UNSCHEDULED], ProposalStatus.REJECTED)
        done = uow.runs.get(r.id)
        assert done is not None
        done.error, done.decided_by, done.decided_at = f"Superseded by run {new_run_id}", actor.label, now
        uow.runs.update(done)
        audit.record(uow, actor, "auto.supersede", "run", r.id, before=r, after=done, at=now)
        closed.append(r.id)
    return closed


def record_outcome(uow: UnitOfWork, run_id: int, prep: Prepared, outcome: Outcome) -> dict[str, Any]:
    """Store one proposal per planned event and per event left unscheduled; returns the counters."""
    facts = prep.facts
    old = {a.id: a for a in facts.assignments}
    released = {r.assignment.id: r for r in outcome.released}
    bumped = 0
    for pl in outcome.planned:
        text = None
        if pl.replaces is not None:
            text = _replacing(facts, old.get(pl.replaces), released.get(pl.replaces))
            bumped += pl.replaces not in released
        uow.proposals.add(Proposal(0, run_id, pl.event_id, pl.employee_id, pl.start,
                                   ProposalStatus.PROPOSED, reason_text=text,
                                   bumps_assignment_id=pl.replaces, pair_key=pl.pair_key))
    for un in outcome.unplaced:
        codes = [v.code.value for v in un.released] + list(un.explanation.reason_codes)
        text = un.explanation.sentence
        if un.replaces is not None:
            text = (_replacing(facts, old.get(un.replaces), released.get(un.replaces))
                    + ". No replacement found: " + text)
            bumped += un.replaces not in released
        status = ProposalStatus.PROPOSED if un.replaces is not None else ProposalStatus.UNSCHEDULED
        uow.proposals.add(Proposal(0, run_id, un.event_id, None, None, status,
                                   reason_codes=list(dict.fromkeys(codes)), reason_text=text,
                                   bumps_assignment_id=un.replaces, pair_key=un.pair_key))
    sol = outcome.solution
    notes = [r_note(facts, r) for r in outcome.released]
    notes += [c.message for c in outcome.conflicts]
    notes += [f"Event {eid} not planned: {why}" for eid, why in sorted(prep.skipped.items())]
    if sol.note:
        notes.append(f"Solver: {sol.note}")
    notes += [f"Refused by the validator: event {eid}: {why}" for eid, why in outcome.dropped]
    return {
        "engine": sol.engine, "objective": sol.objective, "greedy_objective": sol.greedy_objective,
        "first_plan_seconds": sol.first_plan_seconds, "penalties": sol.penalties,
        "events": len(prep.problem.events), "proposed": len(outcome.planned),
        "unscheduled": sum(1 for u in outcome.unplaced if u.replaces is None),
        "removals": sum(1 for u in outcome.unplaced if u.replaces is not None),
        "bumps": bumped, "kept": len(outcome.kept),
        "released": [{"assignment_id": r.assignment.id, "event_id": r.assignment.event_id,
                      "employee_id": r.assignment.employee_id,
                      "reasons": [v.code.value for v in r.reasons]} for r in outcome.released],
        "conflicting_pins": [{"assignment_ids": list(c.assignment_ids), "codes": list(c.codes),
                              "message": c.message} for c in outcome.conflicts],
        "skipped": {str(k): v for k, v in sorted(prep.skipped.items())},
        "dropped": [{"event_id": e, "reason": r} for e, r in outcome.dropped],
        "notes": notes,
    }


def _replacing(facts: Facts, a: Assignment | None, rel: Released | None) -> str:
    if a is None:
        return "Replaces a confirmed assignment"
    who = facts.employees[a.employee_id].name if a.employee_id in facts.employees else a.employee_id
    head = f"Replaces {who} on {a.start:%a %m/%d %-I:%M %p}"
    if rel is not None and rel.reasons:
        return head + " (" + "; ".join(v.message for v in rel.reasons) + ")"
    if rel is not None:
        return head + " (its Core was released)"
    return head + " (bumped for a more urgent event)"


def r_note(facts: Facts, r: Released) -> str:
    """One line about a released pin."""
    a = r.assignment
    ev = facts.events.get(a.event_id)
    who = facts.employees[a.employee_id].name if a.employee_id in facts.employees else a.employee_id
    why = "; ".join(v.message for v in r.reasons) or "its Core was released"
    return f"Released {who}: {ev.name if ev else a.event_id} {a.start:%a %m/%d} — {why}"
