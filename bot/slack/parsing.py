"""Slack-side arguments: mentions, event references, trailing dates and times, safe echoes.

Text only: nothing here reads the database. Slack escapes a mention in a command as ``<@U123|ana>``.
An event is named by its local id (``#12``, ``id:12`` or a number of up to five digits), its mPlan id
(seven digits or more, or ``mplan:31785001``), its 6-digit Walmart event number optionally followed
by a type (``606001 core``, ``606001-supervisor``), or by words that all appear in its name; the
resulting ``EventRef`` is resolved by core (``QueryService.resolve_event``).

Everything a person typed that is shown back to them goes through ``escape`` first, so
``<!channel>`` and friends are displayed, never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, time

from core.errors import DomainError, InvalidInput
from core.model import EventType
from core.services.event_refs import EventRef, RefKind
from core.textdates import MONTHS, WEEKDAYS, parse_date, parse_time

MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>$", re.IGNORECASE)
KEPT_ENTITY = re.compile(r"&lt;(@[UW][A-Z0-9]{2,}|#C[A-Z0-9]{2,})&gt;")
UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
UNSAFE_INPUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
TIME_WORD = re.compile(r"^(\d{1,2}:\d{2}\s*(am|pm|a|p)?|\d{1,2}\s*(am|pm|a|p)|noon)$", re.IGNORECASE)
DATE_SHAPE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}([/-]\d{2,4})?|\d{1,2}(st|nd|rd|th)?)$")
DATE_WORDS = frozenset({"next", "this", "yesterday", "tod", "tmrw", "tmr", "tom"})
MAX_ECHO = 200
MAX_REF_TEXT = 100
MAX_ERROR_TEXT = 1500
MAX_FIELD_ERROR = 300
SAFE_MARK = "_schedbot_escaped"

TYPE_WORDS: dict[str, EventType] = {
    "core": EventType.CORE, "supervisor": EventType.SUPERVISOR, "sup": EventType.SUPERVISOR,
    "juicer": EventType.JUICER, "digital": EventType.DIGITALS, "digitals": EventType.DIGITALS,
    "freeosk": EventType.FREEOSK, "other": EventType.OTHER,
}
_NUMBER_TYPE = re.compile(r"^(\d{6})-([a-z]+)$")
_LOCAL_ID = re.compile(r"^(?:#|id:)(\d{1,9})$")
_MPLAN_ID = re.compile(r"^mplan:(\d{1,12})$")


def escape(text: str, limit: int | None = MAX_ECHO) -> str:
    """``text`` safe to show in mrkdwn: control and direction-override characters dropped, ``&``,
    ``<``, ``>`` escaped (plain user and channel mentions stay mentions), cut to ``limit``."""
    cleaned = UNSAFE_CHARS.sub("", text)
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return KEPT_ENTITY.sub(r"<\1>", escaped)


def unslack(text: str) -> str:
    """Command text as the person typed it: Slack sends ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def make_safe(error: DomainError) -> DomainError:
    """Escape a domain error's message and field messages in place (once) before anyone shows them."""
    if not getattr(error, SAFE_MARK, False):
        error.message = escape(error.message, MAX_ERROR_TEXT)
        if isinstance(error, InvalidInput):
            error.fields = {key: escape(value, MAX_FIELD_ERROR) for key, value in error.fields.items()}
        setattr(error, SAFE_MARK, True)
    return error


@contextmanager
def echo_safe() -> Iterator[None]:
    """Re-raise any ``DomainError`` of the block with its texts escaped (user text may be quoted)."""
    try:
        yield
    except DomainError as error:
        make_safe(error)
        raise


def plain(text: str) -> str:
    """``text`` for a ``plain_text`` object: control and direction-override characters dropped and
    angle brackets replaced by look-alikes, so nothing reads as Slack markup."""
    return UNSAFE_CHARS.sub("", text).replace("<", "‹").replace(">", "›")


def clean_input(text: str, *, field: str, max_length: int, what: str = "text") -> str:
    """Free text someone typed (a name, a reason), stripped; refuses control characters,
    direction overrides and text over ``max_length``."""
    if UNSAFE_INPUT.search(text):
        raise InvalidInput(f"The {what} contains control or text-direction characters.",
                           {field: "Remove the invisible control characters."})
    value = " ".join(text.split()) if "\n" not in text else text.strip()
    if len(value) > max_length:
        raise InvalidInput(f"The {what} is too long (at most {max_length} characters).",
                           {field: f"At most {max_length} characters."})
    return value


def mention_user(word: str) -> str | None:
    """The Slack user id of a ``<@U123|name>`` mention, else ``None``.

    Slack user ids are upper case; the ``/sched`` router lower-cases its first word, so the id is
    read case-insensitively and given back upper-cased.
    """
    found = MENTION.match(word.strip())
    return found.group(1).upper() if found else None


def is_mention(word: str) -> bool:
    """True for a Slack user mention."""
    return mention_user(word) is not None


def looks_like_date(word: str) -> bool:
    """True when ``word`` can start a date (``fri``, ``12/24``, ``2026-12-24``, ``next``, ``dec``)."""
    lowered = word.strip().lower().rstrip(".,")
    return (lowered in WEEKDAYS or lowered in MONTHS or lowered in DATE_WORDS
            or DATE_SHAPE.match(lowered) is not None)


def looks_like_time(word: str) -> bool:
    """True for ``10:45``, ``10:45am``, ``1pm`` or ``noon`` (a bare number is not a time)."""
    return TIME_WORD.match(word.strip()) is not None


def parse_event_ref(words: Sequence[str]) -> EventRef:
    """One event reference made of all ``words``."""
    text = unslack(" ".join(w.strip() for w in words if w.strip()))
    if not text:
        raise InvalidInput("Say which event (its #id, mPlan id, event number or part of its name).",
                           {"event": "Required"})
    text = clean_input(text, field="event", max_length=MAX_REF_TEXT, what="event name")
    lowered = text.lower()
    if found := _LOCAL_ID.match(lowered):
        return EventRef(RefKind.ID, str(int(found.group(1))))
    if found := _MPLAN_ID.match(lowered):
        return EventRef(RefKind.MPLAN, found.group(1))
    if lowered.isdigit():
        if len(lowered) == 6:
            return EventRef(RefKind.NUMBER, lowered)
        return EventRef(RefKind.MPLAN if len(lowered) >= 7 else RefKind.ID, str(int(lowered)))
    parts = lowered.split()
    if len(parts) == 2 and parts[0].isdigit() and len(parts[0]) == 6 and parts[1] in TYPE_WORDS:
        return EventRef(RefKind.NUMBER, parts[0], TYPE_WORDS[parts[1]])
    if (found := _NUMBER_TYPE.match(lowered)) and found.group(2) in TYPE_WORDS:
        return EventRef(RefKind.NUMBER, found.group(1), TYPE_WORDS[found.group(2)])
    return EventRef(RefKind.TEXT, text)


def take_event_ref(words: Sequence[str]) -> tuple[EventRef, list[str]]:
    """The event reference at the front of ``words`` (one word, or a number and a type) and the rest."""
    if not words:
        return parse_event_ref(()), []
    first = words[0].strip()
    if first.isdigit() and len(first) == 6 and len(words) > 1 and words[1].lower() in TYPE_WORDS:
        return parse_event_ref(words[:2]), list(words[2:])
    return parse_event_ref(words[:1]), list(words[1:])


def split_trailing_when(words: Sequence[str], today: date, *,
                        need_head: bool = True) -> tuple[list[str], date, time | None]:
    """Split ``… <date> [<time>]`` into the leading words, the date and the optional time.

    The date is the longest tail of at most three words that reads as a date; with ``need_head``
    at least one word must stay in front of it.
    """
    rest = [w for w in words if w.strip()]
    at: time | None = None
    if len(rest) >= 2 and rest[-1].lower() in ("am", "pm") and rest[-2][:1].isdigit():
        at = parse_time(rest[-2] + rest[-1])
        rest = rest[:-2]
    elif rest and looks_like_time(rest[-1]):
        at = parse_time(rest[-1])
        rest = rest[:-1]
    keep = 1 if need_head else 0
    for size in (3, 2, 1):
        if len(rest) - size < keep:
            continue
        try:
            return rest[:-size], parse_date(" ".join(rest[-size:]), today), at
        except InvalidInput:
            continue
    if len(rest) > keep and looks_like_date(rest[-1]):
        try:
            parse_date(rest[-1], today)
        except InvalidInput as err:
            raise InvalidInput(err.message, {"date": "Not a real date"}) from None
    raise InvalidInput("Give a date at the end, like `fri`, `12/24` or `2026-12-24`.",
                       {"date": "No date found"})


def parse_day_text(text: str, today: date) -> date:
    """The day named in a command (``core.textdates``: ISO, 12/24, fri, next mon …); empty is today."""
    return parse_date(text.strip() or "today", today)
