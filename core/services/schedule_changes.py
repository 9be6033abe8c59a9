"""Results of schedule changes and the messages that tell the people concerned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.model import Assignment, Event


@dataclass(frozen=True)
class AssignmentChange:
    """One event's assignment before and after a change (``None`` = not scheduled)."""

    event: Event
    before: Assignment | None
    after: Assignment | None


@dataclass(frozen=True)
class ScheduleResult:
    """What a scheduling action changed, with warnings for the manager."""

    changes: tuple[AssignmentChange, ...]
    warnings: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    """Employee id → name of everyone mentioned in ``changes``."""

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        """The assignments as they are now (created or changed)."""
        return tuple(c.after for c in self.changes if c.after is not None)

    @property
    def removed(self) -> tuple[Assignment, ...]:
        """Assignments that no longer exist."""
        return tuple(c.before for c in self.changes if c.before is not None and c.after is None)

    def summary(self) -> str:
        """One line per change, for a Slack reply."""
        return "\n".join(describe(c, self.names) for c in self.changes)


def when(start: datetime) -> str:
    """'Fri 10/03 at 10:45 AM' (store-local)."""
    return f"{start:%a %m/%d} at {start:%-I:%M %p}"


def describe(change: AssignmentChange, names: Mapping[str, str]) -> str:
    """A manager-facing line about one change."""
    name = change.event.name
    before, after = change.before, change.after
    if before is None and after is not None:
        return f"{name}: {names.get(after.employee_id, after.employee_id)}, {when(after.start)}"
    if after is None and before is not None:
        return f"{name}: unassigned (was {names.get(before.employee_id, before.employee_id)}, " \
               f"{when(before.start)})"
    if before is not None and after is not None:
        return (f"{name}: {names.get(after.employee_id, after.employee_id)}, {when(after.start)} "
                f"(was {names.get(before.employee_id, before.employee_id)}, {when(before.start)})")
    return name


def personal_notices(changes: tuple[AssignmentChange, ...], *, reissued: bool = False) -> dict[str, str]:
    """Employee id → the DM telling them how their schedule changed (one message per person)."""
    lines: dict[str, list[str]] = {}

    def say(employee_id: str, text: str) -> None:
        lines.setdefault(employee_id, []).append(text)

    for c in changes:
        name = c.event.name
        before, after = c.before, c.after
        if before is not None and (after is None or after.employee_id != before.employee_id):
            say(before.employee_id, f"You are no longer scheduled for {name} on {when(before.start)}.")
        if after is None:
            continue
        if before is None or before.employee_id != after.employee_id:
            verb = "reissued to you" if reissued else "scheduled"
            say(after.employee_id, f"You're {verb}: {name} on {when(after.start)}.")
        elif before.start != after.start:
            say(after.employee_id, f"{name} moved from {when(before.start)} to {when(after.start)}.")
        elif reissued:
            say(after.employee_id, f"{name} on {when(after.start)} was reissued to you.")
    return {emp: "\n".join(text) for emp, text in lines.items()}
