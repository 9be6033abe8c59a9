"""Time settings: legacy keys over the seed, validated saves (product.md §5.4)."""

from __future__ import annotations

from datetime import time

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.model import TimeSettings
from core.services.time_settings import (
    load_time_settings,
    parse_hhmm,
    save_time_settings,
    time_settings_values,
)
from tests.unit.services.service_world import ADMIN, MANAGER, World


def _load(world: World) -> TimeSettings:
    return world.read(lambda uow: load_time_settings(uow, 1))  # type: ignore[no-any-return]


def test_without_settings_the_seed_applies(world: World) -> None:
    assert _load(world) == TimeSettings()


def test_stored_keys_replace_the_seed(world: World) -> None:
    def store(uow: object) -> None:
        for key, value in {
            "core_1_start_time": "09:45",
            "core_1_lunch_begin_time": "13:00",
            "supervisor_start_time": "12:30",
            "digital_teardown_2_start_time": "19:00",
            "duration_freeosk": "15",
            "buffer_days": "2",
            "max_work_days_per_week": "5",
            "solver_seconds": "2.5",
        }.items():
            uow.settings.set(1, key, value)  # type: ignore[attr-defined]

    world.write(store)
    ts = _load(world)
    assert ts.core_slots[0].start == time(9, 45) and ts.core_slots[0].lunch_begin == time(13, 0)
    assert ts.core_slots[0].end == TimeSettings().core_slots[0].end
    assert ts.supervisor_time == time(12, 30) and ts.digital_teardown_slots[1] == time(19, 0)
    assert ts.durations["Freeosk"] == 15 and ts.buffer_days == 2 and ts.max_work_days_per_week == 5
    assert ts.solver_seconds == 2.5


def test_unreadable_stored_values_fall_back_to_the_seed(world: World) -> None:
    world.write(lambda uow: uow.settings.set(1, "freeosk_start_time", "soon"))
    world.write(lambda uow: uow.settings.set(1, "buffer_days", "many"))
    assert _load(world) == TimeSettings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:05", time(9, 5)),
        ("9:05", time(9, 5)),
        (" 23:59 ", time(23, 59)),
        ("24:00", None),
        ("9:60", None),
        ("905", None),
        ("", None),
        ("9:5", None),
    ],
)
def test_hh_mm_parsing(text: str, expected: time | None) -> None:
    assert parse_hhmm(text) == expected


def test_an_admin_saves_valid_values_and_the_change_is_audited(world: World) -> None:
    saved = save_time_settings(
        world.uow_factory, ADMIN, {"other_start_time": "12:00", "duration_other": "45"}, clock=world.clock
    )
    assert saved.other_time == time(12, 0) and saved.durations["Other"] == 45
    assert _load(world) == saved
    [entry] = world.audit()
    assert entry.after == {"other_start_time": "12:00", "duration_other": "45"}


def test_every_bad_key_is_reported_and_nothing_is_saved(world: World) -> None:
    before = world.state()
    with pytest.raises(InvalidInput) as err:
        save_time_settings(
            world.uow_factory,
            ADMIN,
            {"other_start_time": "7pm", "duration_core": "0", "bogus": "1", "supervisor_start_time": "12:00"},
            clock=world.clock,
        )
    assert set(err.value.fields) == {"other_start_time", "duration_core", "bogus"}
    assert world.state() == before


def test_a_core_slot_must_stay_in_order(world: World) -> None:
    with pytest.raises(InvalidInput) as err:
        save_time_settings(world.uow_factory, ADMIN, {"core_2_lunch_begin_time": "10:00"}, clock=world.clock)
    assert "core_2_start_time" in err.value.fields


def test_only_admins_change_settings(world: World) -> None:
    with pytest.raises(PermissionDenied):
        save_time_settings(world.uow_factory, MANAGER, {"other_start_time": "12:00"}, clock=world.clock)


def test_values_round_trip_through_the_key_map(world: World) -> None:
    values = time_settings_values(TimeSettings())
    assert values["core_1_start_time"] == "10:45" and values["duration_core"] == "390"
    save_time_settings(world.uow_factory, ADMIN, values, clock=world.clock)
    assert _load(world) == TimeSettings()
