"""Domain entities of schedbot.

Plain dataclasses, no persistence or transport concerns. Every domain row belongs to a store
(``store_id``). Datetimes of work (``Assignment.start``) are naive *store-local wall-clock* times;
the store's timezone (``Store.timezone``) turns them into instants at the edges (Crossmark pushes,
Slack timestamps). Bookkeeping instants (``created_at``, ``decided_at`` …) are timezone-aware UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

DEFAULT_STORE_ID = 1


class JobTitle(StrEnum):
    EVENT_SPECIALIST = "Event Specialist"
    LEAD = "Lead Event Specialist"
    CLUB_SUPERVISOR = "Club Supervisor"
    JUICER_BARISTA = "Juicer Barista"


class EventType(StrEnum):
    CORE = "Core"
    JUICER = "Juicer"
    SUPERVISOR = "Supervisor"
    DIGITALS = "Digitals"
    FREEOSK = "Freeosk"
    OTHER = "Other"


class Role(StrEnum):
    """Slack-side permission role of a person (product.md §1)."""

    EMPLOYEE = "employee"
    LEAD = "lead"
    MANAGER = "manager"
    ADMIN = "admin"


class RotationType(StrEnum):
    JUICER = "juicer"
    PRIMARY_LEAD = "primary_lead"


class Condition(StrEnum):
    """MVRetail lifecycle states of an mPlan (R-STATE-1)."""

    UNSTAFFED = "Unstaffed"
    SCHEDULED = "Scheduled"
    STAFFED = "Staffed"
    CANCELED = "Canceled"
    IN_PROGRESS = "In Progress"
    PAUSED = "Paused"
    REISSUED = "Reissued"
    EXPIRED = "Expired"
    SUBMITTED = "Submitted"


class TimeOffStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    CANCELLED = "cancelled"


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    APPROVING = "approving"
    """One manager's approval is pushing to Crossmark; nobody else may decide the run meanwhile."""
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    EDITED = "edited"
    PUSHING = "pushing"
    """Claimed by an approval; its Crossmark changes are recorded as intents (the outbox)."""
    PUSHED = "pushed"
    PUSH_FAILED = "push_failed"
    REJECTED = "rejected"
    UNSCHEDULED = "unscheduled"


class UploadStatus(StrEnum):
    """Where a staged roster upload is: waiting, applied, refused at apply time, or discarded."""

    PENDING = "pending"
    APPLIED = "applied"
    REJECTED = "rejected"
    DISCARDED = "discarded"


EVENT_NUMBER_RE = re.compile(r"\d{6}")


@dataclass
class Store:
    id: int
    number: str
    name: str
    timezone: str = "America/Indiana/Indianapolis"


@dataclass
class Employee:
    id: str
    name: str
    store_id: int = DEFAULT_STORE_ID
    job_title: JobTitle = JobTitle.EVENT_SPECIALIST
    is_active: bool = True
    email: str | None = None
    phone: str | None = None
    termination_date: date | None = None
    rep_id: str | None = None
    """Crossmark numeric RepID (legacy ``external_id``); required to push a schedule."""
    crossmark_employee_id: str | None = None
    mv_retail_employee_number: str | None = None
    adult_beverage_trained: bool = False
    needs_review: bool = False

    def works_on(self, day: date) -> bool:
        """Active and not terminated on ``day``."""
        if not self.is_active:
            return False
        return self.termination_date is None or day <= self.termination_date


@dataclass
class Event:
    id: int
    mplan_id: int
    name: str
    start_date: date
    due_date: date
    """Inclusive last day of the window (product.md §5.2)."""
    store_id: int = DEFAULT_STORE_ID
    event_type: EventType = EventType.OTHER
    condition: Condition = Condition.UNSTAFFED
    location_mvid: str | None = None
    store_number: str | None = None
    store_name: str | None = None
    estimated_minutes: int | None = None
    sales_tools_url: str | None = None
    allow_auto_schedule: bool = True
    last_synced: datetime | None = None

    @property
    def event_number(self) -> str | None:
        """The 6-digit Walmart event number that pairs Core and Supervisor (R-TYPE-4)."""
        m = EVENT_NUMBER_RE.search(self.name)
        return m.group(0) if m else None


@dataclass
class Assignment:
    """A confirmed schedule row: an employee works an event from ``start`` (store-local)."""

    id: int
    event_id: int
    employee_id: str
    start: datetime
    store_id: int = DEFAULT_STORE_ID
    external_id: str | None = None
    """Crossmark scheduled-event id (``MVScheduledEvent.ID``), needed to unschedule."""
    sync_status: str = "synced"


@dataclass
class WeeklyAvailability:
    employee_id: str
    days: tuple[bool, bool, bool, bool, bool, bool, bool] = (True,) * 7
    """Monday .. Sunday."""


@dataclass
class DateAvailability:
    id: int
    employee_id: str
    day: date
    is_available: bool
    reason: str | None = None


@dataclass
class AvailabilityOverride:
    id: int
    employee_id: str
    start_date: date
    end_date: date
    days: tuple[bool | None, ...] = (None,) * 7
    """Monday .. Sunday; ``None`` means no override that weekday."""
    reason: str | None = None
    created_by: str | None = None


@dataclass
class TimeOff:
    id: int
    employee_id: str
    start_date: date
    end_date: date
    reason: str | None = None
    store_id: int = DEFAULT_STORE_ID


@dataclass
class TimeOffRequest:
    id: int
    employee_id: str
    start_date: date
    end_date: date
    reason: str | None = None
    store_id: int = DEFAULT_STORE_ID
    status: TimeOffStatus = TimeOffStatus.PENDING
    requested_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    created_at: datetime | None = None
    time_off_id: int | None = None


@dataclass
class RotationAssignment:
    weekday: int
    """0 = Monday .. 6 = Sunday."""
    rotation_type: RotationType
    employee_id: str
    store_id: int = DEFAULT_STORE_ID


@dataclass
class RotationException:
    id: int
    day: date
    rotation_type: RotationType
    employee_id: str
    reason: str | None = None
    store_id: int = DEFAULT_STORE_ID


@dataclass
class Holiday:
    id: int
    name: str
    day: date
    store_id: int = DEFAULT_STORE_ID
    is_recurring: bool = False
    recurring_month: int | None = None
    recurring_day: int | None = None
    is_active: bool = True
    notes: str | None = None

    def falls_on(self, day: date) -> bool:
        if not self.is_active:
            return False
        if self.day == day:
            return True
        return bool(self.is_recurring and self.recurring_month == day.month
                    and self.recurring_day == day.day)


@dataclass(frozen=True)
class CoreSlot:
    start: time
    lunch_begin: time
    lunch_end: time
    end: time


def _t(s: str) -> time:
    return time.fromisoformat(s)


@dataclass
class TimeSettings:
    """Event times and durations: data with one seed (product.md §5.4)."""

    core_slots: tuple[CoreSlot, ...] = (
        CoreSlot(_t("10:45"), _t("13:30"), _t("14:00"), _t("17:15")),
        CoreSlot(_t("11:15"), _t("14:15"), _t("14:45"), _t("17:45")),
        CoreSlot(_t("11:45"), _t("14:45"), _t("15:15"), _t("18:15")),
        CoreSlot(_t("12:15"), _t("15:45"), _t("16:15"), _t("18:45")),
    )
    juicer_production_time: time = time(9, 0)
    juicer_survey_time: time = time(17, 0)
    supervisor_time: time = time(12, 0)
    freeosk_time: time = time(10, 0)
    other_time: time = time(11, 0)
    digital_setup_slots: tuple[time, ...] = (_t("10:15"), _t("10:30"), _t("10:45"), _t("11:00"))
    digital_teardown_slots: tuple[time, ...] = (_t("18:00"), _t("18:15"), _t("18:30"), _t("18:45"))
    durations: dict[str, int] = field(default_factory=lambda: {
        EventType.CORE.value: 390,
        EventType.JUICER.value: 540,
        EventType.SUPERVISOR.value: 5,
        EventType.FREEOSK.value: 30,
        EventType.DIGITALS.value: 30,
        EventType.OTHER.value: 60,
    })
    juicer_survey_minutes: int = 30
    buffer_days: int = 3
    max_work_days_per_week: int = 6
    urgent_days: int = 3
    solver_seconds: float = 10.0


@dataclass
class SlackLink:
    """A Slack user of a workspace, their role and (optionally) the employee they are."""

    slack_user_id: str
    role: Role = Role.EMPLOYEE
    team_id: str | None = None
    store_id: int = DEFAULT_STORE_ID
    employee_id: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who performs an action, as resolved from a verified Slack request or the CLI."""

    slack_user_id: str
    role: Role
    employee_id: str | None = None
    store_id: int = DEFAULT_STORE_ID

    @property
    def label(self) -> str:
        return self.slack_user_id


SYSTEM_ACTOR = Actor(slack_user_id="system", role=Role.ADMIN)


@dataclass
class AuditEntry:
    id: int
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
    store_id: int = DEFAULT_STORE_ID


@dataclass
class SchedulerRun:
    id: int
    created_by: str
    created_at: datetime
    horizon_start: date
    horizon_end: date
    store_id: int = DEFAULT_STORE_ID
    options: dict[str, Any] = field(default_factory=dict)
    status: RunStatus = RunStatus.RUNNING
    solver_status: str | None = None
    gap: float | None = None
    wall_seconds: float | None = None
    counters: dict[str, Any] = field(default_factory=dict)
    decided_by: str | None = None
    decided_at: datetime | None = None
    error: str | None = None


@dataclass
class Proposal:
    id: int
    run_id: int
    event_id: int
    employee_id: str | None = None
    start: datetime | None = None
    status: ProposalStatus = ProposalStatus.PROPOSED
    reason_codes: list[str] = field(default_factory=list)
    reason_text: str | None = None
    bumps_assignment_id: int | None = None
    pair_key: str | None = None
    """Proposals sharing a pair key (Core + its Supervisor) are approved atomically."""
    error: str | None = None
    assignment_id: int | None = None


@dataclass
class PaperworkTemplate:
    id: int
    name: str
    path: str
    category: str  # "event" | "daily"
    display_order: int = 0
    is_active: bool = True
    store_id: int = DEFAULT_STORE_ID


@dataclass
class JobRun:
    job: str
    period: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"
    detail: str | None = None
    store_id: int = DEFAULT_STORE_ID


@dataclass
class SyncRun:
    id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    status: str = "running"
    store_id: int = DEFAULT_STORE_ID


@dataclass
class RosterUpload:
    """A roster CSV a manager uploaded, checked by a dry run and waiting for Apply or Discard.

    ``id`` is a random token (it travels in the Apply button); ``content`` is emptied once the upload
    is applied, rejected or discarded.
    """

    id: str
    uploaded_by: str
    file_name: str
    content: bytes
    created_at: datetime
    status: UploadStatus = UploadStatus.PENDING
    store_id: int = DEFAULT_STORE_ID


class IntentKind(StrEnum):
    """What a remote intent asks Crossmark to do."""

    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"


class IntentStatus(StrEnum):
    """Where a remote intent is. Only ``CONFIRMED``, ``FAILED`` and ``UNDONE`` are final."""

    PENDING = "pending"
    """Committed; not sent yet, or sent by a process that stopped before recording the answer."""
    CONFIRMED = "confirmed"
    """Crossmark holds the change (its answer, or its state read back)."""
    FAILED = "failed"
    """Crossmark refused it; nothing changed there."""
    UNKNOWN = "unknown"
    """Sent, outcome not known: Crossmark's state is read before anything else is done with it."""
    UNDONE = "undone"
    """It was confirmed, then reversed in Crossmark (its unit failed)."""


OPEN_INTENTS = (IntentStatus.PENDING, IntentStatus.UNKNOWN)


@dataclass
class RemoteIntent:
    """One Crossmark change of an approval, recorded before it is made (the outbox).

    A ``SCHEDULE`` intent pushes ``proposal_id``'s assignment (``external_id`` is the id Crossmark
    gave); an ``UNSCHEDULE`` intent deletes ``external_id`` (``assignment_id`` is the confirmed
    assignment it removes, or the proposal's own push when it reverses one).
    """

    id: int
    kind: IntentKind
    event_id: int
    store_id: int = DEFAULT_STORE_ID
    run_id: int | None = None
    proposal_id: int | None = None
    assignment_id: int | None = None
    employee_id: str | None = None
    start: datetime | None = None
    external_id: str | None = None
    status: IntentStatus = IntentStatus.PENDING
    attempts: int = 0
    error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
