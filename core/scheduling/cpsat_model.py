"""The CP-SAT model of a ``Problem``: variables, hard constraints and named penalty terms.

One boolean per candidate (per candidate *and start* for types with several fixed starts, e.g.
Digitals), one "unscheduled" boolean per event, Core slot booleans per person and day, and the
auxiliaries of the soft terms. Regular Core events are aggregated (``core_layout``): a boolean per
(Core, day) and per (person, day) instead of per (Core, person, day), matched after solving.
``terms`` holds every named penalty as (coefficient, variable) pairs plus a constant, so a solution
can be reported term by term ("rule X bent, penalty N") and the objective can be set to any subset of
terms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date

from ortools.sat.python import cp_model

from core.model import EventType
from core.scheduling.core_layout import CoreLayout, core_layout
from core.scheduling.plan import Placement, Plan, assign_supervisor_starts, shift_loads
from core.scheduling.problem import SHIFT_TYPES, Problem, sunday_of
from core.scheduling.weights import PENALTY_NAMES, SCALE

IntVar = cp_model.IntVar
LinearExpr = cp_model.LinearExpr
_ONE_VAR_TYPES = frozenset({EventType.CORE, EventType.SUPERVISOR})


def _sum(items: Sequence[IntVar]) -> cp_model.LinearExprT:
    return LinearExpr.sum(list(items))


class ScheduleModel:
    """Builds the model; ``hint`` loads a plan as a complete hint, ``read`` turns values into a plan."""

    def __init__(self, problem: Problem, *, force: int | None = None,
                 layout: CoreLayout | None = None) -> None:
        self.pb = problem
        self.layout = layout if layout is not None else core_layout(problem)
        self.m = cp_model.CpModel()
        self.terms: dict[str, list[tuple[int, IntVar]]] = {n: [] for n in PENALTY_NAMES}
        self.constants: dict[str, int] = dict.fromkeys(PENALTY_NAMES, 0)
        self.vars: list[Sequence[IntVar]] = [()] * len(problem.candidates)
        """Booleans per candidate (none for aggregated Core candidates)."""
        self.var_starts: list[Sequence[int | None]] = [()] * len(problem.candidates)
        self.own: dict[tuple[int, date], list[int]] = defaultdict(list)
        """(person, day) -> candidates with booleans of their own."""
        self.u: dict[int, IntVar] = {}
        self.x: dict[tuple[int, date], IntVar] = {}
        """(regular Core, day) -> it goes on that day."""
        self.r: dict[tuple[int, date], IntVar] = {}
        """(person, day) -> works a regular Core that day."""
        self.z: dict[tuple[int, date, int], IntVar] = {}
        self.sup_any: dict[tuple[int, date], IntVar] = {}
        self.works: dict[tuple[int, date], IntVar] = {}
        self.hi_lo: dict[date, tuple[IntVar, IntVar]] = {}
        self.extra: dict[tuple[date, int], tuple[IntVar, list[IntVar]]] = {}
        self.dev: dict[int, IntVar] = {}
        self.load: dict[int, IntVar] = {}
        self._variables()
        self._coverage(force)
        self._regular_cores_per_day()
        self._per_person_day()
        self._week_cap()
        self._pairing()
        self._slot_balance()
        self._digital_slots()
        self._fairness()
        self._churn_and_bumps()
        self.set_objective()

    def set_objective(self, names: Collection[str] = PENALTY_NAMES) -> None:
        """Minimise the named terms (all of them by default), written straight into the proto."""
        coef: dict[int, int] = defaultdict(int)
        for n in names:
            for c, v in self.terms[n]:
                coef[v.index] += c
        self.m.proto.clear_objective()
        objective = self.m.proto.objective
        items = [(i, c) for i, c in coef.items() if c]
        objective.vars.extend([i for i, _ in items])
        objective.coeffs.extend([c for _, c in items])
        objective.offset = float(sum(self.constants[n] for n in names))

    def fix_coverage(self, plan: Plan) -> None:
        """Keep exactly the events of ``plan`` scheduled (only re-arrange them)."""
        for i, u in self.u.items():
            self.m.add(u == (0 if i in plan else 1))

    # ---- variables and hard constraints ------------------------------------------------------

    def _variables(self) -> None:
        new = self.m.new_bool_var
        lay = self.layout
        aggregated = lay.aggregated
        for ci, c in enumerate(self.pb.candidates):
            if ci in aggregated:
                continue
            one = self.pb.events[c.event].type in _ONE_VAR_TYPES
            starts: list[int | None] = [None] if one else list(c.starts)
            vs = [new("") for _ in starts]
            self.vars[ci] = vs
            self.var_starts[ci] = starts
            self.own[(c.employee, c.day)].append(ci)
            for name, value in c.penalties:
                self.terms[name].extend((value, v) for v in vs)
        for (i, day), penalties in sorted(lay.day_cost.items()):
            x = new(f"x{i}_{day:%m%d}")
            self.x[(i, day)] = x
            for name, value in penalties:
                self.terms[name].append((value, x))
        for day, people in sorted(lay.profile.items()):
            for p, (_, penalties) in sorted(people.items()):
                r = new(f"r{p}_{day:%m%d}")
                self.r[(p, day)] = r
                for name, value in penalties:
                    self.terms[name].append((value, r))
        self.x_of: dict[int, list[IntVar]] = defaultdict(list)
        for (i, _), x in sorted(self.x.items()):
            self.x_of[i].append(x)

    def core_vars(self, p: int, day: date) -> list[tuple[tuple[int, ...], IntVar]]:
        """Every Core boolean of one person and day, with the slot starts it allows."""
        pb = self.pb
        out = [(pb.candidates[ci].starts, self.vars[ci][0]) for ci in self.own.get((p, day), ())
               if pb.events[pb.candidates[ci].event].type is EventType.CORE]
        r = self.r.get((p, day))
        if r is not None:
            out.append((self.layout.profile[day][p][0], r))
        return out

    def _coverage(self, force: int | None) -> None:
        for i, ev in enumerate(self.pb.events):
            lits = [v for ci in self.pb.by_event.get(i, ()) for v in self.vars[ci]] + self.x_of.get(i, [])
            if not lits:
                if i == force:
                    self.m.add_bool_or([])
                self.constants["unscheduled"] += ev.unscheduled_cost
                continue
            u = self.m.new_bool_var(f"u{i}")
            self.u[i] = u
            lits.append(u)
            self.m.add_exactly_one(lits)
            self.terms["unscheduled"].append((ev.unscheduled_cost, u))
            if i == force:
                self.m.add(u == 0)

    def _regular_cores_per_day(self) -> None:
        """As many regular Cores on a day as people working a regular Core that day."""
        per_day: dict[date, list[IntVar]] = defaultdict(list)
        people: dict[date, list[IntVar]] = defaultdict(list)
        for (_, day), x in self.x.items():
            per_day[day].append(x)
        for (_, day), r in self.r.items():
            people[day].append(r)
        for day in sorted(set(per_day) | set(people)):
            self.m.add(_sum(per_day[day]) == _sum(people[day]))

    def _per_person_day(self) -> None:
        pb = self.pb
        for (p, day) in pb.by_employee_day:
            cis = self.own.get((p, day), ())
            cores = self.core_vars(p, day)
            shifts: list[IntVar] = [v for _, v in cores]
            sups: list[IntVar] = []
            items: list[tuple[IntVar, int, int]] = []
            for ci in cis:
                etype = pb.events[pb.candidates[ci].event].type
                if etype is EventType.CORE:
                    continue
                if etype is EventType.SUPERVISOR:
                    sups.append(self.vars[ci][0])
                else:
                    for s, v in zip(self.var_starts[ci], self.vars[ci], strict=True):
                        assert s is not None
                        items.append((v, *pb.interval(ci, s)))
                if etype in SHIFT_TYPES:
                    shifts.extend(self.vars[ci])
            if len(shifts) > 1:
                self.m.add_at_most_one(shifts)
            z_items = self._core_slots(p, day, cores)
            if sups:
                lo, hi, cap = pb.supervisor_blocks[(p, day)]
                anyv = self.m.new_bool_var(f"sup{p}_{day:%m%d}")
                self.sup_any[(p, day)] = anyv
                for v in sups:
                    self.m.add_implication(v, anyv)
                self.m.add(anyv <= _sum(sups))
                if len(sups) > cap:
                    self.m.add(_sum(sups) <= cap)
                items.append((anyv, lo, hi))
            if items:
                self._no_overlap(items, z_items)

    def _core_slots(self, p: int, day: date,
                    cores: list[tuple[tuple[int, ...], IntVar]]) -> list[tuple[IntVar, int, int]]:
        if not cores:
            return []
        pb = self.pb
        union = sorted({s for starts, _ in cores for s in starts})
        length = pb.core_len.get((p, day), 0)
        zs = {s: self.m.new_bool_var(f"z{p}_{day:%m%d}_{s}") for s in union}
        for s, z in zs.items():
            self.z[(p, day, s)] = z
            if s in pb.core_slots:
                self.terms["slot_imbalance"].append((pb.core_slots.index(s) * SCALE, z))
        self.m.add(_sum(list(zs.values())) == _sum([v for _, v in cores]))
        for allowed, v in cores:
            banned = [zs[s] for s in union if s not in allowed]
            if banned:
                self.m.add(_sum([v, *banned]) <= 1)
        return [(z, s, s + length) for s, z in zs.items()]

    def _no_overlap(self, items: list[tuple[IntVar, int, int]],
                    z_items: list[tuple[IntVar, int, int]]) -> None:
        """Interval-graph cliques: at every start point, at most one covering item."""
        everything = items + z_items
        z_index = {z.index for z, _, _ in z_items}
        seen: set[frozenset[int]] = set()
        for t in sorted({lo for _, lo, _ in everything}):
            covering = [v for v, lo, hi in everything if lo <= t < hi]
            if len(covering) < 2:
                continue
            key = frozenset(v.index for v in covering)
            if key <= z_index or key in seen:
                continue
            seen.add(key)
            self.m.add_at_most_one(covering)

    def _week_cap(self) -> None:
        pb = self.pb
        days_of: dict[tuple[int, date], list[date]] = defaultdict(list)
        for (p, day) in pb.by_employee_day:
            if (p, day) not in pb.pinned_days:
                days_of[(p, sunday_of(day))].append(day)
        for (p, week), days in days_of.items():
            room = pb.week_room.get((p, week), 0)
            if len(days) <= room:
                continue
            for day in days:
                w = self.m.new_bool_var(f"w{p}_{day:%m%d}")
                self.works[(p, day)] = w
                shifts: list[IntVar] = [v for _, v in self.core_vars(p, day)]
                for ci in self.own.get((p, day), ()):
                    etype = pb.events[pb.candidates[ci].event].type
                    if etype is EventType.JUICER:
                        shifts.extend(self.vars[ci])
                    elif etype is EventType.CORE:
                        continue
                    elif etype is not EventType.SUPERVISOR:
                        for v in self.vars[ci]:
                            self.m.add_implication(v, w)
                if shifts:
                    self.m.add(_sum(shifts) <= w)
                if (p, day) in self.sup_any:
                    self.m.add_implication(self.sup_any[(p, day)], w)
            self.m.add(_sum([self.works[(p, d)] for d in days]) <= room)

    def _pairing(self) -> None:
        pb = self.pb
        core_lits: dict[tuple[str, date], list[IntVar]] = defaultdict(list)
        for key, evs in pb.cores_by_key.items():
            for i in evs:
                for ci in pb.by_event.get(i, ()):
                    core_lits[(key, pb.candidates[ci].day)].extend(self.vars[ci])
                for day in pb.days:
                    if (i, day) in self.x:
                        core_lits[(key, day)].append(self.x[(i, day)])
        for i, ev in enumerate(pb.events):
            if ev.type is not EventType.SUPERVISOR or not ev.pair_key:
                continue
            per_day: dict[date, list[IntVar]] = defaultdict(list)
            for ci in pb.by_event.get(i, ()):
                per_day[pb.candidates[ci].day].extend(self.vars[ci])
            for day, lits in per_day.items():
                if (ev.pair_key, day) not in pb.pinned_core_days:
                    self.m.add(_sum(lits) <= _sum(core_lits[(ev.pair_key, day)]))

    # ---- soft terms --------------------------------------------------------------------------

    def _slot_balance(self) -> None:
        pb = self.pb
        by_day: dict[date, dict[int, list[IntVar]]] = defaultdict(lambda: defaultdict(list))
        for (_, day, s), z in self.z.items():
            by_day[day][s].append(z)
        weight = pb.weights.slot_imbalance * SCALE
        for day, slot_vars in by_day.items():
            top = sum(len(v) for v in slot_vars.values()) + sum(
                pb.pinned_slot_counts.get((day, s), 0) for s in pb.core_slots)
            hi = self.m.new_int_var(0, top, f"hi{day:%m%d}")
            lo = self.m.new_int_var(0, top, f"lo{day:%m%d}")
            for s in pb.core_slots:
                count = _sum(slot_vars.get(s, [])) + int(pb.pinned_slot_counts.get((day, s), 0))
                self.m.add(hi >= count)
                self.m.add(lo <= count)
            self.hi_lo[day] = (hi, lo)
            self.terms["slot_imbalance"] += [(weight, hi), (-weight, lo)]

    def _digital_slots(self) -> None:
        pb = self.pb
        groups: dict[tuple[date, int], list[IntVar]] = defaultdict(list)
        for ci, c in enumerate(pb.candidates):
            if pb.events[c.event].type is EventType.DIGITALS:
                for s, v in zip(self.var_starts[ci], self.vars[ci], strict=True):
                    assert s is not None
                    groups[(c.day, s)].append(v)
        weight = pb.weights.digital_slot_shared * SCALE
        for key, lits in groups.items():
            if len(lits) > 1:
                extra = self.m.new_int_var(0, len(lits) - 1, f"dx{key[0]:%m%d}_{key[1]}")
                self.m.add(extra >= _sum(lits) - 1)
                self.extra[key] = (extra, lits)
                self.terms["digital_slot_shared"].append((weight, extra))

    def _fairness(self) -> None:
        pb = self.pb
        own: dict[int, list[IntVar]] = defaultdict(list)
        for (p, day) in pb.by_employee_day:
            if pb.employees[p].shift_pool:
                own[p].extend(v for _, v in self.core_vars(p, day))
        units = pb.weights.share_units
        for p, emp in enumerate(pb.employees):
            if not emp.shift_pool:
                continue
            if not own[p]:
                self.constants["fairness"] += abs(units * emp.pinned_shifts - emp.target)
                continue
            count = self.m.new_int_var(0, len(own[p]), f"load{p}")
            self.load[p] = count
            self.m.add(count == _sum(own[p]))
            load = units * (count + emp.pinned_shifts)
            bound = max(emp.target, units * (emp.pinned_shifts + len(own[p])))
            dev = self.m.new_int_var(0, bound, f"dev{p}")
            self.m.add(dev >= load - emp.target)
            self.m.add(dev >= emp.target - load)
            self.dev[p] = dev
            self.terms["fairness"].append((1, dev))

    def stay_lits(self, event: int, employee: int, day: date) -> list[IntVar]:
        return [v for ci in self.pb.by_event.get(event, ())
                if (self.pb.candidates[ci].employee, self.pb.candidates[ci].day) == (employee, day)
                for v in self.vars[ci]]

    def _churn_and_bumps(self) -> None:
        pb = self.pb
        w = pb.weights
        for i, ev in enumerate(pb.events):
            cur = ev.current
            where: tuple[int, date] | None
            if cur is not None:
                if cur.released:
                    continue
                name, weight, where = ("bumps", w.bump, (cur.employee, cur.day)) if cur.bumpable else (
                    "churn", w.churn, (cur.employee, cur.day))
            else:
                name, weight, where = "churn", w.churn, pb.previous.get(i)
            if where is None:
                continue
            stay = self.stay_lits(i, *where)
            self.constants[name] += weight * SCALE
            self.terms[name] += [(-weight * SCALE, v) for v in stay]
            if cur is not None and cur.bumpable and ev.type is EventType.CORE and stay:
                takers = [v for ci in pb.by_employee_day.get(where, ())
                          if pb.event_of(ci).type is EventType.JUICER
                          or (pb.event_of(ci).type is EventType.CORE and pb.event_of(ci).due < ev.due)
                          for v in self.vars[ci]]
                self.m.add(1 - _sum(stay) <= _sum(takers))

    # ---- hints and solutions -----------------------------------------------------------------

    def hint(self, plan: Plan) -> None:
        """Load ``plan`` as a complete hint (every variable, auxiliaries included)."""
        pb = self.pb
        values: dict[int, int] = {}
        core_at: dict[tuple[date, int], int] = defaultdict(int)
        core_pds: set[tuple[int, date, int]] = set()
        busy: set[tuple[int, date]] = set()
        sup_at: set[tuple[int, date]] = set()
        for ev, pl in plan.items():
            c = pb.candidates[pl.candidate]
            etype = pb.events[ev].type
            for s, v in zip(self.var_starts[pl.candidate], self.vars[pl.candidate], strict=True):
                if s is None or s == pl.start:
                    values[v.index] = 1
            if pl.candidate in self.layout.aggregated:
                values[self.x[(ev, c.day)].index] = 1
                values[self.r[(c.employee, c.day)].index] = 1
            busy.add((c.employee, c.day))
            if etype is EventType.CORE:
                core_at[(c.day, pl.start)] += 1
                core_pds.add((c.employee, c.day, pl.start))
            elif etype is EventType.SUPERVISOR:
                sup_at.add((c.employee, c.day))
        for i, u in self.u.items():
            values[u.index] = 0 if i in plan else 1
        for key, z in self.z.items():
            values[z.index] = int(key in core_pds)
        for key2, v in self.sup_any.items():
            values[v.index] = int(key2 in sup_at)
        for key2, v in self.works.items():
            values[v.index] = int(key2 in busy)
        for day, (hi, lo) in self.hi_lo.items():
            counts = [core_at[(day, slot)] + pb.pinned_slot_counts.get((day, slot), 0)
                      for slot in pb.core_slots]
            values[hi.index], values[lo.index] = max(counts), min(counts)
        for extra, lits in self.extra.values():
            values[extra.index] = max(0, sum(values.get(v.index, 0) for v in lits) - 1)
        loads = shift_loads(pb, plan)
        units = pb.weights.share_units
        for p, dev in self.dev.items():
            values[dev.index] = abs(units * loads[p] - pb.employees[p].target)
        for p, count in self.load.items():
            values[count.index] = loads[p] - pb.employees[p].pinned_shifts
        proto = self.m.proto
        proto.clear_solution_hint()
        indices = [var.index for var in self._all_vars()]
        proto.solution_hint.vars.extend(indices)
        proto.solution_hint.values.extend([values.get(i, 0) for i in indices])

    def _all_vars(self) -> Iterable[IntVar]:
        for vs in self.vars:
            yield from vs
        yield from self.u.values()
        yield from self.x.values()
        yield from self.r.values()
        yield from self.z.values()
        yield from self.sup_any.values()
        yield from self.works.values()
        for hi, lo in self.hi_lo.values():
            yield hi
            yield lo
        for extra, _ in self.extra.values():
            yield extra
        yield from self.dev.values()
        yield from self.load.values()

    def read(self, solution: Sequence[int]) -> Plan:
        """The plan in a solution vector (Supervisor starts staggered after the fact)."""
        pb = self.pb
        plan: Plan = {}
        sups: dict[int, int] = {}
        for ci, vs in enumerate(self.vars):
            for s, v in zip(self.var_starts[ci], vs, strict=True):
                if not solution[v.index]:
                    continue
                c = pb.candidates[ci]
                etype = pb.events[c.event].type
                if etype is EventType.SUPERVISOR:
                    sups[c.event] = ci
                elif etype is EventType.CORE:
                    slot = next(st for st in c.starts if solution[self.z[(c.employee, c.day, st)].index])
                    plan[c.event] = Placement(ci, slot)
                else:
                    assert s is not None
                    plan[c.event] = Placement(ci, s)
        plan.update(self._match_regular_cores(solution))
        plan.update(assign_supervisor_starts(pb, sups))
        return plan

    def _match_regular_cores(self, solution: Sequence[int]) -> Plan:
        """Pair each day's chosen regular Cores with its chosen people: earliest due first, in person
        order (every pairing is allowed and costs the same)."""
        pb = self.pb
        events: dict[date, list[int]] = defaultdict(list)
        people: dict[date, list[int]] = defaultdict(list)
        for (i, day), x in self.x.items():
            if solution[x.index]:
                events[day].append(i)
        for (p, day), r in self.r.items():
            if solution[r.index]:
                people[day].append(p)
        cand_at = {(pb.candidates[ci].event, pb.candidates[ci].employee, pb.candidates[ci].day): ci
                   for ci in self.layout.aggregated}
        plan: Plan = {}
        for day, evs in events.items():
            evs.sort(key=lambda i: (pb.events[i].due, pb.events[i].id))
            for i, p in zip(evs, sorted(people[day]), strict=True):
                ci = cand_at[(i, p, day)]
                slot = next(st for st in self.layout.profile[day][p][0]
                            if solution[self.z[(p, day, st)].index])
                plan[i] = Placement(ci, slot)
        return plan
