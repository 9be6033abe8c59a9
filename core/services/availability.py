"""Availability: the weekly pattern, date-specific days and temporary overrides (product.md §5.5).

An employee edits their own; managers edit anyone's. Precedence when judging a day is
override > date-specific > weekly (``core.rules.availability``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.errors import InvalidInput, NotFound
from core.model import Actor, AvailabilityOverride, DateAvailability, WeeklyAvailability
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services import audit, authz
from core.services.lookups import employee_of, store_today

MAX_REASON = 200
MAX_OVERRIDE_DAYS = 366


@dataclass(frozen=True)
class AvailabilitySummary:
    """One person's availability from today on."""

    employee_id: str
    weekly: WeeklyAvailability
    dates: tuple[DateAvailability, ...]
    overrides: tuple[AvailabilityOverride, ...]


def _reason(reason: str | None) -> str | None:
    text = (reason or "").strip() or None
    if text is not None and len(text) > MAX_REASON:
        raise InvalidInput("The reason is too long.", {"reason": f"at most {MAX_REASON} characters"})
    return text


class AvailabilityService:
    """Reads and edits availability; every edit is audited."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def _may_edit(self, actor: Actor, employee_id: str) -> None:
        authz.require_self_or(actor, employee_id, authz.Action.EDIT_AVAILABILITY)
        authz.require(actor, authz.Action.SET_OWN_AVAILABILITY)

    def summary(self, actor: Actor, employee_id: str) -> AvailabilitySummary:
        """The weekly pattern plus today's and future date rows and overrides."""
        authz.require_self_or(actor, employee_id, authz.Action.VIEW_ALL)
        with self._uow_factory() as uow:
            employee_of(uow, actor.store_id, employee_id)
            today = store_today(uow, self._clock, actor.store_id)
            weekly = uow.weekly_availability.get(employee_id) or WeeklyAvailability(employee_id)
            dates = [d for d in uow.date_availability.list(employee_id=employee_id) if d.day >= today]
            overrides = [o for o in uow.overrides.list(employee_id=employee_id) if o.end_date >= today]
        return AvailabilitySummary(employee_id, weekly, tuple(sorted(dates, key=lambda d: d.day)),
                                   tuple(sorted(overrides, key=lambda o: (o.start_date, o.id))))

    def set_weekly(self, actor: Actor, employee_id: str, days: Sequence[bool]) -> WeeklyAvailability:
        """Replace the weekly pattern (seven booleans, Monday first)."""
        self._may_edit(actor, employee_id)
        if len(days) != 7 or not all(isinstance(d, bool) for d in days):
            raise InvalidInput("Give seven yes/no values, Monday to Sunday.", {"days": "need 7 values"})
        new = WeeklyAvailability(employee_id, (days[0], days[1], days[2], days[3], days[4], days[5], days[6]))
        with self._uow_factory() as uow:
            employee_of(uow, actor.store_id, employee_id)
            before = uow.weekly_availability.get(employee_id)
            if before == new:
                return new
            if before is None:
                uow.weekly_availability.add(new)
            else:
                uow.weekly_availability.update(new)
            audit.record(uow, actor, "availability.weekly", "weekly_availability", employee_id,
                         before=before, after=new, at=self._clock.now())
            uow.commit()
        return new

    def set_date(self, actor: Actor, employee_id: str, day: date, is_available: bool,
                 reason: str | None = None) -> DateAvailability:
        """Mark one day (today or later) available or unavailable, whatever the weekly pattern says."""
        self._may_edit(actor, employee_id)
        text = _reason(reason)
        with self._uow_factory() as uow:
            employee_of(uow, actor.store_id, employee_id)
            if day < store_today(uow, self._clock, actor.store_id):
                raise InvalidInput("That day is in the past.", {"day": "in the past"})
            found = [d for d in uow.date_availability.list(employee_id=employee_id) if d.day == day]
            before = found[0] if found else None
            if before is None:
                row = uow.date_availability.add(DateAvailability(0, employee_id, day, is_available, text))
            else:
                row = DateAvailability(before.id, employee_id, day, is_available, text)
                uow.date_availability.update(row)
            audit.record(uow, actor, "availability.date", "date_availability", row.id, before=before,
                         after=row, at=self._clock.now())
            uow.commit()
        return row

    def clear_date(self, actor: Actor, employee_id: str, day: date) -> None:
        """Forget the date-specific row of ``day`` (the weekly pattern applies again)."""
        self._may_edit(actor, employee_id)
        with self._uow_factory() as uow:
            employee_of(uow, actor.store_id, employee_id)
            found = [d for d in uow.date_availability.list(employee_id=employee_id) if d.day == day]
            if not found:
                raise NotFound(f"No availability entry on {day:%m/%d/%Y}.")
            uow.date_availability.delete(found[0].id)
            audit.record(uow, actor, "availability.date_clear", "date_availability", found[0].id,
                         before=found[0], at=self._clock.now())
            uow.commit()

    def add_override(self, actor: Actor, employee_id: str, start: date, end: date,
                     days: Sequence[bool | None], reason: str | None = None) -> AvailabilityOverride:
        """A temporary weekly pattern for [start, end]; ``None`` leaves that weekday as it is."""
        self._may_edit(actor, employee_id)
        text = _reason(reason)
        problems: dict[str, str] = {}
        if end < start:
            problems["end"] = "The last day is before the first day."
        elif (end - start).days + 1 > MAX_OVERRIDE_DAYS:
            problems["end"] = f"An override lasts at most {MAX_OVERRIDE_DAYS} days."
        if len(days) != 7 or not all(d is None or isinstance(d, bool) for d in days):
            problems["days"] = "Give seven yes/no/blank values, Monday to Sunday."
        elif all(d is None for d in days):
            problems["days"] = "Say at least one weekday."
        with self._uow_factory() as uow:
            employee_of(uow, actor.store_id, employee_id)
            if end < store_today(uow, self._clock, actor.store_id):
                problems.setdefault("end", "The override would be over already.")
            if problems:
                raise InvalidInput(" ".join(problems.values()), problems)
            row = uow.overrides.add(AvailabilityOverride(0, employee_id, start, end, tuple(days), text,
                                                         created_by=actor.label))
            audit.record(uow, actor, "availability.override", "availability_override", row.id, after=row,
                         at=self._clock.now())
            uow.commit()
        return row

    def remove_override(self, actor: Actor, override_id: int) -> None:
        """Delete an override."""
        with self._uow_factory() as uow:
            row = self._override(uow, actor, override_id)
            self._may_edit(actor, row.employee_id)
            uow.overrides.delete(override_id)
            audit.record(uow, actor, "availability.override_remove", "availability_override", override_id,
                         before=row, at=self._clock.now())
            uow.commit()

    @staticmethod
    def _override(uow: UnitOfWork, actor: Actor, override_id: int) -> AvailabilityOverride:
        row = uow.overrides.get(override_id)
        if row is None:
            raise NotFound(f"Override #{override_id} does not exist.")
        employee_of(uow, actor.store_id, row.employee_id)
        return row
