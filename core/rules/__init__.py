"""Scheduling rules as data and pure functions (legacy-domain.md §2 with product.md §5)."""

from core.rules.availability import (
    availability_violation,
    day_blockers,
    holiday_on,
    rotation_employee,
    time_off_on,
)
from core.rules.events import (
    allowed_start_times,
    core_slot_of,
    detect_event_type,
    digital_kind,
    duration_minutes,
    end_of,
    event_number,
    is_juicer_survey,
    pair_key,
)
from core.rules.facts import Facts
from core.rules.roles import ROLE_MATRIX, at_least, title_allowed
from core.rules.validator import (
    Mode,
    PlanIndex,
    check,
    earliest_auto_day,
    hard,
    soft,
    validate_plan,
    week_start,
)
from core.rules.violations import Code, Violation

__all__ = [
    "ROLE_MATRIX", "Code", "Facts", "Mode", "PlanIndex", "Violation", "allowed_start_times",
    "at_least", "availability_violation", "check", "core_slot_of", "day_blockers",
    "detect_event_type", "digital_kind", "duration_minutes", "earliest_auto_day", "end_of",
    "event_number", "hard", "holiday_on", "is_juicer_survey", "pair_key", "rotation_employee",
    "soft", "time_off_on", "title_allowed", "validate_plan", "week_start",
]
