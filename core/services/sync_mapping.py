"""How Crossmark's view of events and reps maps onto local rows (legacy-domain.md §4.1.3, §4.1.4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.model import Condition, Employee, Event, JobTitle
from core.ports import RemoteEvent, RemoteRep
from core.rules import detect_event_type

REMOTE_STAFFED = frozenset({Condition.SCHEDULED, Condition.STAFFED})
"""Conditions that mean a rep holds the event remotely."""


def parse_condition(text: str) -> Condition | None:
    """MVRetail's condition text as a ``Condition`` (case-insensitive), or None when unknown."""
    wanted = " ".join(text.split()).casefold()
    if wanted == "cancelled":
        wanted = "canceled"
    for c in Condition:
        if c.value.casefold() == wanted:
            return c
    return None


def event_from_remote(remote: RemoteEvent, existing: Event | None, *, store_id: int,
                      condition: Condition, synced_at: datetime) -> Event:
    """The local event for an mPlan: remote fields win, local-only fields are kept.

    MVRetail's ``endDate`` is the inclusive due date (product.md §5.2).
    """
    base = existing if existing is not None else Event(0, remote.mplan_id, remote.name, remote.start_date,
                                                       remote.end_date, store_id=store_id)
    return replace(base, name=remote.name, event_type=detect_event_type(remote.name),
                   start_date=remote.start_date, due_date=remote.end_date, condition=condition,
                   location_mvid=remote.location_id, store_name=remote.store_name,
                   sales_tools_url=remote.sales_tool_url, last_synced=synced_at)


def same_event(a: Event, b: Event) -> bool:
    """Equal apart from the sync timestamp."""
    return replace(a, last_synced=None) == replace(b, last_synced=None)


def employee_from_rep(rep: RemoteRep, existing: Employee | None, *, store_id: int,
                      new_id: str) -> Employee:
    """A new rep starts as an Event Specialist needing review; a known one gets its name and ids."""
    if existing is None:
        return Employee(new_id, rep.name.strip(), store_id, JobTitle.EVENT_SPECIALIST, rep_id=rep.rep_id,
                        crossmark_employee_id=rep.employee_id, mv_retail_employee_number=rep.rep_id,
                        needs_review=True)
    return replace(existing, name=rep.name.strip() or existing.name, rep_id=rep.rep_id,
                   mv_retail_employee_number=rep.rep_id,
                   crossmark_employee_id=rep.employee_id or existing.crossmark_employee_id)
