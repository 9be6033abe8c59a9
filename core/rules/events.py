"""Event naming rules: type detection, pairing keys, durations and allowed start times."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from core.model import Event, EventType, TimeSettings

_STRICT_PAIR_RE = re.compile(r"^\s*(\d{6})-(CORE|SUPERVISOR)-", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d{6}")


def detect_event_type(name: str) -> EventType:
    """R-TYPE-2: first match wins over the upper-cased name."""
    upper = name.upper()
    if "CORE" in upper:
        return EventType.CORE
    if "DIGITAL" in upper:
        return EventType.DIGITALS
    if "JUICER" in upper:
        return EventType.JUICER
    if "SUPERVISOR" in upper or "V2-SUPER" in upper or "SUPERVISO" in upper:
        return EventType.SUPERVISOR
    if "FREEOSK" in upper:
        return EventType.FREEOSK
    return EventType.OTHER


def event_number(name: str) -> str | None:
    """The first 6-digit run of the name: the Walmart event number (R-TYPE-4)."""
    m = _NUMBER_RE.search(name)
    return m.group(0) if m else None


def pair_key(event: Event) -> str | None:
    """Key shared by a Core and its Supervisor event, or None for other types."""
    if event.event_type not in (EventType.CORE, EventType.SUPERVISOR):
        return None
    return event_number(event.name)


def is_juicer_survey(event: Event) -> bool:
    """R-TYPE-3: a Juicer event whose name says SURVEY (and not production)."""
    upper = event.name.upper()
    production = "JUICER-PRODUCTION" in upper or "PRODUCTION-SPCLTY" in upper
    return event.event_type is EventType.JUICER and "SURVEY" in upper and not production


def digital_kind(event: Event) -> str:
    """'teardown', 'refresh' or 'setup' (the default) for a Digitals event."""
    upper = event.name.upper()
    if "TEARDOWN" in upper:
        return "teardown"
    if "REFRESH" in upper:
        return "refresh"
    return "setup"


def duration_minutes(settings: TimeSettings, event: Event) -> int:
    """Explicit estimate first, else the type's setting (product.md §5.4)."""
    if event.estimated_minutes:
        return event.estimated_minutes
    if is_juicer_survey(event):
        return settings.juicer_survey_minutes
    return settings.durations.get(event.event_type.value, 60)


def allowed_start_times(settings: TimeSettings, event: Event) -> tuple[time, ...]:
    """The start times a type may use without a manager override (R-TIME-11)."""
    match event.event_type:
        case EventType.CORE:
            return tuple(s.start for s in settings.core_slots)
        case EventType.JUICER:
            return (settings.juicer_survey_time,) if is_juicer_survey(event) else (
                settings.juicer_production_time,)
        case EventType.SUPERVISOR:
            base = datetime.combine(datetime.min.date(), settings.supervisor_time)
            return tuple((base + timedelta(minutes=5 * k)).time() for k in range(12))
        case EventType.FREEOSK:
            return (settings.freeosk_time,)
        case EventType.DIGITALS:
            if digital_kind(event) == "teardown":
                return settings.digital_teardown_slots
            return settings.digital_setup_slots
        case _:
            return (settings.other_time,)


def end_of(settings: TimeSettings, event: Event, start: datetime) -> datetime:
    return start + timedelta(minutes=duration_minutes(settings, event))


def core_slot_of(settings: TimeSettings, start: time) -> int | None:
    """Index of the Core slot starting at ``start``."""
    for i, slot in enumerate(settings.core_slots):
        if slot.start == start:
            return i
    return None
