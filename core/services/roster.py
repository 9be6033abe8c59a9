"""The team as a spreadsheet: roster CSV import and export (product.md §6 ``roster``).

Import upserts employees by ``employee_id``, else ``rep_id``; an empty cell leaves the value as it is;
nothing is ever deleted. The whole file is one transaction: when any row is rejected nothing is
applied, and the report lists every rejected row with its row number, column and reason. A
``slack_user_id`` links that Slack user to the employee (role employee unless the link already has a
higher one). Every change is audited. Manager only (``authz.Action.EDIT_TEAM``).

A file uploaded in Slack is staged first (``stage_upload``: a dry run, and when it would change
something the file waits in ``roster_uploads`` under a random id), then applied or discarded exactly
once (``apply_upload`` / ``discard_upload``: a compare-and-set on the upload's status).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from typing import Any

from core.model import Actor, Employee, RosterUpload, SlackLink, UploadStatus, WeeklyAvailability
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services import audit, authz
from core.services.roster_csv import DAY_COLUMNS, RosterFileError, read_roster, write_roster, yes_no
from core.services.roster_rows import RosterState, RowPlan, judge_row

__all__ = ["RosterReport", "RosterService", "RowIssue", "RowOutcome", "RowStatus", "StagedUpload",
           "UploadDecision", "UploadResult"]

UPLOAD_TTL = timedelta(hours=24)
"""A staged upload older than this is not applied: the roster may have changed since its check."""
MAX_UPLOAD_ID = 64
MAX_FILE_NAME = 200
DEFAULT_FILE_NAME = "roster.csv"


class RowStatus(StrEnum):
    """What happened (or, in a dry run or a rejected file, would happen) to a row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowIssue:
    """Why a row was rejected: the column at fault (None for the row as a whole) and the reason."""

    column: str | None
    message: str


@dataclass
class RowOutcome:
    """What happened (or would happen) to one row of the file."""

    row: int
    status: RowStatus
    employee_id: str | None = None
    changes: list[str] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)


@dataclass
class RosterReport:
    """The result of a roster import; ``render()`` is the text shown to the manager."""

    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """File-level problems (size, encoding, header): nothing was read row by row."""
    dry_run: bool = False
    applied: bool = False

    def count(self, status: RowStatus) -> int:
        """How many rows ended with ``status``."""
        return sum(1 for r in self.rows if r.status is status)

    @property
    def rejected(self) -> list[RowOutcome]:
        """Rows that were refused, in file order."""
        return [r for r in self.rows if r.status is RowStatus.REJECTED]

    @property
    def ok(self) -> bool:
        """No file problem and no rejected row."""
        return not self.problems and not self.rejected

    @property
    def has_changes(self) -> bool:
        """Applying would create or update at least one row."""
        return bool(self.count(RowStatus.CREATED) or self.count(RowStatus.UPDATED))

    def render(self) -> str:
        """Counts, then every rejected row with its reasons, then what was applied."""
        if self.problems:
            return "\n".join(["Roster file rejected:", *(f"  - {p}" for p in self.problems),
                              "Nothing applied."])
        counts = ", ".join(f"{self.count(s)} {s.value}" for s in RowStatus)
        lines = [f"Roster import{' (dry run)' if self.dry_run else ''}: {len(self.rows)} row(s): {counts}."]
        for r in self.rejected:
            for issue in r.issues:
                where = f"row {r.row}" + (f", column {issue.column}" if issue.column else "")
                lines.append(f"  - {where}: {issue.message}")
        for r in self.rows:
            if r.status in (RowStatus.CREATED, RowStatus.UPDATED):
                detail = f" ({', '.join(r.changes)})" if r.status is RowStatus.UPDATED else ""
                lines.append(f"  row {r.row}: {r.employee_id} {r.status.value}{detail}")
        if self.rejected:
            lines.append("Nothing applied: fix the rejected rows and import the file again.")
        elif self.dry_run:
            lines.append("Dry run: nothing applied.")
        elif self.count(RowStatus.CREATED) or self.count(RowStatus.UPDATED):
            lines.append("Applied.")
        else:
            lines.append("Nothing to change: the roster already matches the file.")
        return "\n".join(lines)


class UploadResult(StrEnum):
    """How an Apply or Discard of a staged upload ended."""

    DONE = "done"
    GONE = "gone"
    """Unknown, of another store, already decided, or (for Apply) expired: nothing changed."""
    TAKEN = "taken"
    """Another click decided it first: nothing changed."""


@dataclass(frozen=True)
class StagedUpload:
    """The dry-run report of an uploaded file and, when it can be applied, the waiting upload."""

    report: RosterReport
    upload: RosterUpload | None = None


@dataclass(frozen=True)
class UploadDecision:
    """The outcome of Apply / Discard: the upload as it is now and, after Apply, the import report."""

    result: UploadResult
    upload: RosterUpload | None = None
    report: RosterReport | None = None


def _upload_summary(upload: RosterUpload) -> dict[str, Any]:
    """What the audit log keeps of an upload (never its content)."""
    return {"file_name": upload.file_name, "uploaded_by": upload.uploaded_by, "status": upload.status.value,
            "created_at": upload.created_at.isoformat(), "size": len(upload.content)}


class RosterService:
    """Roster import/export over one unit of work per call."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def import_csv(self, actor: Actor, data: bytes, *, dry_run: bool = False) -> RosterReport:
        """Judge every row of ``data`` and apply them all in one transaction, or none of them."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            report = self._import(uow, actor, data, dry_run=dry_run)
            if report.applied:
                uow.commit()
        return report

    def _import(self, uow: UnitOfWork, actor: Actor, data: bytes, *, dry_run: bool) -> RosterReport:
        report = RosterReport(dry_run=dry_run)
        try:
            rows = read_roster(data)
        except RosterFileError as exc:
            report.problems.append(str(exc))
            return report
        state = RosterState.load(uow, actor.store_id, rows)
        plans = [judge_row(state, row) for row in rows]
        for plan in plans:
            status = (RowStatus.REJECTED if plan.issues else RowStatus.CREATED if plan.before is None
                      else RowStatus.UPDATED if plan.changes else RowStatus.UNCHANGED)
            report.rows.append(RowOutcome(plan.row, status, plan.employee_id, list(plan.changes),
                                          [RowIssue(c, m) for c, m in plan.issues]))
        if report.rejected or dry_run:
            return report
        for plan in plans:
            self._apply(uow, actor, plan)
        report.applied = True
        return report

    def stage_upload(self, actor: Actor, name: str, data: bytes) -> StagedUpload:
        """Dry-run an uploaded file; when every row is acceptable and something would change, keep it
        (under a new random id) until a manager applies or discards it."""
        report = self.import_csv(actor, data, dry_run=True)
        if not (report.ok and report.has_changes):
            return StagedUpload(report)
        upload = RosterUpload(secrets.token_urlsafe(18), actor.slack_user_id,
                              name.strip()[:MAX_FILE_NAME] or DEFAULT_FILE_NAME, data, self._clock.now(),
                              store_id=actor.store_id)
        with self._uow_factory() as uow:
            uow.roster_uploads.add(upload)
            audit.record(uow, actor, "roster_upload.stage", "roster_upload", upload.id,
                         after=_upload_summary(upload), at=upload.created_at)
            uow.commit()
        return StagedUpload(report, upload)

    def pending_upload(self, actor: Actor, upload_id: str) -> RosterUpload | None:
        """The staged upload while it waits and has not expired; ``None`` otherwise."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            upload = self._upload_of(uow, actor, upload_id)
        return upload if upload is not None and self._applicable(upload) else None

    def apply_upload(self, actor: Actor, upload_id: str, *, dry_run: bool = False) -> UploadDecision:
        """Import the staged file once (``dry_run``: only judge it again, changing nothing).

        Of concurrent clicks exactly one applies; the others get ``TAKEN``. A file whose rows no
        longer pass (the roster changed since the check) applies nothing and ends ``REJECTED``.
        """
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            upload = self._upload_of(uow, actor, upload_id)
            if upload is None or not self._applicable(upload):
                return UploadDecision(UploadResult.GONE, upload)
            if dry_run:
                return UploadDecision(UploadResult.DONE, upload,
                                      self._import(uow, actor, upload.content, dry_run=True))
            if not uow.roster_uploads.transition(upload.id, [UploadStatus.PENDING], UploadStatus.APPLIED):
                return UploadDecision(UploadResult.TAKEN, upload)
            report = self._import(uow, actor, upload.content, dry_run=False)
            closed = self._close(uow, actor, upload,
                                 UploadStatus.APPLIED if report.applied else UploadStatus.REJECTED)
            uow.commit()
        return UploadDecision(UploadResult.DONE, closed, report)

    def discard_upload(self, actor: Actor, upload_id: str) -> UploadDecision:
        """Forget a staged file without applying it (once: a decided upload gives ``TAKEN``)."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            upload = self._upload_of(uow, actor, upload_id)
            if upload is None:
                return UploadDecision(UploadResult.GONE)
            if not uow.roster_uploads.transition(upload.id, [UploadStatus.PENDING], UploadStatus.DISCARDED):
                return UploadDecision(UploadResult.TAKEN, upload)
            closed = self._close(uow, actor, upload, UploadStatus.DISCARDED)
            uow.commit()
        return UploadDecision(UploadResult.DONE, closed)

    @staticmethod
    def _upload_of(uow: UnitOfWork, actor: Actor, upload_id: str) -> RosterUpload | None:
        if not upload_id or len(upload_id) > MAX_UPLOAD_ID:
            return None
        upload = uow.roster_uploads.get(upload_id)
        return upload if upload is not None and upload.store_id == actor.store_id else None

    def _applicable(self, upload: RosterUpload) -> bool:
        return upload.status is UploadStatus.PENDING and self._clock.now() - upload.created_at <= UPLOAD_TTL

    def _close(self, uow: UnitOfWork, actor: Actor, upload: RosterUpload,
               status: UploadStatus) -> RosterUpload:
        closed = replace(upload, status=status, content=b"")
        uow.roster_uploads.update(closed)
        verb = {UploadStatus.DISCARDED: "discard"}.get(status, "apply")
        audit.record(uow, actor, f"roster_upload.{verb}", "roster_upload", upload.id,
                     before=_upload_summary(upload), after=_upload_summary(closed), at=self._clock.now())
        return closed

    def _apply(self, uow: UnitOfWork, actor: Actor, plan: RowPlan) -> None:
        now = self._clock.now()
        if plan.after is not None and plan.after != plan.before:
            if plan.before is None:
                uow.employees.add(plan.after)
                audit.record(uow, actor, "roster.create", "employee", plan.after.id, after=plan.after, at=now)
            else:
                uow.employees.update(plan.after)
                audit.record(uow, actor, "roster.update", "employee", plan.after.id, before=plan.before,
                             after=plan.after, at=now)
        if plan.weekly_after is not None:
            self._set_weekly(uow, actor, plan.weekly_before, plan.weekly_after)
        for before, after in plan.links:
            self._set_link(uow, actor, before, after)

    def _set_weekly(self, uow: UnitOfWork, actor: Actor, before: WeeklyAvailability | None,
                    after: WeeklyAvailability) -> None:
        if before is None:
            uow.weekly_availability.add(after)
        else:
            uow.weekly_availability.update(after)
        audit.record(uow, actor, "roster.availability", "weekly_availability", after.employee_id,
                     before=before, after=after, at=self._clock.now())

    def _set_link(self, uow: UnitOfWork, actor: Actor, before: SlackLink | None, after: SlackLink) -> None:
        if before is None:
            uow.slack_links.add(after)
        else:
            uow.slack_links.update(after)
        audit.record(uow, actor, "roster.link", "slack_link", after.slack_user_id, before=before,
                     after=after, at=self._clock.now())

    def export_csv(self, actor: Actor) -> str:
        """The store's whole team as roster CSV (by name), ready to edit and import again."""
        authz.require(actor, authz.Action.EDIT_TEAM)
        with self._uow_factory() as uow:
            employees = sorted(uow.employees.list(store_id=actor.store_id),
                               key=lambda e: (e.name.casefold(), e.id))
            ids = {e.id for e in employees}
            weekly = {w.employee_id: w for w in uow.weekly_availability.list() if w.employee_id in ids}
            links: dict[str, str] = {}
            for link in sorted(uow.slack_links.list(), key=lambda x: x.slack_user_id):
                if link.employee_id in ids:
                    links.setdefault(link.employee_id, link.slack_user_id)
        return write_roster(_export_row(e, weekly.get(e.id), links.get(e.id)) for e in employees)


def _export_row(e: Employee, weekly: WeeklyAvailability | None, slack_user_id: str | None) -> dict[str, str]:
    days = weekly.days if weekly is not None else (True,) * 7
    row = {
        "employee_id": e.id, "name": e.name, "rep_id": e.rep_id or "", "email": e.email or "",
        "job_title": e.job_title.value, "active": yes_no(e.is_active), "slack_user_id": slack_user_id or "",
    }
    row.update({col: yes_no(bool(day)) for col, day in zip(DAY_COLUMNS, days, strict=True)})
    return row
