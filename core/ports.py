"""Ports: what core needs from the outside world, as ``typing.Protocol`` s.

integrations/ implements them with real technology; tests/fakes implements them in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from core.model import (
    Assignment,
    AuditEntry,
    AvailabilityOverride,
    DateAvailability,
    Employee,
    Event,
    Holiday,
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

T = TypeVar("T")
K = TypeVar("K", contravariant=True)


class Repository(Protocol[T, K]):
    """Generic persistence of one entity. ``add`` assigns an id when the entity's id is 0."""

    def get(self, key: K) -> T | None: ...
    def add(self, obj: T) -> T: ...
    def add_many(self, objs: Sequence[T]) -> list[T]:
        """``add`` for each object, in order, in as few statements as the store allows (bulk loads)."""
        ...

    def update(self, obj: T) -> None: ...
    def update_many(self, objs: Sequence[T]) -> None:
        """``update`` for each object, in as few statements as the store allows."""
        ...

    def delete(self, key: K) -> None: ...
    def list(self, **where: Any) -> list[T]:
        """Rows whose attributes equal every ``where`` value (e.g. ``store_id=1``)."""
        ...


class EventRepository(Repository[Event, int], Protocol):
    def by_mplan(self, store_id: int, mplan_id: int) -> Event | None: ...
    def overlapping(self, store_id: int, start: date, end: date) -> list[Event]:
        """Events whose inclusive window intersects [start, end]."""
        ...


class AssignmentRepository(Repository[Assignment, int], Protocol):
    def between(self, store_id: int, start: date, end: date) -> list[Assignment]:
        """Assignments starting on a day in [start, end] (inclusive), ordered by start."""
        ...

    def for_event(self, event_id: int) -> list[Assignment]: ...


class ProposalRepository(Repository[Proposal, int], Protocol):
    def for_run(self, run_id: int) -> list[Proposal]: ...
    def transition(self, proposal_id: int, from_: Sequence[ProposalStatus],
                   to: ProposalStatus) -> bool:
        """Compare-and-set the status; True for exactly one of any concurrent callers."""
        ...


class RunRepository(Repository[SchedulerRun, int], Protocol):
    def transition(self, run_id: int, from_: Sequence[RunStatus], to: RunStatus) -> bool: ...


class RosterUploadRepository(Repository[RosterUpload, str], Protocol):
    def transition(self, upload_id: str, from_: Sequence[UploadStatus], to: UploadStatus) -> bool:
        """Compare-and-set the status; True for exactly one of any concurrent callers."""
        ...


class RemoteIntentRepository(Repository[RemoteIntent, int], Protocol):
    def for_proposals(self, proposal_ids: Sequence[int]) -> list[RemoteIntent]:
        """Intents of these proposals, oldest first."""
        ...

    def claim_attempt(self, intent_id: int, attempts: int, at: datetime) -> bool:
        """Count one more sending attempt if the intent still has ``attempts`` (compare-and-set):
        of two processes about to send the same intent, exactly one gets True."""
        ...


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> AuditEntry: ...
    def add_many(self, entries: Sequence[AuditEntry]) -> list[AuditEntry]: ...
    def list(self, **where: Any) -> list[AuditEntry]: ...


class SettingsRepository(Protocol):
    def get(self, store_id: int, key: str) -> str | None: ...
    def set(self, store_id: int, key: str, value: str, *, secret: bool = False) -> None: ...
    def all(self, store_id: int) -> dict[str, str]: ...


class JobLedger(Protocol):
    def claim(self, job: str, period: str, store_id: int) -> bool:
        """Insert the run-once row (ON CONFLICT DO NOTHING); True if this caller owns it."""
        ...

    def finish(self, job: str, period: str, store_id: int, status: str, detail: str | None) -> None: ...
    def last_runs(self, store_id: int) -> dict[str, tuple[str, str, datetime | None]]:
        """job -> (period, status, finished_at) of its most recent run."""
        ...


class ProcessedEvents(Protocol):
    def remember(self, event_id: str) -> bool:
        """Record a Slack event id; True if it was new (first delivery)."""
        ...


class EdrCache(Protocol):
    def get(self, store_id: int, event_number: str, max_age_hours: float) -> EdrReport | None: ...
    def put(self, store_id: int, report: EdrReport) -> None: ...
    def freshness(self, store_id: int) -> datetime | None:
        """When the newest cached report was fetched."""
        ...


@dataclass
class PacketPost:
    """Where the daily packet of one store and day went in Slack (at most one per store and day).

    A row without ``message_ts`` is a packet that is waiting (for a Retail Link code) to be posted
    to ``channel``.
    """

    store_id: int
    day: date
    channel: str | None = None
    message_ts: str | None = None
    file_id: str | None = None
    posted_at: datetime | None = None

    @property
    def posted(self) -> bool:
        """True once the packet message is in Slack."""
        return self.message_ts is not None


@dataclass(frozen=True)
class PostedPacket:
    """Where a packet went: channel, summary message ts, file id, and whether it replaced a post."""

    channel: str
    message_ts: str
    file_id: str
    replaced: bool
    recorded: bool


class PacketPostRepository(Protocol):
    def get(self, store_id: int, day: date) -> PacketPost | None: ...
    def save(self, post: PacketPost) -> None:
        """Insert or replace the row of ``(post.store_id, post.day)``."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls everything back."""

    stores: Repository[Store, int]
    employees: Repository[Employee, str]
    events: EventRepository
    assignments: AssignmentRepository
    weekly_availability: Repository[WeeklyAvailability, str]
    date_availability: Repository[DateAvailability, int]
    overrides: Repository[AvailabilityOverride, int]
    time_off: Repository[TimeOff, int]
    time_off_requests: Repository[TimeOffRequest, int]
    rotations: Repository[RotationAssignment, tuple[int, int, str]]
    rotation_exceptions: Repository[RotationException, int]
    holidays: Repository[Holiday, int]
    slack_links: Repository[SlackLink, str]
    audit: AuditRepository
    runs: RunRepository
    proposals: ProposalRepository
    templates: Repository[PaperworkTemplate, int]
    settings: SettingsRepository
    job_ledger: JobLedger
    sync_runs: Repository[SyncRun, int]
    edr_cache: EdrCache
    processed_events: ProcessedEvents
    packet_posts: PacketPostRepository
    roster_uploads: RosterUploadRepository
    intents: RemoteIntentRepository

    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def lock_employee(self, employee_id: str) -> None:
        """Serialise concurrent writers that schedule this employee (row lock on PostgreSQL)."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


# ---- remote side -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RemoteEvent:
    """An mPlan as MVRetail reports it (legacy-domain.md §4.1.3)."""

    mplan_id: int
    name: str
    location_id: str | None
    store_name: str | None
    start_date: date
    end_date: date
    condition: str
    schedule_start: datetime | None = None
    """Store-local wall time of the remote schedule, if any."""
    schedule_rep_id: str | None = None
    schedule_event_id: str | None = None
    staffed_reps: str | None = None
    sales_tool_url: str | None = None


@dataclass(frozen=True)
class RemoteRep:
    rep_id: str
    name: str
    employee_id: str | None = None
    """MVRetail employeeId (US######)."""


class CrossmarkPort(Protocol):
    """Crossmark MVRetail, as core needs it. Times are store-local wall times."""

    def schedule(self, event: Event, employee: Employee, start: datetime, end: datetime) -> str:
        """Push an assignment; returns the Crossmark scheduled-event id. Raises RemoteError."""
        ...

    def unschedule(self, scheduled_event_id: str) -> None: ...

    def reissue(self, event: Event, assignment: Assignment, employee: Employee, start: datetime,
                end: datetime, include_responses: bool) -> str: ...

    def scheduled_event_of(self, event: Event) -> str | None:
        """The scheduled-event id the mPlan holds now (any rep), or None when it is not scheduled."""
        ...

    def find_schedule(self, event: Event, employee: Employee, start: datetime) -> str | None:
        """The scheduled-event id if the remote already holds this assignment (after a lost reply)."""
        ...

    def planning_events(self, start: date, end: date) -> list[RemoteEvent]: ...
    def reps(self) -> list[RemoteRep]: ...
    def sales_tool(self, url: str) -> bytes | None: ...


@dataclass(frozen=True)
class EdrItem:
    item_number: str
    description: str
    gtin: str | None = None
    vendor_number: str | None = None
    dept_number: str | None = None
    dept_description: str | None = None


@dataclass(frozen=True)
class EdrReport:
    event_number: str
    name: str
    event_date: date | None
    event_type: str | None = None
    status: str | None = None
    locked: bool | None = None
    prep_instructions: str | None = None
    portion_instructions: str | None = None
    items: tuple[EdrItem, ...] = ()
    fetched_at: datetime | None = None


class RetailLinkPort(Protocol):
    def has_session(self) -> bool: ...
    def request_code(self) -> None:
        """Steps 1-3 of the login: password accepted, SMS code sent."""
        ...

    def submit_code(self, code: str) -> None:
        """Steps 4-6; raises InvalidInput on a wrong code."""
        ...

    def edr_report(self, event_number: str) -> EdrReport:
        """Raises NeedsMfaCode without a valid session."""
        ...

    def browse(self, start: date, end: date, store_number: str) -> list[EdrReport]: ...


class Notifier(Protocol):
    def notify_employee(self, store_id: int, employee_id: str, text: str) -> None: ...
    def notify_managers(self, store_id: int, text: str, *,
                        blocks: list[dict[str, Any]] | None = None) -> None: ...


class SecretBox(Protocol):
    def encrypt(self, plaintext: str) -> str: ...
    def decrypt(self, token: str) -> str: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware current instant."""
        ...


@dataclass(frozen=True)
class PacketEntry:
    """One assignment line of the daily schedule / one Core section of the packet."""

    start: datetime
    end: datetime
    employee_name: str
    event_name: str
    event_type: str
    event_number: str | None = None
    core_slot: tuple[str, str, str, str] | None = None
    """(start, lunch begin, lunch end, leave) as 'h:mm AM' when the Core starts at a known slot."""
    edr: EdrReport | None = None
    sales_tool_pdf: bytes | None = None
    sales_tool_problem: str | None = None


@dataclass(frozen=True)
class PacketData:
    store_number: str
    store_name: str
    day: date
    entries: tuple[PacketEntry, ...]
    """Every assignment of the day, by time."""
    event_templates: tuple[tuple[str, bytes], ...] = ()
    daily_templates: tuple[tuple[str, bytes], ...] = ()
    edr_note: str | None = None
    """Why EDR pages are missing (e.g. no Retail Link code by the deadline)."""
    generated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WeekRow:
    """One employee line of the weekly schedule: seven cell texts, Sunday .. Saturday."""

    employee_name: str
    job_title: str
    days: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"a week row needs 7 day cells, got {len(self.days)}")


@dataclass(frozen=True)
class WeekScheduleData:
    """The weekly schedule (Sunday .. Saturday) of a store, one row per employee."""

    store_name: str
    week_start: date
    """A Sunday."""
    rows: tuple[WeekRow, ...]

    def __post_init__(self) -> None:
        if self.week_start.weekday() != 6:
            raise ValueError(f"week_start must be a Sunday, got {self.week_start:%A %Y-%m-%d}")


@dataclass(frozen=True)
class EmployeeScheduleData:
    """Two weeks (from a Sunday) of one employee's assignments."""

    store_name: str
    employee_name: str
    start: date
    """A Sunday."""
    entries: tuple[PacketEntry, ...]

    def __post_init__(self) -> None:
        if self.start.weekday() != 6:
            raise ValueError(f"start must be a Sunday, got {self.start:%A %Y-%m-%d}")


class PacketRenderer(Protocol):
    def render(self, packet: PacketData) -> bytes:
        """The merged packet PDF."""
        ...

    def render_week(self, data: WeekScheduleData) -> bytes:
        """The weekly schedule PDF (Sunday .. Saturday, one row per employee, landscape)."""
        ...

    def render_employee(self, data: EmployeeScheduleData) -> bytes:
        """One employee's two-week schedule PDF."""
        ...


# ---- jobs ------------------------------------------------------------------------------------


def store_lock(store_id: int) -> str:
    """The lock of a store's jobs: jobs holding the same lock run one at a time, so one store's
    approvals and solver runs never overlap."""
    return f"store-{store_id}"


class RetryJob(Exception):
    """Raised by an idempotent job body to have the queue run it again later (with backoff)."""


class JobQueue(Protocol):
    """Durable (PostgreSQL) or in-process (SQLite) execution of named jobs after a request is
    answered. ``args`` must be JSON values; a job body may run more than once (after a crash or a
    ``RetryJob``), so it must be safe to repeat."""

    def enqueue(self, job: str, *, store_id: int, lock: str | None, args: dict[str, Any]) -> None:
        """Queue ``job`` for ``store_id``; jobs with the same ``lock`` never run at the same time
        (``None``: no lock). Returns once the job is recorded, not when it has run."""
        ...
