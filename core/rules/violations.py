"""Violations with machine-readable codes and human reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    UNKNOWN_EMPLOYEE = "unknown_employee"
    INACTIVE = "inactive"
    TERMINATED = "terminated"
    ROLE = "no_eligible_role"
    NOT_PRIMARY_LEAD = "not_primary_lead"
    NOT_ROTATION = "not_rotation"
    CLUB_SUPERVISOR_CORE = "club_supervisor_core"
    TIME_OFF = "time_off"
    WEEKDAY = "unavailable_weekday"
    DATE_UNAVAILABLE = "unavailable_date"
    OVERRIDE = "unavailable_override"
    HOLIDAY = "holiday"
    CORE_SAME_DAY = "core_same_day"
    JUICER_CORE = "juicer_core_conflict"
    OVERLAP = "overlap"
    WEEK_CAP = "week_cap"
    OUTSIDE_WINDOW = "outside_window"
    BUFFER = "buffer"
    PAST = "in_the_past"
    TIME_NOT_ALLOWED = "time_not_allowed"
    SUPERVISOR_DAY = "supervisor_not_on_core_day"
    SUPERVISOR_IMPOSSIBLE = "supervisor_impossible"
    EVENT_CLOSED = "event_closed"
    NO_AUTO = "auto_schedule_disabled"


@dataclass(frozen=True)
class Violation:
    """One broken rule. ``hard`` refuses the change; soft ones need a confirmation.

    ``overridable`` hard violations may be overridden by a manager with a reason (product.md §5.5).
    """

    code: Code
    message: str
    hard: bool = True
    overridable: bool = False
