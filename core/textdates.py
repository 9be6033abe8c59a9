"""A deterministic parser for the dates and times people type in Slack (no LLM).

Dates: ``today``, ``tomorrow``, ``yesterday``, ISO ``2026-12-24``, ``12/24``, ``12/24/26``,
``12/24/2026``, ``12-24``, ``dec 24``, ``december 24th``, ``24 dec``, weekday names (``fri``,
``friday``: the next such day on or after today), ``next fri`` (that weekday in next Sunday–Saturday
week), ``this fri``. Ranges: ``A-B``, ``A – B``, ``A to B``, ``A through B``, ``A thru B``,
``from A to B``. Times: ``10:45``, ``10:45am``, ``1pm``, ``13:00``, ``noon``.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from core.errors import InvalidInput

WEEKDAYS = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
            "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
            "sat": 5, "saturday": 5, "sun": 6, "sunday": 6}
MONTHS = {"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
          "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
          "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
          "dec": 12, "december": 12}
MAX_INPUT = 200
PAST_TOLERANCE_DAYS = 60
"""A month/day without a year more than this many days ago means next year's."""

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MDY = re.compile(r"^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?$")
_MON_D = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_D_MON = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_RANGE_SEP = re.compile(r"\s*(?:\s(?:to|through|thru|until|till)\s|[–—]|\s-\s)\s*")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a|p)?$")


def _clean(text: str) -> str:
    if len(text) > MAX_INPUT:
        raise InvalidInput("That is too long to be a date.", {"date": "Too long"})
    if any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in text):
        raise InvalidInput("That text contains control characters.", {"date": "Invalid characters"})
    return " ".join(text.strip().lower().replace(",", " ").split())


def _make(y: int, m: int, d: int, original: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise InvalidInput(f"{original!r} is not a real date.", {"date": "Not a real date"}) from None


def _year_for(m: int, d: int, today: date, original: str) -> date:
    candidate = _make(today.year, m, d, original) if not (m == 2 and d == 29) else None
    if candidate is None:
        for y in range(today.year, today.year + 8):
            try:
                candidate = date(y, m, d)
                break
            except ValueError:
                continue
        if candidate is None:  # pragma: no cover - 29 Feb exists within 8 years
            raise InvalidInput(f"{original!r} is not a real date.", {"date": "Not a real date"})
    if (today - candidate).days > PAST_TOLERANCE_DAYS:
        return _make(candidate.year + 1, m, d, original)
    return candidate


def parse_date(text: str, today: date) -> date:
    """One date from what a person typed, relative to the store's ``today``."""
    s = _clean(text)
    if not s:
        raise InvalidInput("Please give a date.", {"date": "Required"})
    if s in ("today", "tod"):
        return today
    if s in ("tomorrow", "tmrw", "tmr", "tom"):
        return today + timedelta(days=1)
    if s == "yesterday":
        return today - timedelta(days=1)
    words = s.split()
    if len(words) == 2 and words[0] in ("next", "this") and words[1] in WEEKDAYS:
        target = WEEKDAYS[words[1]]
        if words[0] == "this":
            return today + timedelta(days=(target - today.weekday()) % 7)
        sunday_next = today + timedelta(days=7 - (today.weekday() + 1) % 7)
        return sunday_next + timedelta(days=(target + 1) % 7)
    if s in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[s] - today.weekday()) % 7)
    if m := _ISO.match(s):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _MDY.match(s):
        month, day = int(m[1]), int(m[2])
        if m[3] is None:
            if not 1 <= month <= 12:
                raise InvalidInput(f"{text!r} is not a real date.", {"date": "Not a real date"})
            return _year_for(month, day, today, text)
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _make(year, month, day, text)
    for rx, month_group, day_group in ((_MON_D, 1, 2), (_D_MON, 2, 1)):
        if (m := rx.match(s)) and m[month_group] in MONTHS:
            month, day = MONTHS[m[month_group]], int(m[day_group])
            if m[3]:
                return _make(int(m[3]), month, day, text)
            return _year_for(month, day, today, text)
    raise InvalidInput(f"I could not read {text.strip()!r} as a date — try 12/24, fri or 2026-12-24.",
                       {"date": "Not a date I understand"})


def parse_range(text: str, today: date) -> tuple[date, date]:
    """A date or an inclusive range ``A-B``; ``B`` before ``A`` is an error."""
    s = _clean(text)
    s = re.sub(r"^from\s+", "", s)
    parts = _split_range(s)
    start = parse_date(parts[0], today)
    if len(parts) == 1:
        return start, start
    end = parse_date(parts[1], start)
    if end < start:
        raise InvalidInput("The end date is before the start date.", {"end": "Before the start"})
    return start, end


def _split_range(s: str) -> list[str]:
    parts = _RANGE_SEP.split(s, maxsplit=1)
    if len(parts) == 2:
        return parts
    # "12/24-12/26" or "fri-sun": a dash between two date-like words with no spaces
    m = re.match(r"^([^\s-]+(?:/\d+)*)-([a-z]+|\d{1,2}/\d{1,2}(?:/\d{2,4})?)$", s)
    if m and not _MDY.match(s) and not _ISO.match(s):
        return [m[1], m[2]]
    return [s]


def split_leading_range(text: str, today: date) -> tuple[date, date, str]:
    """The longest leading date range of ``text`` and the rest (e.g. a reason)."""
    words = text.split()
    for n in range(min(len(words), 6), 0, -1):
        head = " ".join(words[:n])
        try:
            start, end = parse_range(head, today)
        except InvalidInput:
            continue
        return start, end, " ".join(words[n:])
    raise InvalidInput(f"I could not find a date in {text.strip()[:60]!r} — try 12/24-12/26 or fri.",
                       {"date": "No date found"})


def parse_time(text: str) -> time:
    """``10:45``, ``10:45am``, ``1pm``, ``13:00``, ``noon``."""
    s = _clean(text).replace(" ", "").replace(".", "")
    if s == "noon":
        return time(12, 0)
    m = _TIME.match(s)
    if not m:
        raise InvalidInput(f"I could not read {text.strip()!r} as a time — try 10:45 or 1pm.",
                           {"time": "Not a time I understand"})
    hour, minute, ampm = int(m[1]), int(m[2] or 0), m[3]
    if ampm:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"{text!r} is not a real time.", {"time": "Not a real time"})
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{text!r} is not a real time.", {"time": "Not a real time"})
    return time(hour, minute)
