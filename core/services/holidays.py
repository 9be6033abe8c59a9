"""Company holidays: no event of any type is scheduled on one (product.md §5.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.errors import InvalidInput, NotFound
from core.model import Actor, Holiday
from core.ports import Clock, UnitOfWorkFactory
from core.services import audit, authz
from core.services.lookups import store_today

MAX_NAME = 100
MAX_NOTES = 500
DEFAULT_LOOKAHEAD_DAYS = 365


@dataclass(frozen=True)
class HolidayDate:
    """One day a holiday falls on (a recurring holiday falls on many)."""

    day: date
    holiday: Holiday


class HolidayService:
    """Managers add and remove holidays; everyone may list them."""

    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def add(self, actor: Actor, name: str, day: date, *, recurring: bool = False,
            notes: str | None = None) -> Holiday:
        """Add a holiday; a recurring one repeats every year on the same month and day."""
        authz.require(actor, authz.Action.EDIT_HOLIDAYS)
        title = " ".join(name.split())
        text = (notes or "").strip() or None
        problems: dict[str, str] = {}
        if not title:
            problems["name"] = "Give the holiday a name."
        elif len(title) > MAX_NAME:
            problems["name"] = f"At most {MAX_NAME} characters."
        if text is not None and len(text) > MAX_NOTES:
            problems["notes"] = f"At most {MAX_NOTES} characters."
        with self._uow_factory() as uow:
            for h in uow.holidays.list(store_id=actor.store_id):
                if h.falls_on(day):
                    problems.setdefault("day", f"{day:%m/%d/%Y} is already {h.name}.")
            if problems:
                raise InvalidInput(" ".join(problems.values()), problems)
            row = uow.holidays.add(Holiday(
                0, title, day, actor.store_id, is_recurring=recurring,
                recurring_month=day.month if recurring else None,
                recurring_day=day.day if recurring else None, notes=text))
            audit.record(uow, actor, "holiday.add", "holiday", row.id, after=row, at=self._clock.now())
            uow.commit()
        return row

    def remove(self, actor: Actor, holiday_id: int) -> None:
        """Delete a holiday."""
        authz.require(actor, authz.Action.EDIT_HOLIDAYS)
        with self._uow_factory() as uow:
            row = uow.holidays.get(holiday_id)
            if row is None or row.store_id != actor.store_id:
                raise NotFound(f"Holiday #{holiday_id} does not exist.")
            uow.holidays.delete(holiday_id)
            audit.record(uow, actor, "holiday.remove", "holiday", holiday_id, before=row,
                         at=self._clock.now())
            uow.commit()

    def upcoming(self, actor: Actor, start: date | None = None,
                 end: date | None = None) -> list[HolidayDate]:
        """Every day in [start, end] (default: today and the next year) that is a holiday, by date."""
        authz.require(actor, authz.Action.VIEW_TEAM)
        with self._uow_factory() as uow:
            first = start or store_today(uow, self._clock, actor.store_id)
            last = end or first + timedelta(days=DEFAULT_LOOKAHEAD_DAYS)
            if last < first:
                raise InvalidInput("The end is before the start.", {"end": "before start"})
            rows = uow.holidays.list(store_id=actor.store_id)
        out: list[HolidayDate] = []
        for h in rows:
            if not h.is_active:
                continue
            if first <= h.day <= last:
                out.append(HolidayDate(h.day, h))
            if h.is_recurring and h.recurring_month and h.recurring_day:
                for year in range(first.year, last.year + 1):
                    try:
                        when = date(year, h.recurring_month, h.recurring_day)
                    except ValueError:
                        continue
                    if first <= when <= last and when != h.day:
                        out.append(HolidayDate(when, h))
        return sorted(out, key=lambda x: (x.day, x.holiday.id))
