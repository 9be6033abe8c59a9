"""What the auto-scheduler services need to know about a store right now: its local "today", its
time settings and a facts snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from core.model import TimeSettings
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.rules import Facts
from core.services.time_settings import load_time_settings


@dataclass
class Context:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    store_id: int
    _settings: TimeSettings | None = field(default=None, init=False, repr=False)
    _today: date | None = field(default=None, init=False, repr=False)

    def today(self, uow: UnitOfWork) -> date:
        """The store-local date now."""
        if self._today is None:
            store = uow.stores.get(self.store_id)
            tz = ZoneInfo(store.timezone if store is not None else "America/Indiana/Indianapolis")
            self._today = self.clock.now().astimezone(tz).date()
        return self._today

    def settings(self, uow: UnitOfWork) -> TimeSettings:
        """The store's time settings (read once per context)."""
        if self._settings is None:
            self._settings = load_time_settings(uow, self.store_id)
        return self._settings

    def facts(self, uow: UnitOfWork, start: date, end: date) -> Facts:
        """A snapshot for assignments on days in [start, end] (whole weeks around them)."""
        return Facts.load(uow, self.store_id, start, end, today=self.today(uow),
                          settings=self.settings(uow))
