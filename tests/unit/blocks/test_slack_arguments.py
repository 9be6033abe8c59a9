"""Slack-side argument parsing (``bot.slack.parsing``): mentions, event references, trailing dates, echoes;
and the core look-ups they lead to (``core.services.event_refs.resolve_event``, ``employee_of_user``)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.slack.parsing import (
    clean_input,
    echo_safe,
    escape,
    is_mention,
    looks_like_date,
    looks_like_time,
    mention_user,
    parse_event_ref,
    plain,
    split_trailing_when,
    take_event_ref,
)
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.model import Employee, Event, EventType, SlackLink
from core.services.event_refs import EventRef, RefKind, resolve_event
from core.services.lookups import employee_of_user
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

TODAY = date(2025, 10, 1)


def test_escape_neutralises_markup_and_invisible_characters_but_keeps_plain_mentions() -> None:
    assert escape("<!channel> & <http://x|y>") == "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
    assert escape("hi <@U0ANN> in <#C0TEAM>") == "hi <@U0ANN> in <#C0TEAM>"
    assert escape("a\x00b\u202ec\u2066d\x1fe") == "abcde"
    assert escape("x" * 500, 10) == "x" * 9 + "…"


def test_slack_entities_in_command_text_are_read_as_typed() -> None:
    assert parse_event_ref(["Mom", "&amp;", "Pop", "&lt;3"]) == EventRef(RefKind.TEXT, "Mom & Pop <3")


def test_plain_text_gets_look_alike_brackets() -> None:
    assert plain("<!here>\u202e ok") == "‹!here› ok"


def test_clean_input_refuses_control_and_direction_characters_and_long_text() -> None:
    assert clean_input("  family   trip ", field="reason", max_length=20) == "family trip"
    for bad in ("a\x00b", "evil\u202etxt", "x\u2067y"):
        with pytest.raises(InvalidInput) as err:
            clean_input(bad, field="reason", max_length=20)
        assert set(err.value.fields) == {"reason"}
    with pytest.raises(InvalidInput, match="too long"):
        clean_input("y" * 21, field="reason", max_length=20)


def test_echo_safe_escapes_domain_errors_once() -> None:
    with pytest.raises(InvalidInput) as err, echo_safe(), echo_safe():
        raise InvalidInput("No event <!channel>", {"event": "<b>"})

    assert err.value.message == "No event &lt;!channel&gt;" and err.value.fields == {"event": "&lt;b&gt;"}


def test_echo_safe_lets_other_errors_through_untouched() -> None:
    with pytest.raises(PermissionDenied, match="Only a manager"), echo_safe():
        raise PermissionDenied("Only a manager or above may schedule.")
    with pytest.raises(KeyError), echo_safe():
        raise KeyError("<x>")


@pytest.mark.parametrize(("word", "user"), [
    ("<@U0ANN>", "U0ANN"), ("<@U0ANN|ann>", "U0ANN"), ("<@u0ann|ann>", "U0ANN"),
    ("<@W123ABC|x y>", "W123ABC"),
    ("@ann", None), ("<!channel>", None), ("<@U0ANN", None), ("<#C0TEAM|team>", None),
])
def test_mentions_are_read_case_insensitively(word: str, user: str | None) -> None:
    assert mention_user(word) == user
    assert is_mention(word) is (user is not None)


@pytest.mark.parametrize("word", [
    "fri", "Friday", "12/24", "2026-12-24", "next", "this", "dec", "24th", "12-24"])
def test_date_words_are_recognised(word: str) -> None:
    assert looks_like_date(word)


@pytest.mark.parametrize("word", ["week", "events", "<@U0ANN>", "pretzel", "123456", "help"])
def test_other_words_are_not_dates(word: str) -> None:
    assert not looks_like_date(word)


def test_times_need_a_colon_an_am_pm_or_noon() -> None:
    assert all(looks_like_time(w) for w in ("10:45", "10:45am", "1pm", "noon", "7a"))
    assert not any(looks_like_time(w) for w in ("12", "12/24", "fri", "core"))


@pytest.mark.parametrize(("words", "ref"), [
    (["#12"], EventRef(RefKind.ID, "12")),
    (["id:7"], EventRef(RefKind.ID, "7")),
    (["42"], EventRef(RefKind.ID, "42")),
    (["31785001"], EventRef(RefKind.MPLAN, "31785001")),
    (["mplan:9"], EventRef(RefKind.MPLAN, "9")),
    (["606001"], EventRef(RefKind.NUMBER, "606001")),
    (["606001", "core"], EventRef(RefKind.NUMBER, "606001", EventType.CORE)),
    (["606001-Supervisor"], EventRef(RefKind.NUMBER, "606001", EventType.SUPERVISOR)),
    (["super", "pretzel"], EventRef(RefKind.TEXT, "super pretzel")),
])
def test_event_references_parse(words: list[str], ref: EventRef) -> None:
    assert parse_event_ref(words) == ref


def test_take_event_ref_consumes_a_number_and_its_type() -> None:
    number = EventRef(RefKind.NUMBER, "606001", EventType.CORE)
    assert take_event_ref(["606001", "core", "606002"]) == (number, ["606002"])
    assert take_event_ref(["#3", "#4"]) == (EventRef(RefKind.ID, "3"), ["#4"])


def test_empty_or_hostile_references_are_refused() -> None:
    for words in ([], ["  "], ["x" * 101], ["a\u202eb"]):
        with pytest.raises(InvalidInput):
            parse_event_ref(words)


def test_trailing_date_and_time_are_split_off() -> None:
    assert split_trailing_when(["606001", "core", "fri", "10:45"], TODAY) == (
        ["606001", "core"], date(2025, 10, 3), time(10, 45))
    assert split_trailing_when(["pretzel", "next", "mon"], TODAY) == (["pretzel"], date(2025, 10, 6), None)
    assert split_trailing_when(["#3", "dec", "24", "11:15", "am"], TODAY) == (["#3"], date(2025, 12, 24),
                                                                             time(11, 15))
    assert split_trailing_when(["12/24"], TODAY, need_head=False) == ([], date(2025, 12, 24), None)


def test_a_missing_or_impossible_date_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Give a date"):
        split_trailing_when(["606001", "core"], TODAY)
    with pytest.raises(InvalidInput, match="not a real date"):
        split_trailing_when(["606001", "2/30"], TODAY)
    with pytest.raises(InvalidInput, match="not a real time"):
        split_trailing_when(["606001", "fri", "25:61"], TODAY)


def _store() -> FakeDatabase:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as uow:
        for n, (name, kind) in enumerate([("606001-CORE-Pretzel", EventType.CORE),
                                          ("606001-Supervisor-Pretzel", EventType.SUPERVISOR),
                                          ("606002-CORE-Cheese", EventType.CORE),
                                          ("606002-CORE-Cheese Again", EventType.CORE)], start=1):
            uow.events.add(Event(0, 31785000 + n, name, TODAY, date(2025, 10, 8), event_type=kind))
        uow.employees.add(Employee("E-ANN", "Ann Archer"))
        uow.slack_links.add(SlackLink("U0ANN", employee_id="E-ANN"))
        uow.slack_links.add(SlackLink("U0MGR"))
        uow.commit()
    return db


@pytest.mark.parametrize(("ref", "event_id"), [
    (EventRef(RefKind.ID, "2"), 2),
    (EventRef(RefKind.MPLAN, "31785003"), 3),
    (EventRef(RefKind.NUMBER, "606001"), 1),
    (EventRef(RefKind.NUMBER, "606001", EventType.SUPERVISOR), 2),
    (EventRef(RefKind.TEXT, "pretzel core"), 1),
    (EventRef(RefKind.TEXT, "606002-CORE-Cheese"), 3),
])
def test_references_resolve_to_one_event(ref: EventRef, event_id: int) -> None:
    with FakeUnitOfWork(_store()) as uow:
        assert resolve_event(uow, 1, ref, TODAY).id == event_id


@pytest.mark.parametrize(("ref", "error"), [
    (EventRef(RefKind.ID, "99"), NotFound),
    (EventRef(RefKind.MPLAN, "1"), NotFound),
    (EventRef(RefKind.NUMBER, "606009"), NotFound),
    (EventRef(RefKind.NUMBER, "606002"), InvalidInput),
    (EventRef(RefKind.TEXT, "cheese"), InvalidInput),
])
def test_unknown_or_ambiguous_references_are_refused(ref: EventRef, error: type[Exception]) -> None:
    with FakeUnitOfWork(_store()) as uow, pytest.raises(error):
        resolve_event(uow, 1, ref, TODAY)


def test_events_of_another_store_are_invisible() -> None:
    with FakeUnitOfWork(_store()) as uow, pytest.raises(NotFound):
        resolve_event(uow, 2, EventRef(RefKind.ID, "1"), TODAY)


def test_slack_users_map_to_their_employee() -> None:
    with FakeUnitOfWork(_store()) as uow:
        assert employee_of_user(uow, 1, "U0ANN").name == "Ann Archer"
        for user in ("U0MGR", "U0NOBODY"):
            with pytest.raises(NotFound, match="not linked"):
                employee_of_user(uow, 1, user)
