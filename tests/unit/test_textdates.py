"""The deterministic date/time parser: every documented form, bad input, year rollover, leap days."""

from __future__ import annotations

from datetime import date, time

import pytest

from core.errors import InvalidInput
from core.textdates import MAX_INPUT, parse_date, parse_range, parse_time, split_leading_range

WEDNESDAY = date(2025, 10, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("today", date(2025, 10, 1)),
    ("tod", date(2025, 10, 1)),
    ("Tomorrow", date(2025, 10, 2)),
    ("tmrw", date(2025, 10, 2)),
    ("tmr", date(2025, 10, 2)),
    ("tom", date(2025, 10, 2)),
    ("yesterday", date(2025, 9, 30)),
    ("2026-12-24", date(2026, 12, 24)),
    ("2025-1-5", date(2025, 1, 5)),
    ("12/24", date(2025, 12, 24)),
    ("12/24/26", date(2026, 12, 24)),
    ("12/24/2026", date(2026, 12, 24)),
    ("12-24", date(2025, 12, 24)),
    ("dec 24", date(2025, 12, 24)),
    ("Dec. 24", date(2025, 12, 24)),
    ("december 24th", date(2025, 12, 24)),
    ("24 dec", date(2025, 12, 24)),
    ("24th December", date(2025, 12, 24)),
    ("dec 24, 2026", date(2026, 12, 24)),
    ("sept 3", date(2025, 9, 3)),
    ("  FRI  ", date(2025, 10, 3)),
])
def test_each_documented_date_form_parses(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("wed", date(2025, 10, 1)),
    ("wednesday", date(2025, 10, 1)),
    ("thu", date(2025, 10, 2)),
    ("friday", date(2025, 10, 3)),
    ("sat", date(2025, 10, 4)),
    ("sun", date(2025, 10, 5)),
    ("mon", date(2025, 10, 6)),
    ("tue", date(2025, 10, 7)),
])
def test_a_weekday_is_the_next_such_day_on_or_after_today(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("next sun", date(2025, 10, 5)),
    ("next mon", date(2025, 10, 6)),
    ("next wed", date(2025, 10, 8)),
    ("next fri", date(2025, 10, 10)),
    ("next sat", date(2025, 10, 11)),
])
def test_next_weekday_is_that_day_of_next_sunday_to_saturday_week(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


def test_this_weekday_is_the_coming_one() -> None:
    assert parse_date("this fri", WEDNESDAY) == date(2025, 10, 3)
    assert parse_date("this wed", WEDNESDAY) == date(2025, 10, 1)


@pytest.mark.parametrize("text", [
    "12/24-12/26", "12/24 - 12/26", "12/24 – 12/26", "12/24—12/26", "12/24 to 12/26", "12/24 through 12/26",
    "12/24 thru 12/26", "from 12/24 to 12/26", "dec 24 to dec 26", "12/24 until 12/26",
])
def test_each_documented_range_form_parses(text: str) -> None:
    assert parse_range(text, WEDNESDAY) == (date(2025, 12, 24), date(2025, 12, 26))


def test_weekday_ranges_parse() -> None:
    assert parse_range("fri-sun", WEDNESDAY) == (date(2025, 10, 3), date(2025, 10, 5))


def test_a_single_date_is_a_one_day_range() -> None:
    assert parse_range("12/24", WEDNESDAY) == (date(2025, 12, 24), date(2025, 12, 24))


def test_a_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_range("12/26-12/24", WEDNESDAY)

    assert err.value.fields == {"end": "Before the start"}


def test_month_day_long_past_means_next_year() -> None:
    assert parse_date("8/1", WEDNESDAY) == date(2026, 8, 1)
    assert parse_date("9/3", WEDNESDAY) == date(2025, 9, 3)


def test_year_rolls_over_in_late_december() -> None:
    december = date(2025, 12, 20)

    assert parse_date("1/3", december) == date(2026, 1, 3)
    assert parse_date("jan 3", december) == date(2026, 1, 3)
    assert parse_date("12/1", december) == date(2025, 12, 1)
    assert parse_range("12/30-1/2", december) == (date(2025, 12, 30), date(2026, 1, 2))
    assert parse_date("next fri", date(2025, 12, 29)) == date(2026, 1, 9)
    assert parse_date("tomorrow", date(2025, 12, 31)) == date(2026, 1, 1)


def test_leap_day_without_a_year_is_the_next_leap_year() -> None:
    assert parse_date("2/29", WEDNESDAY) == date(2028, 2, 29)
    assert parse_date("feb 29", date(2028, 1, 10)) == date(2028, 2, 29)
    assert parse_date("2/29", date(2028, 3, 1)) == date(2028, 2, 29)


def test_leap_day_with_a_year_must_exist() -> None:
    assert parse_date("2024-02-29", WEDNESDAY) == date(2024, 2, 29)
    assert parse_date("2/29/2028", WEDNESDAY) == date(2028, 2, 29)
    for text in ("2025-02-29", "2/29/2025", "feb 29, 2027"):
        with pytest.raises(InvalidInput, match="not a real date"):
            parse_date(text, WEDNESDAY)


@pytest.mark.parametrize(("text", "field_message"), [
    ("", "Required"),
    ("   ", "Required"),
    ("2/30", "Not a real date"),
    ("13/1", "Not a real date"),
    ("0/5", "Not a real date"),
    ("2025-13-01", "Not a real date"),
    ("2025-04-31", "Not a real date"),
    ("dec 32", "Not a real date"),
    ("someday", "Not a date I understand"),
    ("next fortnight", "Not a date I understand"),
    ("12/24/123", "Not a date I understand"),
    ("x" * (MAX_INPUT + 1), "Too long"),
    ("12/24\x00", "Invalid characters"),
    ("\u202e12/24", "Invalid characters"),
    ("12/24\u2066", "Invalid characters"),
])
def test_bad_dates_are_refused_with_a_field_message(text: str, field_message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_date(text, WEDNESDAY)

    assert err.value.fields == {"date": field_message}


def test_range_with_a_bad_end_is_refused() -> None:
    with pytest.raises(InvalidInput):
        parse_range("12/24 to 12/40", WEDNESDAY)


def test_leading_range_is_split_from_the_reason() -> None:
    assert split_leading_range("12/24-12/26 family trip", WEDNESDAY) == (
        date(2025, 12, 24), date(2025, 12, 26), "family trip")
    assert split_leading_range("next fri dentist", WEDNESDAY) == (
        date(2025, 10, 10), date(2025, 10, 10), "dentist")
    assert split_leading_range("fri", WEDNESDAY) == (date(2025, 10, 3), date(2025, 10, 3), "")


def test_text_without_a_leading_date_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        split_leading_range("family trip soon", WEDNESDAY)

    assert err.value.fields == {"date": "No date found"}


@pytest.mark.parametrize(("text", "expected"), [
    ("10:45", time(10, 45)),
    ("10:45am", time(10, 45)),
    ("10:45 AM", time(10, 45)),
    ("1pm", time(13, 0)),
    ("1 p.m.", time(13, 0)),
    ("7a", time(7, 0)),
    ("13:00", time(13, 0)),
    ("noon", time(12, 0)),
    ("12am", time(0, 0)),
    ("12pm", time(12, 0)),
    ("0:00", time(0, 0)),
    ("23:59", time(23, 59)),
])
def test_each_documented_time_form_parses(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "field_message"), [
    ("25:00", "Not a real time"),
    ("10:60", "Not a real time"),
    ("13pm", "Not a real time"),
    ("0am", "Not a real time"),
    ("quarter past", "Not a time I understand"),
    ("", "Not a time I understand"),
    ("10:4", "Not a time I understand"),
])
def test_bad_times_are_refused(text: str, field_message: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_time(text)

    assert err.value.fields == {"time": field_message}


def test_control_characters_in_a_time_are_refused() -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        parse_time("10:45\x00")
