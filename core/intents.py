"""What an employee means by a direct message in plain words — deterministic, no LLM.

``parse_intent("time off 12/24-12/26 family trip", today)`` → ``TimeOffIntent`` with the dates and
the reason. The parser only reads; the Slack edge answers with a confirmation card and acts on a click.

Understood: time-off requests ("off friday", "can I have 12/24 off", "pto next mon-wed"), schedule
questions ("what am I working this week?", "am I working friday", "my schedule"), swap requests
("swap my saturday"), and help ("help", "hi", "?"). Anything else is ``HelpIntent(understood=False)``.
Dates come from ``core.textdates``; a week is Sunday to Saturday like the store's schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import InvalidInput
from core.textdates import parse_range

MAX_MESSAGE = 500
MAX_REASON = 200
MAX_DATE_WORDS = 6
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

TIME_OFF_WORDS = ("time off", "day off", "days off", "off", "pto", "vacation", "leave", "holiday")
SCHEDULE_WORDS = frozenset({"working", "work", "schedule", "scheduled", "shift", "shifts"})
SWAP_WORDS = frozenset({"swap", "trade", "switch", "cover"})
HELP_WORDS = frozenset({"help", "hi", "hello", "hey", "commands", "menu", "?", "what can you do"})
CANNOT_WORK = re.compile(r"\b(?:can't|cant|cannot|can not|won't|wont|unable to|not able to) "
                         r"(?:work|come in|make it|be in)\b")
QUESTION_STARTS = ("am i", "do i", "what", "when", "which", "where", "whats", "how")
FILLER = frozenset({"i", "im", "i'm", "am", "will", "be", "can", "could", "have", "take", "taking",
                    "request", "requesting", "need", "want", "would", "like", "please", "the", "a",
                    "my", "on", "for", "from", "of", "is", "it", "ok", "okay", "me", "get", "out"})
REASON_LEADS = frozenset({"for", "because", "due", "reason", "reason:", "-", "–", "—", ":", "to"})


@dataclass(frozen=True)
class TimeOffIntent:
    """Ask for time off from ``start`` to ``end`` (inclusive)."""

    start: date
    end: date
    reason: str | None = None


@dataclass(frozen=True)
class ScheduleIntent:
    """Show my assignments from ``start`` to ``end`` (read-only)."""

    start: date
    end: date
    label: str
    """How to name the period ("this week", "Fri 10/03")."""


@dataclass(frozen=True)
class SwapIntent:
    """Ask the managers to find someone to take my work on ``day``."""

    day: date


@dataclass(frozen=True)
class ClarifyIntent:
    """The kind of request is clear but a date is missing or unreadable."""

    kind: str
    """"time_off" or "swap"."""
    problem: str


@dataclass(frozen=True)
class HelpIntent:
    """Show what the bot understands; ``understood`` is False for text it could not read."""

    understood: bool = True
    problem: str | None = None


Intent = TimeOffIntent | ScheduleIntent | SwapIntent | ClarifyIntent | HelpIntent


@dataclass(frozen=True)
class _Found:
    start: date
    end: date
    first: int
    stop: int


def _words(text: str) -> tuple[list[str], list[str]]:
    """Original words (punctuation at the edges kept) and their matching keys."""
    originals = text.split()
    keys = [re.sub(r"'s$", "", w.lower().replace("’", "'").strip("?!.,;()\"")) for w in originals]
    return originals, keys


def week_of(day: date) -> tuple[date, date]:
    """The Sunday-to-Saturday week that holds ``day``."""
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)
    return sunday, sunday + timedelta(days=6)


def _week_phrase(keys: list[str], today: date) -> tuple[date, date, str, int, int] | None:
    for i in range(len(keys) - 1):
        if keys[i + 1] in ("week", "wk") and keys[i] in ("this", "next"):
            start, end = week_of(today + timedelta(days=7 if keys[i] == "next" else 0))
            return start, end, f"{keys[i]} week", i, i + 2
    return None


def _find_range(keys: list[str], today: date) -> _Found | None:
    """The first, longest run of words that reads as a date or a date range."""
    for first in range(len(keys)):
        if keys[first] in FILLER or not keys[first]:
            continue
        for stop in range(min(len(keys), first + MAX_DATE_WORDS), first, -1):
            try:
                start, end = parse_range(" ".join(keys[first:stop]), today)
            except InvalidInput:
                continue
            return _Found(start, end, first, stop)
    return None


def _has_phrase(keys: list[str], phrase: str) -> bool:
    parts = phrase.split()
    return any(keys[i:i + len(parts)] == parts for i in range(len(keys) - len(parts) + 1))


def _reason(originals: list[str], keys: list[str], found: _Found) -> str | None:
    rest = list(zip(originals[found.stop:], keys[found.stop:], strict=True))
    while rest and (rest[0][1] in REASON_LEADS or rest[0][1] in ("off", "pto")):
        rest.pop(0)
    text = " ".join(word for word, _ in rest).strip(" .!?")
    return text[:MAX_REASON] or None


def _is_question(joined: str, text: str) -> bool:
    return joined.startswith(QUESTION_STARTS) or text.rstrip().endswith("?")


def _schedule(keys: list[str], today: date) -> ScheduleIntent:
    week = _week_phrase(keys, today)
    if week is not None:
        return ScheduleIntent(week[0], week[1], week[2])
    found = _find_range(keys, today)
    if found is None:
        start, end = week_of(today)
        return ScheduleIntent(start, end, "this week")
    if found.start == found.end:
        label = "today" if found.start == today else f"{found.start:%a %m/%d}"
    else:
        label = f"{found.start:%a %m/%d}–{found.end:%a %m/%d}"
    return ScheduleIntent(found.start, found.end, label)


def _time_off(originals: list[str], keys: list[str], today: date) -> Intent:
    week = _week_phrase(keys, today)
    if week is not None:
        found = _Found(week[0], week[1], week[3], week[4])
    else:
        maybe = _find_range(keys, today)
        if maybe is None:
            return ClarifyIntent("time_off", "Which days? For example `off fri` or "
                                             "`time off 12/24-12/26 family trip`.")
        found = maybe
    return TimeOffIntent(found.start, found.end, _reason(originals, keys, found))


def _swap(keys: list[str], today: date) -> Intent:
    found = _find_range(keys, today)
    if found is None:
        return ClarifyIntent("swap", "Which day? For example `swap my saturday` or `swap 12/24`.")
    return SwapIntent(found.start)


def parse_intent(text: str, today: date) -> Intent:
    """What a direct message asks for, relative to the store's ``today``."""
    if len(text) > MAX_MESSAGE:
        return HelpIntent(False, f"That message is too long for me (over {MAX_MESSAGE} characters).")
    if CONTROL.search(text):
        return HelpIntent(False, "That message contains characters I can't read.")
    originals, keys = _words(text.strip())
    kept = [(o, k) for o, k in zip(originals, keys, strict=True) if k]
    originals, keys = [o for o, _ in kept], [k for _, k in kept]
    joined = " ".join(keys)
    if not keys:
        return HelpIntent(True) if "?" in text else HelpIntent(False)
    if joined in HELP_WORDS or keys[0] == "help":
        return HelpIntent(True)
    if any(k in SWAP_WORDS for k in keys):
        return _swap(keys, today)
    cannot = bool(CANNOT_WORK.search(joined))
    question = not cannot and (_is_question(joined, text) or joined.startswith("my "))
    asks_schedule = not cannot and any(k in SCHEDULE_WORDS for k in keys)
    asks_off = cannot or any(_has_phrase(keys, w) for w in TIME_OFF_WORDS)
    if asks_schedule and (question or not asks_off):
        return _schedule(keys, today)
    if asks_off and question and not joined.startswith(("can i", "could i")):
        return _schedule(keys, today)
    if asks_off:
        return _time_off(originals, keys, today)
    return HelpIntent(False)
