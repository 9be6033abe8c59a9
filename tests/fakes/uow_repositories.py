"""Repositories of the in-memory unit of work (see ``tests.fakes.uow``)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from core.errors import Conflict, NotFound
from core.model import (
    Assignment,
    AuditEntry,
    AvailabilityOverride,
    DateAvailability,
    Employee,
    Event,
    Holiday,
    JobRun,
    PaperworkTemplate,
    Proposal,
    ProposalStatus,
    RemoteIntent,
    RosterUpload,
    RotationAssignment,
    RotationException,
    RunStatus,
    SchedulerRun,
    SlackLink,
    Store,
    SyncRun,
    TimeOff,
    TimeOffRequest,
    UploadStatus,
    WeeklyAvailability,
)
from core.ports import EdrReport, PacketPost

if TYPE_CHECKING:
    from tests.fakes.uow import FakeUnitOfWork

T = TypeVar("T")

DELETED = object()
LOCK_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class TableSpec:
    """How one table is keyed: its key function, its auto-increment id attribute, its unique keys,
    and the entity whose fields ``list(**where)`` may filter on."""

    key: Callable[[Any], Hashable]
    auto_id: str | None = None
    unique: tuple[tuple[str, ...], ...] = ()
    entity: type | None = None

    def filterable(self) -> frozenset[str]:
        """Field names accepted by ``list``: every dataclass field except weekday tuples."""
        if self.entity is None:
            return frozenset()
        return frozenset(f.name for f in dataclasses.fields(self.entity) if f.name != "days")


def _by(name: str) -> Callable[[Any], Hashable]:
    def key(obj: Any) -> Hashable:
        value: Hashable = getattr(obj, name)
        return value
    return key


def _rotation_key(obj: Any) -> Hashable:
    return (obj.store_id, obj.weekday, str(obj.rotation_type))


def _table(entity: type, key: str = "id", *unique: tuple[str, ...]) -> TableSpec:
    return TableSpec(_by(key), "id" if key == "id" and entity is not Employee else None, unique, entity)


SPECS: dict[str, TableSpec] = {
    "stores": _table(Store, "id", ("number",)),
    "employees": _table(Employee, "id", ("store_id", "rep_id"), ("store_id", "email")),
    "events": _table(Event, "id", ("store_id", "mplan_id")),
    "assignments": _table(Assignment),
    "weekly_availability": _table(WeeklyAvailability, "employee_id"),
    "date_availability": _table(DateAvailability, "id", ("employee_id", "day")),
    "overrides": _table(AvailabilityOverride),
    "time_off": _table(TimeOff),
    "time_off_requests": _table(TimeOffRequest),
    "rotations": TableSpec(_rotation_key, entity=RotationAssignment),
    "rotation_exceptions": _table(RotationException, "id", ("store_id", "day", "rotation_type")),
    "holidays": _table(Holiday),
    "slack_links": _table(SlackLink, "slack_user_id"),
    "audit": _table(AuditEntry),
    "runs": _table(SchedulerRun),
    "proposals": _table(Proposal),
    "templates": _table(PaperworkTemplate, "id", ("store_id", "name")),
    "sync_runs": _table(SyncRun),
    "settings": TableSpec(lambda row: (row[0], row[1])),
    "job_runs": TableSpec(lambda run: (run.store_id, run.job, run.period)),
    "processed_events": TableSpec(lambda row: row[0]),
    "edr_cache": TableSpec(lambda row: (row[0], row[1].event_number)),
    "packet_posts": TableSpec(lambda post: (post.store_id, post.day)),
    "roster_uploads": TableSpec(_by("id"), entity=RosterUpload),
    "intents": _table(RemoteIntent),
}


class FakeRepository(Generic[T]):
    """Dict-backed repository of one table inside one unit of work."""

    def __init__(self, uow: FakeUnitOfWork, table: str) -> None:
        self._uow = uow
        self._table = table
        self._spec = SPECS[table]

    def _rows(self) -> dict[Hashable, Any]:
        return self._uow.visible(self._table)

    def get(self, key: Any) -> T | None:
        """The row with primary key ``key``, as a copy."""
        row = self._uow.lookup(self._table, key)
        return copy.deepcopy(row) if row is not None else None

    def add(self, obj: T) -> T:
        """Insert ``obj``; an int id of 0 gets the next id. Returns the stored copy."""
        stored = copy.deepcopy(obj)
        if self._spec.auto_id is not None:
            current = getattr(stored, self._spec.auto_id)
            setattr(stored, self._spec.auto_id, self._uow.db.allocate_id(self._table, current))
        key = self._spec.key(stored)
        self._uow.acquire(("pk", self._table, key))
        if self._uow.lookup(self._table, key) is not None:
            raise Conflict(f"{self._table} {key!r} already exists")
        self._check_unique(stored, key)
        self._uow.write(self._table, key, stored)
        return copy.deepcopy(stored)

    def add_many(self, objs: Sequence[T]) -> list[T]:
        """``add`` each object in order; all or none, like the SQL one's SAVEPOINT."""
        staged = dict(self._uow._pending.get(self._table, {}))
        try:
            return [self.add(obj) for obj in objs]
        except Exception:
            self._uow._pending[self._table] = staged
            raise

    def update(self, obj: T) -> None:
        """Replace the stored row that has ``obj`` 's key; NotFound when there is none."""
        key = self._spec.key(obj)
        self._uow.acquire(("pk", self._table, key))
        if self._uow.lookup(self._table, key) is None:
            raise NotFound(f"{self._table} {key!r} not found")
        self._check_unique(obj, key)
        self._uow.write(self._table, key, copy.deepcopy(obj))

    def update_many(self, objs: Sequence[T]) -> None:
        """``update`` each object in order; all or none, like the SQL one's SAVEPOINT."""
        staged = dict(self._uow._pending.get(self._table, {}))
        try:
            for obj in objs:
                self.update(obj)
        except Exception:
            self._uow._pending[self._table] = staged
            raise

    def delete(self, key: Any) -> None:
        """Delete the row; deleting a missing row does nothing."""
        self._uow.acquire(("pk", self._table, key))
        if self._uow.lookup(self._table, key) is not None:
            self._uow.write(self._table, key, DELETED)

    def list(self, **where: Any) -> list[T]:
        """Rows whose attributes equal every ``where`` value, by primary key."""
        unknown = set(where) - self._spec.filterable()
        if unknown:
            raise TypeError(f"{self._table} has no filterable field {sorted(unknown)!r}")
        rows = self._rows()
        out = []
        for key in sorted(rows, key=_sort_key):
            row = rows[key]
            for name, value in where.items():
                if getattr(row, name) != value:
                    break
            else:
                out.append(copy.deepcopy(row))
        return out

    def _check_unique(self, obj: Any, key: Hashable) -> None:
        for columns in self._spec.unique:
            values = tuple(getattr(obj, c) for c in columns)
            if any(v is None for v in values):
                continue
            self._uow.acquire(("uq", self._table, columns, values))
            for other_key, other in self._rows().items():
                if other_key != key and tuple(getattr(other, c) for c in columns) == values:
                    raise Conflict(f"{self._table} {dict(zip(columns, values, strict=True))} already exists")


def _sort_key(key: Hashable) -> Any:
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in parts)


class FakeEventRepository(FakeRepository[Event]):
    def by_mplan(self, store_id: int, mplan_id: int) -> Event | None:
        """The event of this mPlan in the store."""
        found = self.list(store_id=store_id, mplan_id=mplan_id)
        return found[0] if found else None

    def overlapping(self, store_id: int, start: date, end: date) -> list[Event]:
        """Events whose inclusive window intersects [start, end], by window start."""
        found = [e for e in self.list(store_id=store_id) if e.start_date <= end and e.due_date >= start]
        return sorted(found, key=lambda e: (e.start_date, e.id))


class FakeAssignmentRepository(FakeRepository[Assignment]):
    def between(self, store_id: int, start: date, end: date) -> list[Assignment]:
        """Assignments starting on a day of [start, end], by start."""
        found = [a for a in self.list(store_id=store_id) if start <= a.start.date() <= end]
        return sorted(found, key=lambda a: (a.start, a.id))

    def for_event(self, event_id: int) -> list[Assignment]:
        """Assignments of one event, by start."""
        return sorted(self.list(event_id=event_id), key=lambda a: (a.start, a.id))


class _StatusCas(FakeRepository[T]):
    def _transition(self, key: Hashable, from_: Iterable[str], to: str) -> bool:
        self._uow.acquire(("pk", self._table, key))
        row = self._uow.lookup(self._table, key)
        if row is None or row.status not in set(from_):
            return False
        self._uow.write(self._table, key, replace(row, status=to))
        return True


class FakeProposalRepository(_StatusCas[Proposal]):
    def for_run(self, run_id: int) -> list[Proposal]:
        """Proposals of one run, by id."""
        return self.list(run_id=run_id)

    def transition(self, proposal_id: int, from_: Sequence[ProposalStatus], to: ProposalStatus) -> bool:
        """Compare-and-set the status (waits for a concurrent holder, as a row lock does)."""
        return self._transition(proposal_id, from_, to)


class FakeRunRepository(_StatusCas[SchedulerRun]):
    def transition(self, run_id: int, from_: Sequence[RunStatus], to: RunStatus) -> bool:
        """Compare-and-set the run status."""
        return self._transition(run_id, from_, to)


class FakeRosterUploadRepository(_StatusCas[RosterUpload]):
    def transition(self, upload_id: str, from_: Sequence[UploadStatus], to: UploadStatus) -> bool:
        """Compare-and-set the upload status (waits for a concurrent holder, as a row lock does)."""
        return self._transition(upload_id, from_, to)


class FakeRemoteIntentRepository(FakeRepository[RemoteIntent]):
    def for_proposals(self, proposal_ids: Sequence[int]) -> list[RemoteIntent]:
        """Intents of these proposals, oldest first."""
        wanted = set(proposal_ids)
        return sorted((i for i in self.list() if i.proposal_id in wanted), key=lambda i: i.id)

    def claim_attempt(self, intent_id: int, attempts: int, at: datetime) -> bool:
        """Compare-and-set the attempt count (waits for a concurrent holder, as a row lock does)."""
        self._uow.acquire(("pk", self._table, intent_id))
        row = self._uow.lookup(self._table, intent_id)
        if row is None or row.attempts != attempts:
            return False
        self._uow.write(self._table, intent_id, replace(row, attempts=attempts + 1, updated_at=at))
        return True


class FakeAuditRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._repo: FakeRepository[AuditEntry] = FakeRepository(uow, "audit")

    def add(self, entry: AuditEntry) -> AuditEntry:
        """Append an entry; returns it with its id."""
        return self._repo.add(entry)

    def add_many(self, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
        """Append entries in order."""
        return self._repo.add_many(entries)

    def list(self, **where: Any) -> list[AuditEntry]:
        """Entries matching every ``where`` value, oldest first."""
        return self._repo.list(**where)


class FakeSettingsRepository:
    """Settings as ``(store_id, key, value, is_secret)`` rows; secrets are kept as given (in memory)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_id: int, key: str) -> str | None:
        """The value of a setting, or None."""
        row = self._uow.lookup("settings", (store_id, key))
        return None if row is None else str(row[2])

    def set(self, store_id: int, key: str, value: str, *, secret: bool = False) -> None:
        """Insert or replace a setting."""
        self._uow.acquire(("pk", "settings", (store_id, key)))
        self._uow.write("settings", (store_id, key), (store_id, key, value, secret))

    def all(self, store_id: int) -> dict[str, str]:
        """Every setting of the store."""
        rows = self._uow.visible("settings").values()
        return {row[1]: row[2] for row in sorted(rows) if row[0] == store_id}


class FakeJobLedger:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def claim(self, job: str, period: str, store_id: int) -> bool:
        """Insert the run-once row; True if this caller owns it."""
        key = (store_id, job, period)
        self._uow.acquire(("pk", "job_runs", key))
        if self._uow.lookup("job_runs", key) is not None:
            return False
        self._uow.write("job_runs", key, JobRun(job, period, self._uow.db.clock.now(), store_id=store_id))
        return True

    def finish(self, job: str, period: str, store_id: int, status: str, detail: str | None) -> None:
        """Record the outcome of a claimed run."""
        key = (store_id, job, period)
        self._uow.acquire(("pk", "job_runs", key))
        run = self._uow.lookup("job_runs", key)
        if run is None:
            raise NotFound(f"job run {job} {period} not found")
        done = replace(run, status=status, detail=detail, finished_at=self._uow.db.clock.now())
        self._uow.write("job_runs", key, done)

    def last_runs(self, store_id: int) -> dict[str, tuple[str, str, datetime | None]]:
        """job -> (period, status, finished_at) of its most recently started run."""
        latest: dict[str, JobRun] = {}
        for run in self._uow.visible("job_runs").values():
            if run.store_id != store_id:
                continue
            seen = latest.get(run.job)
            if seen is None or (run.started_at, run.period) > (seen.started_at, seen.period):
                latest[run.job] = run
        return {job: (run.period, run.status, run.finished_at) for job, run in latest.items()}


class FakeProcessedEvents:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def remember(self, event_id: str) -> bool:
        """Record a Slack event id; True on its first delivery."""
        self._uow.acquire(("pk", "processed_events", event_id))
        if self._uow.lookup("processed_events", event_id) is not None:
            return False
        self._uow.write("processed_events", event_id, (event_id, self._uow.db.clock.now()))
        return True


class FakeEdrCache:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_id: int, event_number: str, max_age_hours: float) -> EdrReport | None:
        """The cached report if fetched within ``max_age_hours``."""
        row = self._uow.lookup("edr_cache", (store_id, event_number))
        if row is None:
            return None
        report: EdrReport = row[1]
        fetched = report.fetched_at
        if fetched is None or self._uow.db.clock.now() - fetched > timedelta(hours=max_age_hours):
            return None
        return report

    def put(self, store_id: int, report: EdrReport) -> None:
        """Cache a report; a missing ``fetched_at`` becomes now."""
        if report.fetched_at is None:
            report = replace(report, fetched_at=self._uow.db.clock.now())
        key = (store_id, report.event_number)
        self._uow.acquire(("pk", "edr_cache", key))
        self._uow.write("edr_cache", key, (store_id, report))

    def freshness(self, store_id: int) -> datetime | None:
        """When the newest cached report of the store was fetched."""
        times = [r.fetched_at for s, r in self._uow.visible("edr_cache").values()
                 if s == store_id and r.fetched_at is not None]
        return max(times, default=None)


class FakePacketPostRepository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_id: int, day: date) -> PacketPost | None:
        """The packet post of the store and day, if any (a copy)."""
        post = self._uow.lookup("packet_posts", (store_id, day))
        return None if post is None else replace(post)

    def save(self, post: PacketPost) -> None:
        """Insert or replace the row of ``(store_id, day)``."""
        key = (post.store_id, post.day)
        self._uow.acquire(("pk", "packet_posts", key))
        self._uow.write("packet_posts", key, replace(post))
