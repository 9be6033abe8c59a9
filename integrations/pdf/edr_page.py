"""The Event Detail Report page of one Core assignment, as the demo team signs it."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from core.ports import EdrReport, PacketEntry
from integrations.pdf.entries import clock, event_number_of
from integrations.pdf.layout import build_pdf, footer, grid_style, para, styles, us_date

TITLE = "EVENT DETAIL REPORT"
SIGN_NOTICE = "MUST BE SIGNED AND DATED"
ITEM_WIDTHS = (1.2 * inch, 4.1 * inch, 2.0 * inch)
SIGNATURE_WIDTHS = (2.0 * inch, 5.3 * inch)


def shift_line(entry: PacketEntry) -> str:
    """'START: 10:45 AM | LUNCH: 1:30 PM - 2:00 PM | LEAVE: 5:15 PM' (no lunch without a Core slot)."""
    if entry.core_slot is not None:
        start, lunch_begin, lunch_end, leave = entry.core_slot
        return f"START: {start} | LUNCH: {lunch_begin} - {lunch_end} | LEAVE: {leave}"
    return f"START: {clock(entry.start)} | LEAVE: {clock(entry.end)}"


def printed_line(printed_at: datetime) -> str:
    """'Printed: 10-01-2025 at 5:30 AM'."""
    return f"Printed: {us_date(printed_at.date())} at {clock(printed_at)}"


def _locked(value: bool | None) -> str:
    if value is None:
        return "N/A"
    return "YES" if value else "NO"


def _header_tables(entry: PacketEntry, edr: EdrReport) -> list[Flowable]:
    number = event_number_of(entry) or edr.event_number
    event_day = edr.event_date or entry.start.date()
    identity = Table([["Event Number", "Event Name"], [para(number), para(edr.name or entry.event_name)]],
                     colWidths=(1.6 * inch, 5.7 * inch), style=grid_style())
    details = Table(
        [["Event Date", "Event Type", "Status", "Locked"],
         [us_date(event_day), para(edr.event_type or "N/A"), para(edr.status or "N/A"),
          _locked(edr.locked)]],
        colWidths=(1.6 * inch, 2.3 * inch, 2.3 * inch, 1.1 * inch), style=grid_style())
    return [identity, Spacer(1, 6), details]


def _items_table(edr: EdrReport) -> Table:
    rows: list[list[str | Flowable]] = [["Item Number", "Description", "Category"]]
    for item in edr.items:
        rows.append([para(item.item_number), para(item.description),
                     para(item.dept_description or "N/A")])
    if not edr.items:
        rows.append(["", para("No items listed for this event."), ""])
    return Table(rows, colWidths=ITEM_WIDTHS, repeatRows=1, style=grid_style())


def _instructions(edr: EdrReport) -> list[Flowable]:
    sheet = styles()
    parts: list[Flowable] = [Paragraph("Instructions", sheet["Heading4"])]
    given = [(label, text) for label, text in (("Preparation", edr.prep_instructions),
                                               ("Portion", edr.portion_instructions)) if text]
    if not given:
        return [*parts, para("No instructions provided.")]
    for label, text in given:
        parts.append(para(f"{label}: {text}"))
    return parts


def _signature_table(entry: PacketEntry) -> Table:
    rows = [["Scheduled Employee:", para(entry.employee_name)],
            ["Employee Signature:", ""],
            ["Date Performed:", ""],
            ["Supervisor Signature:", ""]]
    return Table(rows, colWidths=SIGNATURE_WIDTHS, rowHeights=0.38 * inch,
                 style=grid_style(("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), header=False))


def render_edr_page(entry: PacketEntry, printed_at: datetime) -> bytes:
    """The EDR PDF of a Core entry that has an EDR (usually one page)."""
    if entry.edr is None:
        raise ValueError("render_edr_page needs an entry with an EDR")
    edr = entry.edr
    sheet = styles()
    story: list[Flowable] = [
        Paragraph(TITLE, sheet["PacketTitle"]),
        para(f"Event Scheduled On {us_date(entry.start.date())}", "Subtitle"),
        *_header_tables(entry, edr),
        Spacer(1, 10),
        _items_table(edr),
        Spacer(1, 6),
        *_instructions(edr),
        Spacer(1, 10),
        para(shift_line(entry), "Notice"),
        para(SIGN_NOTICE, "Notice"),
        _signature_table(entry),
    ]
    title = f"EDR {event_number_of(entry) or edr.event_number}"
    return build_pdf(story, title=title, on_page=footer(printed_line(printed_at)))
