"""Events as people name them: a local id, an mPlan id, a Walmart event number (with a type), or words.

``EventRef`` is what was typed, already read (``bot.slack.parsing.parse_event_ref`` reads Slack text);
``resolve_event`` finds the one event of the store it names, or says why it cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.errors import InvalidInput, NotFound
from core.model import Event, EventType
from core.ports import UnitOfWork
from core.rules import event_number

EVENT_SEARCH_BACK_DAYS = 60
EVENT_SEARCH_AHEAD_DAYS = 365
MAX_CHOICES = 6
MAX_DESCRIBED = 60


class RefKind(StrEnum):
    """How an event reference names its event."""

    ID = "id"
    MPLAN = "mplan"
    NUMBER = "number"
    TEXT = "text"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class EventRef:
    """An event as someone named it."""

    kind: RefKind
    value: str
    event_type: EventType | None = None

    def describe(self) -> str:
        """How the reference reads in a message (raw: escape before showing)."""
        if self.kind is RefKind.ID:
            return f"#{self.value}"
        if self.kind is RefKind.NUMBER and self.event_type is not None:
            return f"{self.value} {self.event_type.value}"
        return shorten(self.value, MAX_DESCRIBED)


def _by_number(pool: list[Event], ref: EventRef) -> list[Event]:
    matches = [e for e in pool if event_number(e.name) == ref.value
               and (ref.event_type is None or e.event_type is ref.event_type)]
    cores = [e for e in matches if e.event_type is EventType.CORE]
    if len(matches) > 1 and ref.event_type is None and len(cores) == 1:
        return cores
    return matches


def _by_words(pool: list[Event], ref: EventRef) -> list[Event]:
    wanted = ref.value.casefold()
    words = wanted.split()
    return [e for e in pool if e.name.casefold() == wanted] or [
        e for e in pool if all(w in e.name.casefold() for w in words)]


def resolve_event(uow: UnitOfWork, store_id: int, ref: EventRef, today: date) -> Event:
    """The one event of the store that ``ref`` names; NotFound or "ambiguous" InvalidInput otherwise.

    Numbers and words are looked for among the events of the last 60 and the next 365 days.
    """
    if ref.kind is RefKind.ID:
        found = uow.events.get(int(ref.value))
        if found is None or found.store_id != store_id:
            raise NotFound(f"There is no event #{ref.value}.")
        return found
    if ref.kind is RefKind.MPLAN:
        by_mplan = uow.events.by_mplan(store_id, int(ref.value))
        if by_mplan is None:
            raise NotFound(f"There is no event with mPlan id {ref.value}.")
        return by_mplan
    pool = uow.events.overlapping(store_id, today - timedelta(days=EVENT_SEARCH_BACK_DAYS),
                                  today + timedelta(days=EVENT_SEARCH_AHEAD_DAYS))
    matches = _by_number(pool, ref) if ref.kind is RefKind.NUMBER else _by_words(pool, ref)
    if not matches:
        raise NotFound(f"No event matches {ref.describe()}. Try `/sched events {ref.describe()}`.")
    if len(matches) > 1:
        ranked = sorted(matches, key=lambda e: (e.due_date, e.id))
        shown = ", ".join(f"#{e.id} {shorten(e.name, MAX_DESCRIBED)}" for e in ranked[:MAX_CHOICES])
        more = f" and {len(ranked) - MAX_CHOICES} more" if len(ranked) > MAX_CHOICES else ""
        raise InvalidInput(f"{ref.describe()} matches {len(ranked)} events: {shown}{more}. Use the #id.",
                           {"event": "Ambiguous"})
    return matches[0]
