"""The plain-language DM parser: time off, schedule questions, swaps, help — and bad input."""

from __future__ import annotations

from datetime import date

import pytest

from core.intents import (
    MAX_MESSAGE,
    ClarifyIntent,
    HelpIntent,
    ScheduleIntent,
    SwapIntent,
    TimeOffIntent,
    parse_intent,
    week_of,
)

TODAY = date(2025, 10, 1)
"""A Wednesday."""
FRIDAY = date(2025, 10, 3)
SATURDAY = date(2025, 10, 4)


@pytest.mark.parametrize("text", ["off friday", "Off Friday", "I'm off friday", "i am off fri",
                                  "can I have friday off?", "day off fri", "pto friday",
                                  "I can't work friday", "cannot come in friday", "vacation friday"])
def test_ways_of_asking_for_one_day_off_read_as_that_day(text: str) -> None:
    assert parse_intent(text, TODAY) == TimeOffIntent(FRIDAY, FRIDAY, None)


def test_time_off_with_a_range_and_a_reason_keeps_the_reason_as_typed() -> None:
    intent = parse_intent("time off 12/24-12/26 family trip", TODAY)

    assert intent == TimeOffIntent(date(2025, 12, 24), date(2025, 12, 26), "family trip")


@pytest.mark.parametrize("text,start,end", [
    ("off 12/24 to 12/26", date(2025, 12, 24), date(2025, 12, 26)),
    ("off dec 24 - dec 26", date(2025, 12, 24), date(2025, 12, 26)),
    ("time off from 10/6 through 10/8", date(2025, 10, 6), date(2025, 10, 8)),
    ("off tomorrow", date(2025, 10, 2), date(2025, 10, 2)),
    ("off fri-sun", FRIDAY, date(2025, 10, 5)),
    ("off 2025-11-03", date(2025, 11, 3), date(2025, 11, 3)),
])
def test_time_off_understands_the_date_forms_of_textdates(text: str, start: date, end: date) -> None:
    intent = parse_intent(text, TODAY)

    assert isinstance(intent, TimeOffIntent)
    assert (intent.start, intent.end) == (start, end)


def test_time_off_next_week_is_the_whole_sunday_to_saturday_week() -> None:
    assert parse_intent("off next week", TODAY) == TimeOffIntent(date(2025, 10, 5), date(2025, 10, 11))


def test_reason_drops_the_words_that_only_introduce_it() -> None:
    intent = parse_intent("off tomorrow for a doctor appointment", TODAY)

    assert isinstance(intent, TimeOffIntent)
    assert intent.reason == "a doctor appointment"


def test_reason_is_cut_to_the_service_limit() -> None:
    intent = parse_intent("off fri " + "x" * 400, TODAY)

    assert isinstance(intent, TimeOffIntent)
    assert intent.reason is not None and len(intent.reason) == 200


def test_time_off_without_a_date_asks_which_days() -> None:
    intent = parse_intent("I need some time off", TODAY)

    assert isinstance(intent, ClarifyIntent)
    assert intent.kind == "time_off"


@pytest.mark.parametrize("text", ["what am I working this week?", "What am I working this week",
                                  "my schedule", "when do I work?", "schedule"])
def test_schedule_questions_default_to_this_week(text: str) -> None:
    assert parse_intent(text, TODAY) == ScheduleIntent(date(2025, 9, 28), date(2025, 10, 4), "this week")


def test_schedule_question_about_next_week() -> None:
    intent = parse_intent("what am i working next week", TODAY)

    assert intent == ScheduleIntent(date(2025, 10, 5), date(2025, 10, 11), "next week")


@pytest.mark.parametrize("text", ["am I working friday?", "am I off friday?", "what's my schedule friday"])
def test_a_question_about_one_day_shows_that_day_and_never_requests_time_off(text: str) -> None:
    assert parse_intent(text, TODAY) == ScheduleIntent(FRIDAY, FRIDAY, "Fri 10/03")


def test_schedule_question_about_today_is_labelled_today() -> None:
    assert parse_intent("what am I working today", TODAY) == ScheduleIntent(TODAY, TODAY, "today")


@pytest.mark.parametrize("text", ["swap my saturday", "can someone swap my sat shift?",
                                  "trade my saturday", "Swap my Saturday's shift"])
def test_swap_requests_name_the_day(text: str) -> None:
    assert parse_intent(text, TODAY) == SwapIntent(SATURDAY)


def test_swap_without_a_day_asks_which_day() -> None:
    intent = parse_intent("swap my shift", TODAY)

    assert isinstance(intent, ClarifyIntent)
    assert intent.kind == "swap"


@pytest.mark.parametrize("text", ["help", "Help me", "hi", "hello", "?", "what can you do"])
def test_greetings_and_help_get_the_help(text: str) -> None:
    assert parse_intent(text, TODAY) == HelpIntent(True)


@pytest.mark.parametrize("text", ["", "   ", "banana", "next week", "the weather is nice",
                                  "<!channel> hello everyone"])
def test_text_without_a_request_is_not_understood(text: str) -> None:
    intent = parse_intent(text, TODAY)

    assert isinstance(intent, HelpIntent)
    assert intent.understood is False


@pytest.mark.parametrize("text", ["off fri\x00", "off \u202efri", "off fri\u2066", "off\x1bfri"])
def test_control_and_direction_characters_are_refused(text: str) -> None:
    intent = parse_intent(text, TODAY)

    assert isinstance(intent, HelpIntent)
    assert intent.understood is False and intent.problem


def test_ten_thousand_characters_are_refused_without_parsing() -> None:
    intent = parse_intent("off fri " * 1250, TODAY)

    assert isinstance(intent, HelpIntent)
    assert intent.problem is not None and str(MAX_MESSAGE) in intent.problem


def test_impossible_dates_are_not_read_as_dates() -> None:
    assert isinstance(parse_intent("off 2/30", TODAY), ClarifyIntent)


def test_parsing_is_deterministic() -> None:
    texts = ["off friday", "what am I working this week?", "swap my saturday", "hi"]

    assert [parse_intent(t, TODAY) for t in texts] == [parse_intent(t, TODAY) for t in texts]


def test_week_of_runs_sunday_to_saturday() -> None:
    assert week_of(date(2025, 10, 5)) == (date(2025, 10, 5), date(2025, 10, 11))
    assert week_of(date(2025, 10, 4)) == (date(2025, 9, 28), date(2025, 10, 4))
