"""How the packet reads its entries: which are Core, in what order they print, how they are named."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.model import EventType
from core.ports import PacketEntry

TYPE_ORDER: dict[str, int] = {
    EventType.CORE.value.casefold(): 0,
    EventType.JUICER.value.casefold(): 1,
    EventType.SUPERVISOR.value.casefold(): 2,
    EventType.FREEOSK.value.casefold(): 3,
    EventType.DIGITALS.value.casefold(): 4,
    EventType.OTHER.value.casefold(): 5,
}


def is_core(entry: PacketEntry) -> bool:
    """True for a Core event entry (the ones that get EDR and sales-tool pages)."""
    return entry.event_type.casefold() == EventType.CORE.value.casefold()


def _type_rank(entry: PacketEntry) -> int:
    return TYPE_ORDER.get(entry.event_type.casefold(), len(TYPE_ORDER))


def schedule_order(entries: Iterable[PacketEntry]) -> list[PacketEntry]:
    """Entries by start time; at equal times Core, Juicer, Supervisor, Freeosk, Digitals, Other."""
    return sorted(entries, key=lambda e: (e.start, _type_rank(e), e.employee_name.casefold()))


def core_entries(entries: Iterable[PacketEntry]) -> list[PacketEntry]:
    """The Core entries in time order (stable for equal times)."""
    return sorted((e for e in entries if is_core(e)), key=lambda e: e.start)


def event_number_of(entry: PacketEntry) -> str | None:
    """The entry's 6-digit event number, from the entry itself or its EDR."""
    if entry.event_number:
        return entry.event_number
    return entry.edr.event_number if entry.edr is not None else None


def clock(moment: datetime) -> str:
    """'9:45 AM' (12-hour clock, no leading zero)."""
    return f"{moment:%I:%M %p}".lstrip("0")


def core_bookmark(entry: PacketEntry) -> str:
    """'<time> <event number> <employee>': the outline title of a Core section of the packet."""
    number = event_number_of(entry) or entry.event_name
    return f"{clock(entry.start)} {number} {entry.employee_name}"


def entry_text(entry: PacketEntry) -> str:
    """'10:45 AM - 5:15 PM' then the event name and type on their own lines."""
    return f"{clock(entry.start)} - {clock(entry.end)}\n{entry.event_name}\n({entry.event_type})"
