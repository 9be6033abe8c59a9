"""Judging one roster row against the stored team: which employee it means, what it would change,
and every reason to reject it (row number + column)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from core.model import Employee, JobTitle, Role, SlackLink, WeeklyAvailability
from core.ports import UnitOfWork
from core.services.roster_csv import DAY_COLUMNS, RosterRow, parse_bool

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]{2,31}$")
TITLES = {t.value.casefold(): t for t in JobTitle}
UNIQUE_COLUMNS = ("employee_id", "rep_id", "email", "slack_user_id")
LIMITS = {"employee_id": 50, "name": 100, "rep_id": 50, "email": 120}
EMPLOYEE_FIELDS = ("name", "rep_id", "email", "job_title", "is_active")
ALL_DAYS = (True,) * 7


def _norm(column: str, value: str) -> str:
    return value.casefold() if column == "email" else value


@dataclass
class RosterState:
    """The stored team of one store, indexed for judging rows, plus what earlier rows claimed."""

    store_id: int
    everyone: dict[str, Employee]
    by_rep: dict[str, Employee]
    by_email: dict[str, Employee]
    weekly: dict[str, WeeklyAvailability]
    links: dict[str, SlackLink]
    repeats: dict[tuple[str, str], list[int]]
    """(column, value) → the rows that carry it, for the unique columns."""
    targets: dict[str, int] = field(default_factory=dict)
    """Employee id → the first row that targets it."""

    @classmethod
    def load(cls, uow: UnitOfWork, store_id: int, rows: Sequence[RosterRow]) -> RosterState:
        """Read the team once (one query per table)."""
        everyone = {e.id: e for e in uow.employees.list()}
        mine = [e for e in everyone.values() if e.store_id == store_id]
        repeats: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row in rows:
            for column in UNIQUE_COLUMNS:
                if column in row.cells:
                    repeats[(column, _norm(column, row.cells[column]))].append(row.number)
        return cls(
            store_id=store_id, everyone=everyone,
            by_rep={e.rep_id: e for e in mine if e.rep_id},
            by_email={e.email.casefold(): e for e in mine if e.email},
            weekly={w.employee_id: w for w in uow.weekly_availability.list()},
            links={link.slack_user_id: link for link in uow.slack_links.list()},
            repeats=dict(repeats),
        )


@dataclass
class RowPlan:
    """What one row would do; rejected when ``issues`` is not empty."""

    row: int
    employee_id: str | None = None
    before: Employee | None = None
    after: Employee | None = None
    weekly_before: WeeklyAvailability | None = None
    weekly_after: WeeklyAvailability | None = None
    links: list[tuple[SlackLink | None, SlackLink]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    issues: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class _Fields:
    title: JobTitle | None = None
    active: bool | None = None
    days: tuple[bool | None, ...] = (None,) * 7


def _parse(row: RosterRow, plan: RowPlan) -> _Fields:
    cells, out = row.cells, _Fields()
    if row.extra_cells:
        plan.issues.append((None, f"has {row.extra_cells} more cell(s) than the header has columns"))
    for column, limit in LIMITS.items():
        if len(cells.get(column, "")) > limit:
            plan.issues.append((column, f"is longer than {limit} characters"))
    if "employee_id" in cells and any(ch.isspace() for ch in cells["employee_id"]):
        plan.issues.append(("employee_id", f"{cells['employee_id']!r} contains spaces"))
    if "email" in cells and not EMAIL_RE.match(cells["email"]):
        plan.issues.append(("email", f"{cells['email']!r} is not an email address"))
    if "slack_user_id" in cells and not SLACK_USER_RE.match(cells["slack_user_id"]):
        plan.issues.append(("slack_user_id", f"{cells['slack_user_id']!r} is not a Slack user id "
                            "(like U012ABCDEF)"))
    if "job_title" in cells:
        out.title = TITLES.get(cells["job_title"].casefold())
        if out.title is None:
            plan.issues.append(("job_title", f"unknown job title {cells['job_title']!r}; use one of: "
                                + ", ".join(t.value for t in JobTitle)))
    days: list[bool | None] = []
    for column in ("active", *DAY_COLUMNS):
        value: bool | None = None
        if column in cells:
            try:
                value = parse_bool(cells[column])
            except ValueError as exc:
                plan.issues.append((column, str(exc)))
        if column == "active":
            out.active = value
        else:
            days.append(value)
    out.days = tuple(days)
    return out


def _repeats(state: RosterState, row: RosterRow, plan: RowPlan) -> None:
    for column in UNIQUE_COLUMNS:
        if column not in row.cells:
            continue
        found = state.repeats.get((column, _norm(column, row.cells[column])), [])
        if len(found) > 1:
            where = ", ".join(str(n) for n in found)
            plan.issues.append((column, f"{row.cells[column]} appears on rows {where}: one row per person"))


def _target(state: RosterState, row: RosterRow, plan: RowPlan) -> str | None:
    emp_id, rep = row.cells.get("employee_id"), row.cells.get("rep_id")
    existing = state.everyone.get(emp_id) if emp_id else state.by_rep.get(rep or "")
    if existing is not None and existing.store_id != state.store_id:
        plan.issues.append(("employee_id", f"{existing.id} belongs to another store"))
        return None
    if existing is not None:
        first = state.targets.setdefault(existing.id, row.number)
        if first != row.number:
            plan.issues.append((None, f"is the same employee ({existing.id}) as row {first}"))
        plan.before = existing
        return existing.id
    new_id = emp_id or rep
    if new_id is None:
        plan.issues.append(("employee_id", "needs an employee_id or a rep_id"))
        return None
    if new_id in state.everyone:
        plan.issues.append(("rep_id", f"a new employee would get the id {new_id}, which another "
                            "employee has"))
    if "name" not in row.cells:
        plan.issues.append(("name", "a new employee needs a name"))
    return new_id


def _clashes(state: RosterState, row: RosterRow, plan: RowPlan, target: str) -> None:
    rep, email, slack = row.cells.get("rep_id"), row.cells.get("email"), row.cells.get("slack_user_id")
    owner = state.by_rep.get(rep) if rep else None
    if owner is not None and owner.id != target:
        plan.issues.append(("rep_id", f"rep_id {rep} is already used by {owner.name} ({owner.id})"))
    owner = state.by_email.get(email.casefold()) if email else None
    if owner is not None and owner.id != target:
        plan.issues.append(("email", f"{email} is already the email of {owner.name} ({owner.id})"))
    link = state.links.get(slack) if slack else None
    if link is not None and link.employee_id not in (None, target):
        plan.issues.append(("slack_user_id", f"{slack} is already linked to employee {link.employee_id}"))


def judge_row(state: RosterState, row: RosterRow) -> RowPlan:
    """Everything ``row`` would change, or the reasons it is rejected."""
    plan = RowPlan(row.number, employee_id=row.cells.get("employee_id") or row.cells.get("rep_id"))
    parsed = _parse(row, plan)
    _repeats(state, row, plan)
    target = _target(state, row, plan)
    if target is None:
        return plan
    plan.employee_id = target
    _clashes(state, row, plan, target)
    if plan.issues:
        return plan
    cells = row.cells
    base = plan.before or Employee(id=target, name=cells.get("name", ""), store_id=state.store_id)
    plan.after = replace(
        base, name=cells.get("name", base.name), rep_id=cells.get("rep_id", base.rep_id),
        email=cells.get("email", base.email), job_title=parsed.title or base.job_title,
        is_active=base.is_active if parsed.active is None else parsed.active)
    if plan.before is None:
        plan.changes.append("new employee")
    else:
        plan.changes += [f for f in EMPLOYEE_FIELDS if getattr(plan.after, f) != getattr(plan.before, f)]
    _weekly(state, plan, target, parsed.days)
    _links(state, plan, target, cells.get("slack_user_id"))
    return plan


def _weekly(state: RosterState, plan: RowPlan, target: str, days: tuple[bool | None, ...]) -> None:
    current = state.weekly.get(target)
    effective = tuple(current.days) if current is not None else ALL_DAYS
    wanted = tuple(e if d is None else d for d, e in zip(days, effective, strict=True))
    if wanted != effective:
        plan.weekly_before = current
        plan.weekly_after = WeeklyAvailability(target, wanted)  # type: ignore[arg-type]
        plan.changes.append("availability")


def _links(state: RosterState, plan: RowPlan, target: str, slack: str | None) -> None:
    if slack is None:
        return
    link = state.links.get(slack)
    if link is not None and link.employee_id == target:
        return
    if link is None:
        new = SlackLink(slack, Role.EMPLOYEE, store_id=state.store_id, employee_id=target)
        plan.links.append((None, new))
    else:
        plan.links.append((link, replace(link, employee_id=target)))
    for other in state.links.values():
        if other.employee_id == target and other.slack_user_id != slack:
            plan.links.append((other, replace(other, employee_id=None)))
    plan.changes.append("slack_user_id")
