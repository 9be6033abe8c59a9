"""In-memory unit of work with the transaction semantics of the SQL one.

``FakeDatabase`` holds the committed state shared by every ``FakeUnitOfWork`` made over it. A unit
of work reads committed rows overlaid with its own pending changes (READ COMMITTED, as PostgreSQL);
its changes reach the database only on ``commit()``. Row locks emulate PostgreSQL: a unit of work
that updates, deletes, compare-and-sets or ``lock_employee`` s a row, or inserts a unique key, holds
that lock until it commits or rolls back, and another unit of work wanting the same lock waits.
Two units of work of one thread contending for a lock would deadlock forever on a real database;
here that raises ``RuntimeError`` at once. Foreign keys are not enforced.
"""


from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from core.errors import NotFound
from core.model import (
    AvailabilityOverride,
    DateAvailability,
    Employee,
    Holiday,
    PaperworkTemplate,
    RotationAssignment,
    RotationException,
    SlackLink,
    Store,
    SyncRun,
    TimeOff,
    TimeOffRequest,
    WeeklyAvailability,
)
from core.ports import (
    AssignmentRepository,
    AuditRepository,
    Clock,
    EdrCache,
    EventRepository,
    JobLedger,
    PacketPostRepository,
    ProcessedEvents,
    ProposalRepository,
    RemoteIntentRepository,
    Repository,
    RosterUploadRepository,
    RunRepository,
    SettingsRepository,
)
from tests.fakes.uow_repositories import (
    DELETED,
    LOCK_WAIT_SECONDS,
    SPECS,
    FakeAssignmentRepository,
    FakeAuditRepository,
    FakeEdrCache,
    FakeEventRepository,
    FakeJobLedger,
    FakePacketPostRepository,
    FakeProcessedEvents,
    FakeProposalRepository,
    FakeRemoteIntentRepository,
    FakeRepository,
    FakeRosterUploadRepository,
    FakeRunRepository,
    FakeSettingsRepository,
)

__all__ = ["FakeDatabase", "FakeRepository", "FakeUnitOfWork", "fake_uow_factory"]


class _UtcClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeDatabase:
    """Committed state shared by many ``FakeUnitOfWork`` s; seeded with the default store like the
    initial migration."""

    def __init__(self, *, clock: Clock | None = None, seed_default_store: bool = True) -> None:
        self.clock: Clock = clock or _UtcClock()
        self.tables: dict[str, dict[Hashable, Any]] = {name: {} for name in SPECS}
        self.next_ids: dict[str, int] = {name: 1 for name in SPECS}
        self.cond = threading.Condition()
        self.row_locks: dict[Hashable, FakeUnitOfWork] = {}
        if seed_default_store:
            self.tables["stores"][1] = Store(1, "8135", "Sam's Club 8135", "America/Indiana/Indianapolis")
            self.next_ids["stores"] = 2

    def allocate_id(self, table: str, explicit: int = 0) -> int:
        """Next id of ``table`` (like a sequence: never reused, even after a rollback)."""
        with self.cond:
            if explicit:
                self.next_ids[table] = max(self.next_ids[table], explicit + 1)
                return explicit
            value = self.next_ids[table]
            self.next_ids[table] = value + 1
            return value

    def snapshot(self, table: str) -> dict[Hashable, Any]:
        with self.cond:
            return dict(self.tables[table])


class FakeUnitOfWork:
    """One transaction over a ``FakeDatabase``; rolled back unless ``commit()`` is called."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db if db is not None else FakeDatabase()
        self.committed = False
        self._thread = threading.get_ident()
        self._pending: dict[str, dict[Hashable, Any]] = {}
        self._held: set[Hashable] = set()
        self.stores: Repository[Store, int] = FakeRepository(self, "stores")
        self.employees: Repository[Employee, str] = FakeRepository(self, "employees")
        self.events: EventRepository = FakeEventRepository(self, "events")
        self.assignments: AssignmentRepository = FakeAssignmentRepository(self, "assignments")
        self.weekly_availability: Repository[WeeklyAvailability, str] = FakeRepository(
            self, "weekly_availability")
        self.date_availability: Repository[DateAvailability, int] = FakeRepository(
            self, "date_availability")
        self.overrides: Repository[AvailabilityOverride, int] = FakeRepository(self, "overrides")
        self.time_off: Repository[TimeOff, int] = FakeRepository(self, "time_off")
        self.time_off_requests: Repository[TimeOffRequest, int] = FakeRepository(self, "time_off_requests")
        self.rotations: Repository[RotationAssignment, tuple[int, int, str]] = FakeRepository(
            self, "rotations")
        self.rotation_exceptions: Repository[RotationException, int] = FakeRepository(
            self, "rotation_exceptions")
        self.holidays: Repository[Holiday, int] = FakeRepository(self, "holidays")
        self.slack_links: Repository[SlackLink, str] = FakeRepository(self, "slack_links")
        self.audit: AuditRepository = FakeAuditRepository(self)
        self.runs: RunRepository = FakeRunRepository(self, "runs")
        self.proposals: ProposalRepository = FakeProposalRepository(self, "proposals")
        self.templates: Repository[PaperworkTemplate, int] = FakeRepository(self, "templates")
        self.settings: SettingsRepository = FakeSettingsRepository(self)
        self.job_ledger: JobLedger = FakeJobLedger(self)
        self.sync_runs: Repository[SyncRun, int] = FakeRepository(self, "sync_runs")
        self.edr_cache: EdrCache = FakeEdrCache(self)
        self.processed_events: ProcessedEvents = FakeProcessedEvents(self)
        self.packet_posts: PacketPostRepository = FakePacketPostRepository(self)
        self.roster_uploads: RosterUploadRepository = FakeRosterUploadRepository(self, "roster_uploads")
        self.intents: RemoteIntentRepository = FakeRemoteIntentRepository(self, "intents")

    def __enter__(self) -> Self:
        self.committed = False
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        """Publish pending changes to the database and release the row locks."""
        with self.db.cond:
            for table, changes in self._pending.items():
                rows = self.db.tables[table]
                for key, value in changes.items():
                    if value is DELETED:
                        rows.pop(key, None)
                    else:
                        rows[key] = value
            self._pending = {}
            self._release()
        self.committed = True

    def rollback(self) -> None:
        """Discard pending changes and release the row locks."""
        with self.db.cond:
            self._pending = {}
            self._release()

    def lock_employee(self, employee_id: str) -> None:
        """Hold the employee's row lock until this unit of work ends."""
        self.acquire(("pk", "employees", employee_id))
        if self.lookup("employees", employee_id) is None:
            raise NotFound(f"employee {employee_id!r} not found")

    def lookup(self, table: str, key: Hashable) -> Any:
        """The visible row of ``table`` with ``key``, or None (without copying the table)."""
        pending = self._pending.get(table, {})
        if key in pending:
            value = pending[key]
            return None if value is DELETED else value
        with self.db.cond:
            return self.db.tables[table].get(key)

    def visible(self, table: str) -> dict[Hashable, Any]:
        """Committed rows of ``table`` overlaid with this unit of work's pending changes."""
        rows = self.db.snapshot(table)
        for key, value in self._pending.get(table, {}).items():
            if value is DELETED:
                rows.pop(key, None)
            else:
                rows[key] = value
        return rows

    def write(self, table: str, key: Hashable, value: Any) -> None:
        """Stage a row (or its deletion) until commit."""
        self._pending.setdefault(table, {})[key] = value

    def acquire(self, lock: Hashable) -> None:
        """Take a row lock, waiting while another unit of work holds it."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        with self.db.cond:
            while True:
                holder = self.db.row_locks.get(lock)
                if holder is None or holder is self:
                    break
                if holder._thread == self._thread:
                    raise RuntimeError(f"lock {lock!r} is held by another unit of work of this thread "
                                       "(a real database would deadlock)")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"waited too long for lock {lock!r}")
                self.db.cond.wait(remaining)
            self.db.row_locks[lock] = self
            self._held.add(lock)

    def _release(self) -> None:
        for lock in self._held:
            if self.db.row_locks.get(lock) is self:
                del self.db.row_locks[lock]
        self._held = set()
        self.db.cond.notify_all()


def fake_uow_factory(db: FakeDatabase) -> Callable[[], FakeUnitOfWork]:
    """A ``UnitOfWorkFactory`` over one shared fake database."""
    return lambda: FakeUnitOfWork(db)
