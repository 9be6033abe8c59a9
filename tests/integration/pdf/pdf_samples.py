"""Sample packet data and PDF reading helpers for the PDF adapter tests."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pypdf import PdfReader
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from core.ports import EdrItem, EdrReport, PacketData, PacketEntry

DAY = date(2025, 10, 1)
PRINTED_AT = datetime(2025, 10, 1, 5, 30)
SLOT_A = ("10:45 AM", "1:30 PM", "2:00 PM", "5:15 PM")
SLOT_B = ("11:15 AM", "2:15 PM", "2:45 PM", "5:45 PM")


def pdf_of_pages(*pages: str) -> bytes:
    """A letter PDF with one page per string, each showing that string."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    for text in pages:
        canvas.drawString(72, 700, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def one_page_pdf(text: str) -> bytes:
    """A one-page letter PDF showing ``text``."""
    return pdf_of_pages(text)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute)


def edr(number: str, name: str, *items: EdrItem, locked: bool | None = True) -> EdrReport:
    return EdrReport(event_number=number, name=name, event_date=DAY, event_type="Demo",
                     status="APPROVED", locked=locked, prep_instructions=f"Prep steps for {number}",
                     portion_instructions="One ounce cups", items=items)


def item(number: str, description: str, gtin: str | None = None, dept: str = "GROCERY") -> EdrItem:
    return EdrItem(item_number=number, description=description, gtin=gtin, dept_description=dept)


def core(hour: int, minute: int, number: str, employee: str, *, report: EdrReport | None,
         sales_tool: bytes | None = None, problem: str | None = None,
         slot: tuple[str, str, str, str] | None = SLOT_A) -> PacketEntry:
    start = at(hour, minute)
    return PacketEntry(start=start, end=start + timedelta(minutes=390), employee_name=employee,
                       event_name=f"{number}-CORE-Sample Event {number}", event_type="Core",
                       event_number=number, core_slot=slot, edr=report, sales_tool_pdf=sales_tool,
                       sales_tool_problem=problem)


def other(hour: int, employee: str, name: str, event_type: str) -> PacketEntry:
    return PacketEntry(start=at(hour), end=at(hour, 30), employee_name=employee, event_name=name,
                       event_type=event_type)


def two_core_packet() -> PacketData:
    """Legacy acceptance case 27: Cores at 10:45 (A) and 11:15 (B), each with EDR and sales tool."""
    report_a = edr("606001", "Cheese Sampling", item("333832507", "Sharp Cheddar"),
                   item("551234", "Swiss Slices", gtin="0078742012345"))
    report_b = edr("606002", "Coffee Sampling", item("333832507", "Sharp Cheddar duplicate"),
                   item("700001", "Dark Roast Coffee", dept="BEVERAGES"))
    return PacketData(
        store_number="8135", store_name="Sam's Club Indianapolis", day=DAY,
        entries=(
            other(9, "Jamie Juicer", "Juicer Production", "Juicer"),
            core(10, 45, "606001", "Alice Adams", report=report_a, slot=SLOT_A,
                 sales_tool=one_page_pdf("SALES TOOL A")),
            core(11, 15, "606002", "Bob Brown", report=report_b, slot=SLOT_B,
                 sales_tool=one_page_pdf("SALES TOOL B")),
            other(12, "Carol Chief", "606001-Supervisor-Cheese", "Supervisor"),
        ),
        event_templates=(("Activity Log", one_page_pdf("ACTIVITY LOG TEMPLATE")),
                         ("Checkoff", one_page_pdf("CHECKOFF TEMPLATE"))),
        daily_templates=(("Juicer Checklist", one_page_pdf("JUICER CHECKLIST TEMPLATE")),),
        generated_at=PRINTED_AT,
    )


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page, whitespace collapsed to single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader(pdf).pages]


def compact(text: str) -> str:
    """``text`` without any whitespace (table cells wrap wherever the width runs out)."""
    return re.sub(r"\s+", "", text)


def outline_titles(pdf: bytes) -> list[object]:
    """The outline as nested lists of titles: ``[title, [child titles...]]`` per top-level item."""
    def walk(items: Sequence[Any]) -> list[object]:
        return [walk(entry) if isinstance(entry, list) else entry.title for entry in items]

    return walk(reader(pdf).outline)
