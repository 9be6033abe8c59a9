"""The demo team: what a manager sets up after the first reps sync (titles, availability,
rotations, a holiday, some time off), entered through the same services a manager uses."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from bot.container import Services
from core.model import Actor, Employee, JobTitle, RotationType
from core.ports import UnitOfWorkFactory
from core.services.roster import RosterReport
from core.services.team_review import TeamReviewService
from integrations.db.unit_of_work import UtcClock

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def roster_csv(employees: list[Employee], titles: dict[str, str]) -> bytes:
    """A roster spreadsheet for the synced reps: job titles from the club's list, every fifth
    person off on weekends, every seventh off on Mondays."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["employee_id", "name", "rep_id", "email", "job_title", "active", *DAYS])
    for i, emp in enumerate(sorted(employees, key=lambda e: e.rep_id or e.id)):
        title = titles.get(emp.rep_id or "", JobTitle.EVENT_SPECIALIST.value)
        days = ["yes"] * 7
        if i % 5 == 4:
            days[5] = days[6] = "no"
        if i % 7 == 6:
            days[0] = "no"
        email = ".".join(emp.name.lower().split()) + "@demo.schedbot.local"
        writer.writerow([emp.id, emp.name, emp.rep_id or "", email, title, "yes", *days])
    return out.getvalue().encode()


NEW_REPS = 2
"""Reps left "needs review" in the demo, as if they arrived with the last sync."""


def set_up_team(services: Services, uow_factory: UnitOfWorkFactory, actor: Actor, today: date,
                titles: dict[str, str]) -> RosterReport:
    """Import the roster, review all but the two newest reps (they show the review flow), set the
    rotations, add a holiday and approve two time-off requests."""
    with uow_factory() as uow:
        employees = uow.employees.list(store_id=actor.store_id)
    report = services.roster.import_csv(actor, roster_csv(employees, titles))
    review = TeamReviewService(uow_factory, UtcClock())
    for person in sorted(employees, key=lambda e: e.rep_id or e.id)[:-NEW_REPS]:
        review.mark_reviewed(actor, person.id)
    with uow_factory() as uow:
        employees = sorted(uow.employees.list(store_id=actor.store_id), key=lambda e: e.rep_id or e.id)
    baristas = [e.id for e in employees if e.job_title is JobTitle.JUICER_BARISTA]
    leads = [e.id for e in employees if e.job_title is JobTitle.LEAD]
    plan: dict[RotationType, dict[int, str | None]] = {
        RotationType.JUICER: {wd: baristas[wd % len(baristas)] for wd in range(7)} if baristas else {},
        RotationType.PRIMARY_LEAD: {wd: leads[wd % len(leads)] for wd in range(7)} if leads else {},
    }
    services.rotations.set_weekly(actor, plan)
    services.holidays.add(actor, "Club inventory day", today + timedelta(days=9))
    specialists = [e for e in employees if e.job_title is JobTitle.EVENT_SPECIALIST]
    for emp, offset, length, why in ((specialists[0], 4, 3, "Family trip"),
                                     (specialists[1], 6, 1, "Appointment")):
        start = today + timedelta(days=offset)
        outcome = services.time_off.submit(actor, emp.id, start, start + timedelta(days=length - 1), why)
        services.time_off.approve(actor, outcome.request.id)
    return report
