"""Sales-tool PDFs for the Crossmark sandbox, drawn with reportlab (one page per mPlan)."""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

BROKEN_PAGE = (b"<!DOCTYPE html><html><head><title>MVRetail</title></head><body>"
               b"<p>The requested document is no longer available.</p></body></html>")


def sales_tool_pdf(mplan_id: int, name: str, start: date, end: date) -> bytes:
    """A one-page instruction sheet naming the mPlan, its window and a few demo steps."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=LETTER, invariant=True)
    pdf.setTitle(f"Sales tool {mplan_id}")
    width, height = LETTER
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(54, height - 72, "EVENT INSTRUCTIONS")
    pdf.setFont("Helvetica", 12)
    lines = [
        name,
        f"mPlan {mplan_id}",
        f"Window {start:%m/%d/%Y} - {end:%m/%d/%Y}",
        "",
        "1. Pick up product from the club and check the dates.",
        "2. Set up the cart with signage facing the main aisle.",
        "3. Offer samples and mention the featured items.",
        "4. Record the units sold and clean the area at the end.",
    ]
    y = height - 110
    for line in lines:
        pdf.drawString(54, y, line)
        y -= 18
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(54, 54, "Sandbox document - not an official Crossmark sales tool")
    pdf.line(54, 66, width - 54, 66)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
