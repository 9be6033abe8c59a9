"""Event times, durations and planning limits stored as ``system_settings`` keys (product.md §5.4).

Keys follow the legacy names (``core_{1..4}_{start|lunch_begin|lunch_end|end}_time``,
``supervisor_start_time`` …); a missing or unreadable key falls back to the seed in ``TimeSettings()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import time

from core.errors import InvalidInput
from core.model import Actor, CoreSlot, EventType, TimeSettings
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services import audit, authz

SLOT_PARTS = ("start", "lunch_begin", "lunch_end", "end")
CORE_KEYS = tuple(f"core_{i}_{part}_time" for i in range(1, 5) for part in SLOT_PARTS)
SETUP_KEYS = tuple(f"digital_setup_{i}_start_time" for i in range(1, 5))
TEARDOWN_KEYS = tuple(f"digital_teardown_{i}_start_time" for i in range(1, 5))
SINGLE_TIME_KEYS = {
    "supervisor_start_time": "supervisor_time",
    "freeosk_start_time": "freeosk_time",
    "other_start_time": "other_time",
    "juicer_start_time": "juicer_production_time",
    "juicer_survey_start_time": "juicer_survey_time",
}
DURATION_KEYS = {f"duration_{t.value.lower()}": t.value for t in EventType}
INT_KEYS: dict[str, tuple[str, int, int]] = {
    "duration_juicer_survey": ("juicer_survey_minutes", 1, 1440),
    "buffer_days": ("buffer_days", 0, 60),
    "max_work_days_per_week": ("max_work_days_per_week", 1, 7),
    "urgent_days": ("urgent_days", 0, 60),
}
FLOAT_KEYS: dict[str, tuple[str, float, float]] = {"solver_seconds": ("solver_seconds", 0.5, 600.0)}
TIME_KEYS = frozenset(CORE_KEYS + SETUP_KEYS + TEARDOWN_KEYS + tuple(SINGLE_TIME_KEYS))
ALL_KEYS = TIME_KEYS | set(DURATION_KEYS) | set(INT_KEYS) | set(FLOAT_KEYS)

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_hhmm(value: str) -> time | None:
    """``"9:05"`` / ``"09:05"`` → 09:05; anything else (incl. 24:00, 9:60) → None."""
    m = _HHMM.match(value)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _int_in(value: str, low: float, high: float) -> int | None:
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def _float_in(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def time_settings_values(ts: TimeSettings) -> dict[str, str]:
    """Every key with its value as stored (HH:MM for times, numbers as text)."""
    out: dict[str, str] = {}
    for i, slot in enumerate(ts.core_slots[:4], start=1):
        for part in SLOT_PARTS:
            out[f"core_{i}_{part}_time"] = getattr(slot, part).strftime("%H:%M")
    for key, t in zip(SETUP_KEYS, ts.digital_setup_slots, strict=False):
        out[key] = t.strftime("%H:%M")
    for key, t in zip(TEARDOWN_KEYS, ts.digital_teardown_slots, strict=False):
        out[key] = t.strftime("%H:%M")
    for key, attr in SINGLE_TIME_KEYS.items():
        out[key] = getattr(ts, attr).strftime("%H:%M")
    for key, type_name in DURATION_KEYS.items():
        out[key] = str(ts.durations.get(type_name, 60))
    for key, (attr, _, _) in INT_KEYS.items():
        out[key] = str(getattr(ts, attr))
    for key, (attr, _, _) in FLOAT_KEYS.items():
        out[key] = f"{getattr(ts, attr):g}"
    return out


def _from_values(raw: Mapping[str, str], parse_error: Callable[[str, str], None]) -> TimeSettings:
    seed = TimeSettings()

    def t(key: str, default: time) -> time:
        if key not in raw:
            return default
        parsed = parse_hhmm(raw[key])
        if parsed is None:
            parse_error(key, "use HH:MM (00:00–23:59)")
            return default
        return parsed

    slots = []
    for i, base in enumerate(seed.core_slots[:4], start=1):
        parts = {p: t(f"core_{i}_{p}_time", getattr(base, p)) for p in SLOT_PARTS}
        slots.append(CoreSlot(**parts))
    durations = dict(seed.durations)
    for key, type_name in DURATION_KEYS.items():
        if key in raw:
            minutes = _int_in(raw[key], 1, 1440)
            if minutes is None:
                parse_error(key, "minutes between 1 and 1440")
            else:
                durations[type_name] = minutes
    changes: dict[str, object] = {
        "core_slots": tuple(slots),
        "digital_setup_slots": tuple(t(k, d) for k, d in zip(SETUP_KEYS, seed.digital_setup_slots,
                                                             strict=True)),
        "digital_teardown_slots": tuple(t(k, d) for k, d in zip(TEARDOWN_KEYS, seed.digital_teardown_slots,
                                                                strict=True)),
        "durations": durations,
    }
    for key, attr in SINGLE_TIME_KEYS.items():
        changes[attr] = t(key, getattr(seed, attr))
    for key, (attr, low, high) in INT_KEYS.items():
        if key in raw:
            number = _int_in(raw[key], low, high)
            if number is None:
                parse_error(key, f"a whole number between {low} and {high}")
            else:
                changes[attr] = number
    for key, (attr, flow, fhigh) in FLOAT_KEYS.items():
        if key in raw:
            seconds = _float_in(raw[key], flow, fhigh)
            if seconds is None:
                parse_error(key, f"a number between {flow:g} and {fhigh:g}")
            else:
                changes[attr] = seconds
    return replace(seed, **changes)  # type: ignore[arg-type]


def load_time_settings(uow: UnitOfWork, store_id: int) -> TimeSettings:
    """The store's time settings; missing or unreadable keys keep their seed value."""
    raw = {k: v for k, v in uow.settings.all(store_id).items() if k in ALL_KEYS}
    return _from_values(raw, lambda key, why: None)


def _slot_problems(ts: TimeSettings) -> dict[str, str]:
    problems: dict[str, str] = {}
    for i, slot in enumerate(ts.core_slots, start=1):
        if not slot.start < slot.lunch_begin <= slot.lunch_end < slot.end:
            problems[f"core_{i}_start_time"] = (f"Core slot {i} must run start < lunch begin ≤ lunch end "
                                                "< end")
    return problems


def save_time_settings(uow_factory: UnitOfWorkFactory, actor: Actor, values: Mapping[str, str], *,
                       clock: Clock) -> TimeSettings:
    """Validate and store some keys (admin only); every bad key is reported, nothing is stored then."""
    authz.require(actor, authz.Action.SETTINGS)
    errors: dict[str, str] = {k: "unknown setting" for k in values if k not in ALL_KEYS}
    if not values:
        raise InvalidInput("Nothing to save.", {"settings": "no values given"})
    with uow_factory() as uow:
        stored = {k: v for k, v in uow.settings.all(actor.store_id).items() if k in ALL_KEYS}
        before = time_settings_values(load_time_settings(uow, actor.store_id))
        merged = {**stored, **{k: v for k, v in values.items() if k in ALL_KEYS}}

        def note(key: str, why: str) -> None:
            if key in values:
                errors.setdefault(key, why)

        new = _from_values(merged, note)
        errors.update({k: v for k, v in _slot_problems(new).items() if k not in errors})
        if errors:
            raise InvalidInput("Some settings are not valid: " + "; ".join(f"{k}: {v}" for k, v in
                                                                            sorted(errors.items())),
                               errors)
        after = time_settings_values(new)
        changed = {k: after[k] for k in values if before.get(k) != after[k] or k not in stored}
        for key, value in changed.items():
            uow.settings.set(actor.store_id, key, value)
        if changed:
            audit.record(uow, actor, "settings.time", "settings", "time",
                         before={k: before[k] for k in changed}, after=changed, at=clock.now())
        uow.commit()
    return new
