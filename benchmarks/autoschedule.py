"""Benchmark: the legacy-order greedy against the CP-SAT engine on seeded synthetic clubs.

    python benchmarks/autoschedule.py [--size S|M|L] [--seeds N] [--capacity loose|tight|both]
                                      [--seconds T] [--json]

Both engines run in this process on the same problem; both plans are judged by the independent
validator (``core.rules.validate_plan``). Printed per seed and in total: scheduled, unscheduled,
hard violations, fairness (L1 distance of Core shifts from availability-proportional shares),
solver status and gap, first-plan time, final time, and the CP-SAT/greedy ratios.
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


def stats(prep: Prepared, plan: Plan) -> dict[str, Any]:
    total = len(prep.problem.events)
    return {"scheduled": len(plan), "unscheduled": total - len(plan),
            "hard_violations": hard_violations(prep, plan),
            "fairness": round(fairness_shifts(prep.problem, plan), 2)}


def one(size: str, seed: int, capacity: str, seconds: float) -> dict[str, Any]:
    club = make_club(size, seed, capacity)
    t0 = time.perf_counter()
    prep = prepare(club.facts, Request(days=club.days))
    prepare_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = greedy(prep.problem)
    greedy_seconds = time.perf_counter() - t0
    sol = solve(prep.problem, SolveOptions(max_seconds=seconds))
    first = sol.first_plan_seconds
    return {
        "seed": seed, "capacity": capacity, "events": len(prep.problem.events),
        "candidates": len(prep.problem.candidates), "prepare_seconds": round(prepare_seconds, 3),
        "greedy": {**stats(prep, base), "seconds": round(greedy_seconds, 4)},
        "cpsat": {**stats(prep, sol.plan), "status": sol.status,
                  "gap": round(sol.gap, 4) if sol.gap is not None else None,
                  "first_plan_seconds": round(first, 3) if first is not None else None,
                  "seconds": round(sol.wall_seconds, 3), "engine": sol.engine, "note": sol.note},
    }


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return "—" if a == 0 else "∞"
    return f"{a / b:.2f}"


def report(size: str, runs: list[dict[str, Any]]) -> str:
    head = (f"{'seed':>4} {'cap':<6} {'ev':>4} | {'greedy sch/uns/hard/fair':<26} {'sec':>6} | "
            f"{'cpsat sch/uns/hard/fair':<26} {'status':<9} {'gap':>6} {'first':>6} {'final':>6} | "
            f"{'uns c/g':>7} {'fair g/c':>8}")
    lines = [f"size {size}: {SIZES[size][0]} employees, {SIZES[size][1]} events, {SIZES[size][2]} days",
             head, "-" * len(head)]
    tot = {"g_uns": 0, "c_uns": 0, "g_fair": 0.0, "c_fair": 0.0, "g_hard": 0, "c_hard": 0}
    for r in runs:
        g, c = r["greedy"], r["cpsat"]
        tot["g_uns"] += g["unscheduled"]
        tot["c_uns"] += c["unscheduled"]
        tot["g_fair"] += g["fairness"]
        tot["c_fair"] += c["fairness"]
        tot["g_hard"] += g["hard_violations"]
        tot["c_hard"] += c["hard_violations"]
        gs = f"{g['scheduled']}/{g['unscheduled']}/{g['hard_violations']}/{g['fairness']:.1f}"
        cs = f"{c['scheduled']}/{c['unscheduled']}/{c['hard_violations']}/{c['fairness']:.1f}"
        gap = f"{100 * c['gap']:.2f}%" if c["gap"] is not None else "—"
        first = f"{c['first_plan_seconds']:.2f}" if c["first_plan_seconds"] is not None else "—"
        lines.append(f"{r['seed']:>4} {r['capacity']:<6} {r['events']:>4} | {gs:<26} {g['seconds']:>6.3f} | "
                     f"{cs:<26} {c['status']:<9} {gap:>6} {first:>6} {c['seconds']:>6.2f} | "
                     f"{_ratio(c['unscheduled'], g['unscheduled']):>7} "
                     f"{_ratio(g['fairness'], c['fairness']):>8}")
    lines.append("-" * len(head))
    lines.append(f"total: unscheduled greedy {tot['g_uns']} vs cpsat {tot['c_uns']} "
                 f"(cpsat/greedy {_ratio(tot['c_uns'], tot['g_uns'])}); fairness greedy "
                 f"{tot['g_fair']:.1f} vs cpsat {tot['c_fair']:.1f} (greedy/cpsat "
                 f"{_ratio(tot['g_fair'], tot['c_fair'])}); hard violations greedy {tot['g_hard']}, "
                 f"cpsat {tot['c_hard']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--capacity", choices=["loose", "tight", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=None, help="solver budget (default by size)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    capacities = ["loose", "tight"] if args.capacity == "both" else [args.capacity]
    seconds = args.seconds or BUDGET[args.size]
    runs = [one(args.size, seed, cap, seconds) for seed in range(1, args.seeds + 1) for cap in capacities]
    if args.json:
        print(json.dumps({"size": args.size, "runs": runs}, indent=2))
    else:
        print(report(args.size, runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
