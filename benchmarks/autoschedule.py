"""Benchmark: the legacy-order greedy against the CP-SAT engine on seeded synthetic clubs.

    python benchmarks/autoschedule.py [--size S|M|L] [--seeds N] [--json]
                                      [--capacity loose|tight|both] [--seconds T]

For every seed, a "loose" and a "tight" club (``club.make_club``) is prepared once; the greedy
baseline (``core.scheduling.greedy``) and the CP-SAT engine (``core.scheduling.solve``, with the
size's wall budget) run in this process on that same problem. Both plans are judged by the
independent rule validator (``core.rules.validate_plan``), not by the model. Printed per seed and in
total: scheduled, unscheduled, hard violations, fairness (L1 distance, in shifts, of Core shifts
from availability-proportional shares), solver status and gap, first-plan and final time, and the
CP-SAT/greedy ratios. "no cand." counts events no rule allows anywhere (a floor for unscheduled).
With ``--json`` it prints one JSON object: ``{"size", "runs": [{"seed", "capacity", "greedy": {...},
"cpsat": {...}}]}``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from club import SIZES, make_club

from core.model import Assignment
from core.rules import Mode, validate_plan
from core.scheduling.candidates import at
from core.scheduling.engine import Prepared, Request, prepare
from core.scheduling.greedy import greedy
from core.scheduling.plan import Plan, fairness_shifts
from core.scheduling.solve import SolveOptions, solve

BUDGET = {"S": 10.0, "M": 30.0, "L": 60.0}
"""Wall budget of the CP-SAT engine per size, seconds."""


def hard_violations(prep: Prepared, plan: Plan) -> int:
    """Hard rule violations of ``plan`` next to the fixed pins, by the independent validator."""
    pb = prep.problem
    new = []
    for ev, pl in plan.items():
        c = pb.candidates[pl.candidate]
        new.append(Assignment(-1 - ev, pb.events[ev].id, pb.employees[c.employee].id, at(c.day, pl.start)))
    found = validate_plan(prep.facts, list(prep.pins.fixed) + new, mode=Mode.AUTO,
                          new_only={a.id for a in new})
    return sum(1 for _, v in found if v.hard)


def _stats(prep: Prepared, plan: Plan) -> dict[str, Any]:
    total = len(prep.problem.events)
    return {"scheduled": len(plan), "unscheduled": total - len(plan),
            "hard_violations": hard_violations(prep, plan),
            "fairness": round(fairness_shifts(prep.problem, plan), 2)}


def one(size: str, seed: int, capacity: str, seconds: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """One club through both engines: the run as printed by ``--json``, and extra figures for the text."""
    club = make_club(size, seed, capacity)
    t0 = time.perf_counter()
    prep = prepare(club.facts, Request(days=club.days))
    prepare_seconds = time.perf_counter() - t0
    pb = prep.problem
    t0 = time.perf_counter()
    base = greedy(pb)
    greedy_seconds = time.perf_counter() - t0
    # the budget covers problem preparation too (as in the service), not the baseline run above
    sol = solve(pb, SolveOptions(max_seconds=seconds, started=time.perf_counter() - prepare_seconds))
    first = sol.first_plan_seconds
    run = {
        "seed": seed, "capacity": capacity,
        "greedy": {**_stats(prep, base), "seconds": round(greedy_seconds, 4)},
        "cpsat": {**_stats(prep, sol.plan), "status": sol.status,
                  "gap": round(sol.gap, 6) if sol.gap is not None else None,
                  "first_plan_seconds": round(first, 3) if first is not None else None,
                  "seconds": round(sol.wall_seconds, 3)},
    }
    no_candidate = sum(1 for i in range(len(pb.events)) if i not in pb.by_event)
    extra = {"events": len(pb.events), "no_candidate": no_candidate, "prepare_seconds": prepare_seconds,
             "engine": sol.engine, "note": sol.note}
    return run, extra


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return "-" if a == 0 else "inf"
    return f"{a / b:.2f}"


def _row(label: str, g: dict[str, Any], c: dict[str, Any], gap: str, first: str, x: dict[str, Any]) -> str:
    gs = f"{g['scheduled']}/{g['unscheduled']}/{g['hard_violations']}/{g['fairness']:.1f}"
    cs = f"{c['scheduled']}/{c['unscheduled']}/{c['hard_violations']}/{c['fairness']:.1f}"
    return (f"{label:<11} {x['events']:>5} {x['no_candidate']:>4} {x['prepare_seconds']:>5.2f} | "
            f"{gs:<22} {g['seconds']:>6.3f} | {cs:<22} {c['status']:<11} {gap:>7} {first:>6} "
            f"{c['seconds']:>6.2f} | {_ratio(c['scheduled'], g['scheduled']):>5} "
            f"{_ratio(c['unscheduled'], g['unscheduled']):>5} {_ratio(c['fairness'], g['fairness']):>5} "
            f"{_ratio(c['seconds'], g['seconds']):>6}")


def report(size: str, runs: list[tuple[dict[str, Any], dict[str, Any]]], budget: float) -> str:
    n_emp, n_ev, days = SIZES[size]
    head = (f"{'seed cap':<11} {'ev':>5} {'no c':>4} {'prep':>5} | {'greedy sch/uns/hard/fair':<22} "
            f"{'sec':>6} | {'cpsat sch/uns/hard/fair':<22} {'status':<11} {'gap':>7} {'first':>6} "
            f"{'final':>6} | {'sch':>5} {'uns':>5} {'fair':>5} {'time':>6}")
    lines = [f"size {size}: {n_emp} employees, {n_ev} events, {days} days; CP-SAT budget {budget:.0f} s; "
             "last four columns: ratios CP-SAT/greedy", head, "-" * len(head)]
    keys = ("scheduled", "unscheduled", "hard_violations", "fairness", "seconds")
    tot_g: dict[str, Any] = {"scheduled": 0, "unscheduled": 0, "hard_violations": 0, "fairness": 0.0,
                             "seconds": 0.0}
    tot_c: dict[str, Any] = dict(tot_g)
    tot_x: dict[str, Any] = {"events": 0, "no_candidate": 0, "prepare_seconds": 0.0}
    firsts, gaps, statuses = [], [], []
    for run, x in runs:
        g, c = run["greedy"], run["cpsat"]
        gap = f"{100 * c['gap']:.3f}%" if c["gap"] is not None else "-"
        first = f"{c['first_plan_seconds']:.2f}" if c["first_plan_seconds"] is not None else "-"
        lines.append(_row(f"{run['seed']:>4} {run['capacity']:<6}", g, c, gap, first, x))
        if x["note"]:
            lines.append(f"{'':<11} note: {x['note']} (engine {x['engine']})")
        for k in keys:
            tot_g[k] += g[k]
            tot_c[k] += c[k]
        for k in tot_x:
            tot_x[k] += x[k]
        statuses.append(c["status"])
        if c["first_plan_seconds"] is not None:
            firsts.append(c["first_plan_seconds"])
        if c["gap"] is not None:
            gaps.append(c["gap"])
    lines.append("-" * len(head))
    status = ",".join(f"{statuses.count(s)}x{s}" for s in sorted(set(statuses)))
    gap = f"<={100 * max(gaps):.3f}%" if gaps else "-"
    first = f"<={max(firsts):.2f}" if firsts else "-"
    tot_c["status"] = status
    lines.append(_row("total", tot_g, tot_c, gap, first, tot_x))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--capacity", choices=["loose", "tight", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=None, help="CP-SAT wall budget (default by size)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    capacities = ["loose", "tight"] if args.capacity == "both" else [args.capacity]
    seconds = args.seconds or BUDGET[args.size]
    runs = [one(args.size, seed, cap, seconds) for seed in range(1, args.seeds + 1) for cap in capacities]
    if args.json:
        print(json.dumps({"size": args.size, "runs": [run for run, _ in runs]}, indent=2))
    else:
        print(report(args.size, runs, seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
