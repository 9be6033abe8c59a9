"""The daily paperwork packet and the schedule PDFs: gather the data, hand it to the renderer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import DomainError, InvalidInput, NeedsMfaCode, NotFound
from core.model import Actor, Assignment, Employee, Event, EventType, TimeSettings
from core.ports import (
    Clock,
    CrossmarkPort,
    EdrReport,
    EmployeeScheduleData,
    PacketData,
    PacketEntry,
    PacketRenderer,
    RetailLinkPort,
    UnitOfWork,
    UnitOfWorkFactory,
    WeekRow,
    WeekScheduleData,
)
from core.rules import core_slot_of, end_of, event_number, is_juicer_survey, week_start
from core.services.authz import Action, require, require_self_or

log = logging.getLogger(__name__)

EDR_MAX_AGE_HOURS = 24.0
TemplateLoader = Callable[[str], bytes | None]


@dataclass(frozen=True)
class PacketBuild:
    """A built packet: the PDF, the data it shows, and what is missing from it."""

    pdf: bytes
    data: PacketData
    missing_edr: tuple[str, ...] = ()
    needs_code: bool = False

    @property
    def filename(self) -> str:
        return f"Paperwork_{self.data.day:%Y%m%d}.pdf"


@dataclass
class _Day:
    store_number: str
    store_name: str
    rows: list[tuple[Assignment, Event, Employee]] = field(default_factory=list)
    settings: TimeSettings = field(default_factory=TimeSettings)


def _clock_text(t: time) -> str:
    return datetime.combine(date.min, t).strftime("%-I:%M %p")


def on_packet_schedule(event: Event) -> bool:
    """Every assignment of the day appears on the packet's schedule, except Juicer surveys."""
    return not is_juicer_survey(event)


class PacketService:
    """Builds the daily packet (legacy-domain.md §5, issue [5/5]) and the schedule PDFs."""

    def __init__(self, uow_factory: UnitOfWorkFactory, renderer: PacketRenderer, clock: Clock, *,
                 crossmark: CrossmarkPort | None = None, retaillink: RetailLinkPort | None = None,
                 template_loader: TemplateLoader | None = None,
                 time_settings: Callable[[UnitOfWork, int], TimeSettings] | None = None) -> None:
        self._uow = uow_factory
        self._renderer = renderer
        self._clock = clock
        self._crossmark = crossmark
        self._retaillink = retaillink
        self._load_template = template_loader or (lambda _path: None)
        self._time_settings = time_settings or (lambda _uow, _store: TimeSettings())

    # ---- the daily packet ------------------------------------------------------------------
    def build(self, actor: Actor, day: date, *, use_retaillink: bool = True,
              edr_note: str | None = None) -> PacketBuild:
        """Gather and render the packet for ``day``.

        EDRs come from the 24 h cache first, then from Retail Link. When Retail Link needs a fresh
        MFA code the packet is still built, with placeholders, and ``needs_code`` is set.
        """
        require(actor, Action.BUILD_PACKET)
        data, missing, needs_code = self.gather(actor, day, use_retaillink=use_retaillink,
                                                edr_note=edr_note)
        return PacketBuild(pdf=self._renderer.render(data), data=data, missing_edr=tuple(missing),
                           needs_code=needs_code)

    def gather(self, actor: Actor, day: date, *, use_retaillink: bool = True,
               edr_note: str | None = None) -> tuple[PacketData, list[str], bool]:
        require(actor, Action.BUILD_PACKET)
        info = self._load_day(actor.store_id, day)
        entries: list[PacketEntry] = []
        missing: list[str] = []
        needs_code = False
        tool_cache: dict[str, tuple[bytes | None, str | None]] = {}
        for a, ev, emp in info.rows:
            start, end = a.start, end_of(info.settings, ev, a.start)
            if ev.event_type is not EventType.CORE:
                entries.append(PacketEntry(start=start, end=end, employee_name=emp.name,
                                           event_name=ev.name, event_type=ev.event_type.value,
                                           event_number=event_number(ev.name)))
                continue
            number = event_number(ev.name)
            edr: EdrReport | None = None
            if number:
                edr, code_needed = self._edr(actor.store_id, number, use_retaillink)
                needs_code = needs_code or code_needed
            if edr is None:
                missing.append(number or ev.name)
            pdf, problem = None, None
            if ev.sales_tools_url:
                if ev.sales_tools_url not in tool_cache:
                    tool_cache[ev.sales_tools_url] = self._sales_tool(ev.sales_tools_url)
                pdf, problem = tool_cache[ev.sales_tools_url]
            entries.append(PacketEntry(
                start=start, end=end, employee_name=emp.name, event_name=ev.name,
                event_type=ev.event_type.value, event_number=number,
                core_slot=self._slot_texts(info.settings, a.start.time()), edr=edr,
                sales_tool_pdf=pdf, sales_tool_problem=problem))
        note = edr_note
        if note is None and needs_code:
            note = "Retail Link needs a new verification code; EDR pages were not available."
        event_t, daily_t = self._templates(actor.store_id)
        data = PacketData(store_number=info.store_number, store_name=info.store_name, day=day,
                          entries=tuple(entries), event_templates=event_t, daily_templates=daily_t,
                          edr_note=note, generated_at=self._clock.now())
        return data, missing, needs_code

    def summary(self, data: PacketData) -> str:
        """Who works where and when, for the channel message."""
        if not data.entries:
            return f"No events scheduled for {data.day:%A %B %-d}."
        lines = [f"*Daily packet — {data.day:%A %B %-d}* ({len(data.entries)} assignments)"]
        for e in data.entries:
            lines.append(f"• {e.start:%-I:%M %p} {e.employee_name} — {e.event_name}")
        if data.edr_note:
            lines.append(f"_{data.edr_note}_")
        return "\n".join(lines)

    def _load_day(self, store_id: int, day: date) -> _Day:
        with self._uow() as uow:
            store = uow.stores.get(store_id)
            if store is None:
                raise NotFound(f"Store {store_id} does not exist")
            info = _Day(store.number, store.name, settings=self._time_settings(uow, store_id))
            employees = {e.id: e for e in uow.employees.list(store_id=store_id)}
            events: dict[int, Event] = {}
            for a in uow.assignments.between(store_id, day, day):
                ev = events.get(a.event_id) or uow.events.get(a.event_id)
                emp = employees.get(a.employee_id)
                if ev is None or emp is None:
                    continue
                events[ev.id] = ev
                if on_packet_schedule(ev):
                    info.rows.append((a, ev, emp))
        info.rows.sort(key=lambda r: (r[0].start, r[1].name))
        return info

    def _slot_texts(self, settings: TimeSettings, start: time) -> tuple[str, str, str, str] | None:
        i = core_slot_of(settings, start)
        if i is None:
            return None
        s = settings.core_slots[i]
        return (_clock_text(s.start), _clock_text(s.lunch_begin), _clock_text(s.lunch_end),
                _clock_text(s.end))

    def _edr(self, store_id: int, number: str, use_retaillink: bool) -> tuple[EdrReport | None, bool]:
        with self._uow() as uow:
            cached = uow.edr_cache.get(store_id, number, EDR_MAX_AGE_HOURS)
        if cached is not None or not use_retaillink or self._retaillink is None:
            return cached, False
        try:
            report = self._retaillink.edr_report(number)
        except NeedsMfaCode:
            return None, True
        except DomainError as exc:
            log.warning("EDR %s unavailable: %s", number, exc.message)
            return None, False
        with self._uow() as uow:
            uow.edr_cache.put(store_id, report)
            uow.commit()
        return report, False

    def _sales_tool(self, url: str) -> tuple[bytes | None, str | None]:
        if self._crossmark is None:
            return None, "Crossmark is not configured, so the sales tool could not be downloaded."
        try:
            body = self._crossmark.sales_tool(url)
        except DomainError as exc:
            return None, f"The sales tool could not be downloaded ({exc.message})."
        if not body or not body.startswith(b"%PDF"):
            return None, "The sales tool link did not return a PDF."
        return body, None

    def _templates(self, store_id: int) -> tuple[tuple[tuple[str, bytes], ...],
                                                  tuple[tuple[str, bytes], ...]]:
        with self._uow() as uow:
            rows = [t for t in uow.templates.list(store_id=store_id) if t.is_active]
        rows.sort(key=lambda t: (t.display_order, t.name))
        event_t: list[tuple[str, bytes]] = []
        daily_t: list[tuple[str, bytes]] = []
        for t in rows:
            body = self._load_template(t.path)
            if body is None:
                log.warning("paperwork template %s is missing at %s", t.name, t.path)
                continue
            (event_t if t.category == "event" else daily_t).append((t.name, body))
        return tuple(event_t), tuple(daily_t)

    # ---- schedule PDFs -----------------------------------------------------------------------
    def week_pdf(self, actor: Actor, any_day: date) -> tuple[str, bytes]:
        """The Sunday–Saturday schedule with one row per working employee."""
        require(actor, Action.VIEW_TEAM)
        sunday = week_start(any_day)
        saturday = sunday + timedelta(days=6)
        with self._uow() as uow:
            store = uow.stores.get(actor.store_id)
            employees = {e.id: e for e in uow.employees.list(store_id=actor.store_id)}
            assignments = uow.assignments.between(actor.store_id, sunday, saturday)
            events = {e.id: e for e in uow.events.overlapping(actor.store_id, sunday - timedelta(days=60),
                                                              saturday)}
            for a in assignments:
                if a.event_id not in events and (ev := uow.events.get(a.event_id)) is not None:
                    events[ev.id] = ev
        cells: dict[str, list[list[str]]] = {}
        for a in sorted(assignments, key=lambda x: x.start):
            ev = events.get(a.event_id)
            if ev is None or a.employee_id not in employees:
                continue
            row = cells.setdefault(a.employee_id, [[] for _ in range(7)])
            row[(a.start.date() - sunday).days].append(f"{a.start:%-I:%M %p} {ev.event_type.value}")
        rows = tuple(
            WeekRow(employee_name=employees[eid].name, job_title=employees[eid].job_title.value,
                    days=tuple("\n".join(c) for c in row))
            for eid, row in sorted(cells.items(), key=lambda kv: employees[kv[0]].name))
        name = store.name if store else ""
        pdf = self._renderer.render_week(WeekScheduleData(store_name=name, week_start=sunday, rows=rows))
        return f"Week_{sunday:%Y%m%d}.pdf", pdf

    def employee_pdf(self, actor: Actor, employee_id: str, any_day: date) -> tuple[str, bytes]:
        """One employee's two weeks, starting with the Sunday of ``any_day``'s week."""
        require_self_or(actor, employee_id, Action.VIEW_ALL)
        sunday = week_start(any_day)
        with self._uow() as uow:
            store = uow.stores.get(actor.store_id)
            emp = uow.employees.get(employee_id)
            if emp is None or emp.store_id != actor.store_id:
                raise InvalidInput(f"Unknown employee {employee_id}", {"employee": "Unknown employee"})
            settings = self._time_settings(uow, actor.store_id)
            rows = [a for a in uow.assignments.between(actor.store_id, sunday, sunday + timedelta(days=13))
                    if a.employee_id == employee_id]
            entries = []
            for a in rows:
                ev = uow.events.get(a.event_id)
                if ev is not None:
                    entries.append(PacketEntry(start=a.start, end=end_of(settings, ev, a.start),
                                               employee_name=emp.name, event_name=ev.name,
                                               event_type=ev.event_type.value,
                                               event_number=event_number(ev.name)))
        data = EmployeeScheduleData(store_name=store.name if store else "", employee_name=emp.name,
                                    start=sunday, entries=tuple(sorted(entries, key=lambda e: e.start)))
        safe = "".join(ch if ch.isalnum() else "_" for ch in emp.name)
        return f"Schedule_{safe}_{sunday:%Y%m%d}.pdf", self._renderer.render_employee(data)


def store_today(clock: Clock, timezone: str) -> date:
    """Today's date in the store's timezone."""
    return clock.now().astimezone(ZoneInfo(timezone)).date()
