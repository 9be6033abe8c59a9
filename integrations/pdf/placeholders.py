"""Clearly marked stand-in pages for anything the packet could not include, so no gap is silent."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable, Paragraph, Spacer

from core.ports import PacketEntry
from integrations.pdf.entries import clock, event_number_of
from integrations.pdf.layout import build_pdf, long_date, para, styles

EDR_MISSING = "EDR NOT AVAILABLE"
SALES_TOOL_MISSING = "SALES TOOL NOT AVAILABLE"
TEMPLATE_MISSING = "TEMPLATE NOT AVAILABLE"
DEFAULT_EDR_REASON = "The Event Detail Report could not be fetched from Retail Link for this event."
NOT_A_PDF = "The downloaded sales tool is not a readable PDF."


def placeholder_page(banner: str, lines: list[str], *, title: str) -> bytes:
    """A one-page PDF with a large red banner and explanatory lines."""
    story: list[Flowable] = [Spacer(1, 90), Paragraph(banner, styles()["Banner"])]
    for line in lines:
        story.append(para(line, "Notice"))
    return build_pdf(story, title=title)


def _event_lines(entry: PacketEntry) -> list[str]:
    number = event_number_of(entry) or "unknown"
    return [f"Event {number}: {entry.event_name}",
            f"{entry.employee_name} at {clock(entry.start)}"]


def missing_edr_page(entry: PacketEntry, note: str | None) -> bytes:
    """Stands in for the EDR of a Core entry whose report is missing; says why."""
    lines = [*_event_lines(entry), note or DEFAULT_EDR_REASON,
             "Print the EDR from Retail Link before the event starts."]
    return placeholder_page(EDR_MISSING, lines, title=EDR_MISSING)


def sales_tool_problem_page(entry: PacketEntry, problem: str | None) -> bytes:
    """Stands in for a sales tool that existed upstream but could not be included."""
    lines = [*_event_lines(entry), problem or NOT_A_PDF,
             "Open the sales tool link in Crossmark and print it by hand."]
    return placeholder_page(SALES_TOOL_MISSING, lines, title=SALES_TOOL_MISSING)


def template_problem_page(name: str) -> bytes:
    """Stands in for a paperwork template whose file is not a readable PDF."""
    lines = [f"Template: {name}", "The template file is not a readable PDF.",
             "Ask a manager to upload it again."]
    return placeholder_page(TEMPLATE_MISSING, lines, title=TEMPLATE_MISSING)


def empty_day_page(day: date, store_name: str) -> bytes:
    """The whole packet of a day with no assignments."""
    lines = [long_date(day), store_name]
    return placeholder_page(f"No events scheduled for {day:%m-%d-%Y}", lines,
                            title=f"No events scheduled for {day.isoformat()}")
