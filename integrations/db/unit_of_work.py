"""``SqlUnitOfWork``: one database transaction exposing every repository of ``core.ports.UnitOfWork``."""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

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
    SecretBox,
    SettingsRepository,
)
from integrations.db import mappers
from integrations.db.ledgers import SqlEdrCache, SqlJobLedger, SqlProcessedEvents, SqlSettingsRepository
from integrations.db.packet_posts import SqlPacketPostRepository
from integrations.db.repositories import (
    SqlAssignmentRepository,
    SqlAuditRepository,
    SqlEventRepository,
    SqlProposalRepository,
    SqlRemoteIntentRepository,
    SqlRepository,
    SqlRosterUploadRepository,
    SqlRunRepository,
)
from integrations.db.tables import EmployeeRow


class UtcClock:
    """The system clock, in UTC."""

    def now(self) -> datetime:
        """The current instant."""
        return datetime.now(UTC)


class SqlUnitOfWork:
    """A transaction over a SQLAlchemy session; rolled back on exit unless ``commit()`` was called.

    The session opens on ``__enter__`` (or on first use). After ``commit()`` the unit of work may go
    on with a new transaction; leaving the ``with`` block discards anything not committed.
    """

    def __init__(self, session_factory: sessionmaker[Session], secret_box: SecretBox, *,
                 clock: Clock | None = None) -> None:
        self._session_factory = session_factory
        self._session_obj: Session | None = None
        self.committed = False
        clock = clock or UtcClock()
        s = self._session
        self.stores: Repository[Store, int] = SqlRepository(s, mappers.STORES)
        self.employees: Repository[Employee, str] = SqlRepository(s, mappers.EMPLOYEES)
        self.events: EventRepository = SqlEventRepository(s, mappers.EVENTS)
        self.assignments: AssignmentRepository = SqlAssignmentRepository(s, mappers.ASSIGNMENTS)
        self.weekly_availability: Repository[WeeklyAvailability, str] = SqlRepository(
            s, mappers.WEEKLY_AVAILABILITY)
        self.date_availability: Repository[DateAvailability, int] = SqlRepository(
            s, mappers.DATE_AVAILABILITY)
        self.overrides: Repository[AvailabilityOverride, int] = SqlRepository(s, mappers.OVERRIDES)
        self.time_off: Repository[TimeOff, int] = SqlRepository(s, mappers.TIME_OFF)
        self.time_off_requests: Repository[TimeOffRequest, int] = SqlRepository(s, mappers.TIME_OFF_REQUESTS)
        self.rotations: Repository[RotationAssignment, tuple[int, int, str]] = SqlRepository(
            s, mappers.ROTATIONS)
        self.rotation_exceptions: Repository[RotationException, int] = SqlRepository(
            s, mappers.ROTATION_EXCEPTIONS)
        self.holidays: Repository[Holiday, int] = SqlRepository(s, mappers.HOLIDAYS)
        self.slack_links: Repository[SlackLink, str] = SqlRepository(s, mappers.SLACK_LINKS)
        self.audit: AuditRepository = SqlAuditRepository(s)
        self.runs: RunRepository = SqlRunRepository(s, mappers.RUNS)
        self.proposals: ProposalRepository = SqlProposalRepository(s, mappers.PROPOSALS)
        self.templates: Repository[PaperworkTemplate, int] = SqlRepository(s, mappers.TEMPLATES)
        self.settings: SettingsRepository = SqlSettingsRepository(s, secret_box, clock)
        self.job_ledger: JobLedger = SqlJobLedger(s, clock)
        self.sync_runs: Repository[SyncRun, int] = SqlRepository(s, mappers.SYNC_RUNS)
        self.edr_cache: EdrCache = SqlEdrCache(s, clock)
        self.processed_events: ProcessedEvents = SqlProcessedEvents(s, clock)
        self.packet_posts: PacketPostRepository = SqlPacketPostRepository(s)
        self.roster_uploads: RosterUploadRepository = SqlRosterUploadRepository(s, mappers.ROSTER_UPLOADS)
        self.intents: RemoteIntentRepository = SqlRemoteIntentRepository(s, mappers.INTENTS)

    def _session(self) -> Session:
        if self._session_obj is None:
            self._session_obj = self._session_factory()
        return self._session_obj

    @property
    def session(self) -> Session:
        """The underlying session, for adapters that need tables beyond the ports."""
        return self._session()

    def __enter__(self) -> Self:
        self.committed = False
        self._session()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        session, self._session_obj = self._session_obj, None
        if session is not None:
            try:
                session.rollback()
            finally:
                session.close()

    def commit(self) -> None:
        """Commit the transaction."""
        self._session().commit()
        self.committed = True

    def rollback(self) -> None:
        """Discard everything since the last commit."""
        self._session().rollback()

    def lock_employee(self, employee_id: str) -> None:
        """Lock the employee row until the transaction ends (``SELECT … FOR UPDATE``).

        SQLite has no row locks; its transactions begin IMMEDIATE (see ``engine``), which already
        serialises writers, so there the row is only checked to exist.
        """
        table = EmployeeRow.__table__
        stmt = select(table.c.id).where(table.c.id == employee_id)
        session = self._session()
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        if session.execute(stmt).first() is None:
            raise NotFound(f"employee {employee_id!r} not found")
