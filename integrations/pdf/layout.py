"""Shared ReportLab layout: paragraph styles, table styles, text formatting and the story builder."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, TableStyle

PageDecorator = Callable[[Canvas, Any], None]

MARGIN = 0.6 * inch
GRID_GREY = colors.HexColor("#777777")
HEADER_FILL = colors.HexColor("#E4E4E4")


@cache
def styles() -> StyleSheet1:
    """The sample stylesheet plus the packet's own named styles."""
    sheet = getSampleStyleSheet()
    sheet.add(ParagraphStyle("PacketTitle", parent=sheet["Title"], fontSize=18, leading=22,
                             spaceAfter=6))
    sheet.add(ParagraphStyle("Subtitle", parent=sheet["Normal"], alignment=TA_CENTER, fontSize=11,
                             leading=14, spaceAfter=8))
    sheet.add(ParagraphStyle("Cell", parent=sheet["Normal"], fontSize=9, leading=11))
    sheet.add(ParagraphStyle("CellBold", parent=sheet["Normal"], fontName="Helvetica-Bold",
                             fontSize=9, leading=11))
    sheet.add(ParagraphStyle("Notice", parent=sheet["Normal"], fontName="Helvetica-Bold",
                             fontSize=12, leading=15, alignment=TA_CENTER, spaceBefore=8,
                             spaceAfter=8))
    sheet.add(ParagraphStyle("Banner", parent=sheet["Title"], fontSize=28, leading=34,
                             textColor=colors.HexColor("#B00020"), spaceAfter=18))
    return sheet


def break_long_words(text: str, width: float, font: str, size: float) -> str:
    """``text`` with a space after hyphens inside words too wide for ``width`` points.

    Event names such as '606034-CORE-Cheese' then wrap at their hyphens instead of mid-word.
    """
    lines = []
    for line in text.split("\n"):
        words = []
        for word in line.split(" "):
            if "-" in word and stringWidth(word, font, size) > width:
                word = "- ".join(part for part in word.split("-"))
            words.append(word)
        lines.append(" ".join(words))
    return "\n".join(lines)


def para(text: str, style: str = "Cell", width: float | None = None) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept), hyphen-wrapped to ``width`` if given."""
    chosen = styles()[style]
    if width is not None:
        text = break_long_words(text, width, chosen.fontName, chosen.fontSize)
    return Paragraph(escape(text).replace("\n", "<br/>"), chosen)


def grid_style(*extra: tuple[Any, ...], header: bool = True) -> TableStyle:
    """A boxed grid table style, first row shaded as a header unless ``header`` is false."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                     ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
    commands.extend(extra)
    return TableStyle(commands)


def long_date(day: date) -> str:
    """'Wednesday, October 1, 2025'."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def us_date(day: date) -> str:
    """'10-01-2025' (MM-DD-YYYY)."""
    return f"{day:%m-%d-%Y}"


def build_pdf(story: Sequence[Flowable], *, title: str, pagesize: tuple[float, float] = letter,
              on_page: PageDecorator | None = None, invariant: bool = False) -> bytes:
    """Lay ``story`` out on pages and return the PDF bytes."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, title=title, author="schedbot",
                            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, invariant=1 if invariant else 0)
    decorate: PageDecorator = on_page if on_page is not None else _no_decoration
    doc.build(list(story), onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


def footer(text: str) -> PageDecorator:
    """A page decorator that writes ``text`` at the bottom left of every page."""

    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(MARGIN, MARGIN / 2, text)
        canvas.restoreState()

    return draw


def _no_decoration(canvas: Canvas, doc: Any) -> None:
    return None
