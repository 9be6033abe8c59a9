"""Event naming rules: type detection (R-TYPE-2), pairing keys (R-TYPE-4), durations, start times."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from core.model import Event, EventType, TimeSettings
from core.rules import (
    allowed_start_times,
    core_slot_of,
    detect_event_type,
    digital_kind,
    duration_minutes,
    end_of,
    event_number,
    is_juicer_survey,
    pair_key,
)
from tests.unit.rules.rule_facts import T


def _event(name: str, **kw: object) -> Event:
    return Event(1, 31785976, name, T, T, event_type=detect_event_type(name), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("606001-CORE-Super Pretzel", EventType.CORE),
        ("606034-core-lowercase", EventType.CORE),
        ("606034-CORE-Digital Coupon Demo", EventType.CORE),
        ("606002-DIGITAL SETUP-Signage", EventType.DIGITALS),
        ("Digital Teardown 606003", EventType.DIGITALS),
        ("Juicer-Production-SPCLTY", EventType.JUICER),
        ("Juicer Survey 17:00", EventType.JUICER),
        ("606001-Supervisor-Super Pretzel", EventType.SUPERVISOR),
        ("606001-V2-SUPER-Something", EventType.SUPERVISOR),
        ("606001-SUPERVISO-truncated", EventType.SUPERVISOR),
        ("Freeosk Kiosk Refill", EventType.FREEOSK),
        ("Club reset 505001", EventType.OTHER),
        ("", EventType.OTHER),
    ],
)
def test_event_type_is_detected_from_the_name_first_match_wins(name: str, expected: EventType) -> None:
    assert detect_event_type(name) is expected


def test_core_wins_over_digital_in_the_same_name() -> None:
    assert detect_event_type("606034-CORE-X DIGITAL") is EventType.CORE


def test_event_number_is_the_first_six_digit_run() -> None:
    assert event_number("606034-JJSF-Super Pretzel 1234567") == "606034"
    assert event_number("X 12345 no number") is None
    assert event_number("abc1234567") == "123456"


def test_core_and_supervisor_share_a_pairing_key_other_types_have_none() -> None:
    core = _event("606001-CORE-Super Pretzel")
    sup = _event("606001-Supervisor-Another Title")
    freeosk = _event("606001 Freeosk")
    assert pair_key(core) == pair_key(sup) == "606001"
    assert pair_key(freeosk) is None
    assert pair_key(_event("CORE without number")) is None


@pytest.mark.parametrize(
    ("name", "minutes"),
    [
        ("606001-CORE-X", 390),
        ("Juicer-Production-SPCLTY", 540),
        ("606001-Supervisor-X", 5),
        ("Freeosk", 30),
        ("Digital Setup", 30),
        ("Other work", 60),
        ("Juicer Survey", 30),
    ],
)
def test_durations_come_from_the_seeded_settings(name: str, minutes: int) -> None:
    assert duration_minutes(TimeSettings(), _event(name)) == minutes


def test_an_explicit_estimate_wins_over_the_type_duration() -> None:
    ev = _event("606001-CORE-X", estimated_minutes=120)
    assert duration_minutes(TimeSettings(), ev) == 120
    assert end_of(TimeSettings(), ev, datetime(2025, 10, 3, 10, 45)) == datetime(2025, 10, 3, 12, 45)


def test_end_is_start_plus_duration() -> None:
    assert end_of(TimeSettings(), _event("606001-CORE-X"), datetime(2025, 10, 3, 10, 45)) == datetime(
        2025, 10, 3, 17, 15
    )


def test_juicer_survey_is_only_a_survey_without_production_in_the_name() -> None:
    assert is_juicer_survey(_event("Juicer Survey"))
    assert not is_juicer_survey(_event("Juicer-Production Survey"))
    assert not is_juicer_survey(_event("Juicer-Production-SPCLTY"))


def test_digital_kind_reads_the_name() -> None:
    assert digital_kind(_event("Digital Teardown")) == "teardown"
    assert digital_kind(_event("Digital Refresh")) == "refresh"
    assert digital_kind(_event("Digital Setup")) == "setup"
    assert digital_kind(_event("Digital thing")) == "setup"


def _hm(*values: str) -> tuple[time, ...]:
    return tuple(time.fromisoformat(v) for v in values)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("606001-CORE-X", _hm("10:45", "11:15", "11:45", "12:15")),
        ("Juicer-Production-SPCLTY", _hm("09:00")),
        ("Juicer Survey", _hm("17:00")),
        ("Freeosk", _hm("10:00")),
        ("Digital Setup", _hm("10:15", "10:30", "10:45", "11:00")),
        ("Digital Teardown", _hm("18:00", "18:15", "18:30", "18:45")),
        ("Other work", _hm("11:00")),
    ],
)
def test_allowed_start_times_per_type(name: str, expected: tuple[time, ...]) -> None:
    assert allowed_start_times(TimeSettings(), _event(name)) == expected


def test_supervisor_times_are_the_supervisor_time_staggered_by_five_minutes() -> None:
    times = allowed_start_times(TimeSettings(), _event("606001-Supervisor-X"))
    assert times[:3] == _hm("12:00", "12:05", "12:10")
    assert len(times) == 12


def test_core_slot_of_finds_the_slot_by_its_start() -> None:
    assert core_slot_of(TimeSettings(), time(11, 15)) == 1
    assert core_slot_of(TimeSettings(), time(11, 16)) is None
