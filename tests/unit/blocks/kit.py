"""A structural check of Block Kit payloads against Slack's published limits, and sample data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from core.model import Condition, Employee, Event, EventType, JobTitle
from core.services.query_models import DaySchedule, ScheduledRow, TimeSlot

UNSAFE = ("<!channel>", "<!here>", "<!everyone>", "\u202e", "\x00")


def _text(obj: dict[str, Any] | None) -> str:
    return str((obj or {}).get("text", ""))


def _element(element: dict[str, Any]) -> None:
    kind = element.get("type")
    if "action_id" in element:
        assert 0 < len(element["action_id"]) <= 255
    if kind == "button":
        assert len(_text(element["text"])) <= 75
        assert len(element.get("value", "")) <= 2000
    if kind == "static_select":
        groups = element.get("option_groups")
        options = [o for g in groups for o in g["options"]] if groups else element["options"]
        assert 0 < len(options) <= 100
        for o in options:
            assert len(_text(o["text"])) <= 75 and len(o["value"]) <= 150
    if kind == "checkboxes":
        assert 0 < len(element["options"]) <= 10


def check_blocks(blocks: Sequence[dict[str, Any]], max_blocks: int = 50) -> None:
    """Every limit that bites: block count, section text, fields, header, elements, options."""
    assert len(blocks) <= max_blocks, f"{len(blocks)} blocks"
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            assert 0 < len(_text(block["text"])) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(_text(f)) <= 2000 for f in block.get("fields", []))
            if "accessory" in block:
                _element(block["accessory"])
        elif kind == "header":
            assert 0 < len(_text(block["text"])) <= 150
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25
            for element in block["elements"]:
                _element(element)
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
        elif kind == "input":
            assert len(_text(block["label"])) <= 2000
            _element(block["element"])
        else:
            assert kind == "divider", kind


def check_modal(view: dict[str, Any]) -> None:
    """A modal view within its limits."""
    assert view["type"] == "modal"
    assert len(_text(view["title"])) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    check_blocks(view["blocks"], 100)


def all_text(blocks: Iterable[dict[str, Any]]) -> str:
    """Every string of the blocks, for ``in`` checks."""
    return json.dumps(list(blocks), ensure_ascii=False)


def assert_safe(blocks: Iterable[dict[str, Any]]) -> None:
    """No live Slack markup, direction override or NUL anywhere."""
    text = all_text(blocks)
    for bad in UNSAFE:
        assert bad not in text, bad


DAY = date(2025, 10, 1)


def person(n: int, title: JobTitle = JobTitle.EVENT_SPECIALIST, name: str | None = None) -> Employee:
    """Employee ``E{n}``."""
    return Employee(f"E{n:03d}", name or f"Person {n:03d}", job_title=title)


def event(n: int, name: str | None = None, event_type: EventType = EventType.CORE,
          condition: Condition = Condition.UNSTAFFED) -> Event:
    """Event ``n`` with a one-week window around DAY."""
    return Event(n, 31785000 + n, name or f"{600000 + n}-CORE-Sample {n}", DAY, DAY + timedelta(days=6),
                 event_type=event_type, condition=condition)


def row(n: int, start: time = time(10, 45), employee: str | None = None, event_name: str | None = None,
        on: date = DAY) -> ScheduledRow:
    """An assignment row."""
    when = datetime.combine(on, start)
    return ScheduledRow(n, n, event_name or f"{600000 + n}-CORE-Sample {n}", EventType.CORE,
                        Condition.SCHEDULED, f"E{n:03d}", employee or f"Person {n:03d}", when,
                        when + timedelta(minutes=390))


def day_with(rows: Sequence[ScheduledRow], on: date = DAY, **extra: Any) -> DaySchedule:
    """A day whose rows are grouped by start time."""
    slots: dict[time, list[ScheduledRow]] = {}
    for r in rows:
        slots.setdefault(r.start.time(), []).append(r)
    return DaySchedule(on, tuple(TimeSlot(t, tuple(rs)) for t, rs in sorted(slots.items())), **extra)
