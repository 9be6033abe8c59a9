"""The daily paperwork packet: every section rendered, then merged in the legacy order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pypdf import PdfReader

from core.ports import EmployeeScheduleData, PacketData, PacketEntry, WeekScheduleData
from integrations.pdf.edr_page import render_edr_page
from integrations.pdf.entries import core_bookmark, core_entries
from integrations.pdf.items_page import render_items_page
from integrations.pdf.merge import DocumentInfo, OutlineRef, PacketAssembler, readable_pdf
from integrations.pdf.placeholders import (
    empty_day_page,
    missing_edr_page,
    sales_tool_problem_page,
    template_problem_page,
)
from integrations.pdf.schedule_page import render_schedule_page
from integrations.pdf.week import render_employee_schedule, render_week_schedule

SCHEDULE_BOOKMARK = "Daily Schedule"
ITEMS_BOOKMARK = "Daily Item List"
DAILY_TEMPLATES_BOOKMARK = "Daily Templates"
EDR_BOOKMARK = "EDR"
SALES_TOOL_BOOKMARK = "Sales Tool"

Template = tuple[str, PdfReader | bytes]


def _prepare_templates(templates: tuple[tuple[str, bytes], ...]) -> list[Template]:
    prepared: list[Template] = []
    for name, data in templates:
        reader = readable_pdf(data)
        prepared.append((name, reader if reader is not None else template_problem_page(name)))
    return prepared


class PdfPacketRenderer:
    """:class:`core.ports.PacketRenderer` built on xhtml2pdf, ReportLab and pypdf."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))

    def render(self, packet: PacketData) -> bytes:
        """The merged packet: schedule, item list, per-Core EDR/sales tool/templates, daily templates."""
        printed_at = packet.generated_at or self._now()
        info = DocumentInfo(
            title=f"Daily Packet {packet.store_name} {packet.day.isoformat()}",
            subject=f"Daily paperwork packet for {packet.store_name} (Club {packet.store_number}) "
                    f"on {packet.day.isoformat()}",
            created_at=printed_at,
        )
        assembler = PacketAssembler()
        if not packet.entries:
            assembler.append(empty_day_page(packet.day, packet.store_name), SCHEDULE_BOOKMARK)
            return assembler.finish(info)
        assembler.append(render_schedule_page(packet), SCHEDULE_BOOKMARK)
        assembler.append(render_items_page(packet), ITEMS_BOOKMARK)
        event_templates = _prepare_templates(packet.event_templates)
        for entry in core_entries(packet.entries):
            self._core_section(assembler, packet, entry, event_templates, printed_at)
        daily_parent: OutlineRef | None = None
        for name, pdf in _prepare_templates(packet.daily_templates):
            start = assembler.page_count
            assembler.append(pdf)
            if daily_parent is None:
                daily_parent = assembler.bookmark(DAILY_TEMPLATES_BOOKMARK, start)
            assembler.bookmark(name, start, daily_parent)
        return assembler.finish(info)

    def render_week(self, data: WeekScheduleData) -> bytes:
        """The weekly schedule, Sunday .. Saturday, one row per employee, landscape."""
        return render_week_schedule(data)

    def render_employee(self, data: EmployeeScheduleData) -> bytes:
        """One employee's schedule for the two weeks from ``data.start``."""
        return render_employee_schedule(data)

    @staticmethod
    def _core_section(assembler: PacketAssembler, packet: PacketData, entry: PacketEntry,
                      templates: list[Template], printed_at: datetime) -> None:
        first = assembler.page_count
        if entry.edr is not None:
            assembler.append(render_edr_page(entry, printed_at))
        else:
            assembler.append(missing_edr_page(entry, packet.edr_note))
        parent = assembler.bookmark(core_bookmark(entry), first)
        assembler.bookmark(EDR_BOOKMARK, first, parent)
        sales_tool = readable_pdf(entry.sales_tool_pdf)
        if sales_tool is not None:
            assembler.append(sales_tool, SALES_TOOL_BOOKMARK, parent)
        elif entry.sales_tool_pdf is not None or entry.sales_tool_problem is not None:
            assembler.append(sales_tool_problem_page(entry, entry.sales_tool_problem),
                             f"{SALES_TOOL_BOOKMARK} (not available)", parent)
        for name, pdf in templates:
            assembler.append(pdf, name, parent)
