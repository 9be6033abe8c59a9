"""Paperwork templates shipped inside the package: the blank forms, their generator, and the list
used to seed ``PaperworkTemplate`` rows.

Regenerate the committed PDFs under ``templates/`` with
``python -c "from integrations.pdf.template_files import generate_templates; generate_templates()"``;
the output is byte-for-byte reproducible for a given ReportLab version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from integrations.pdf.layout import build_pdf, grid_style, para, styles

TEMPLATE_DIR = Path(__file__).with_name("templates")
ACTIVITY_LOG_FILE = "Event_Table_Activity_Log.pdf"
CHECKOFF_FILE = "Daily_Task_Checkoff_Sheet.pdf"
EVENT = "event"
DAILY = "daily"

ACTIVITY_LOG_TITLE = "EVENT TABLE ACTIVITY LOG"
CHECKOFF_TITLE = "DAILY TASK CHECKOFF SHEET"
ACTIVITY_COLUMNS = ("Time", "Samples Served", "Items Sold", "Coupons Given", "Table Clean (Initials)",
                    "Notes")
ACTIVITY_ROWS = 16
DAILY_TASKS = (
    "Print the daily packet and hand each demonstrator their pages",
    "Pull product for today's events using the Daily Item List",
    "Set up demo tables, signage and sales tools",
    "Check cooler and freezer temperatures before sampling",
    "Confirm every scheduled demonstrator has arrived",
    "Supervisor walk-through of every demo table",
    "Collect signed and dated EDRs and activity logs",
    "Clean and sanitize all demo areas at close",
    "Report no-shows and call-outs to the manager",
    "Review tomorrow's schedule and item list",
)


def _field_line(labels: tuple[str, ...]) -> Table:
    cells = [[para(f"{label}:", "CellBold"), ""] for label in labels]
    flat = [cell for pair in cells for cell in pair]
    width = 7.3 * inch / len(labels)
    underline = [("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.75, colors.black)
                 for i in range(len(labels))]
    return Table([flat], colWidths=[width * 0.42, width * 0.58] * len(labels),
                 style=TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), *underline]))


def activity_log_story() -> list[Flowable]:
    """The event-level activity log: event details, then a half-hourly tally table."""
    sheet = styles()
    header = [para(text, "CellBold") for text in ACTIVITY_COLUMNS]
    rows: list[list[str | Flowable]] = [header, *([[""] * len(ACTIVITY_COLUMNS)] * ACTIVITY_ROWS)]
    table = Table(rows, colWidths=(0.9 * inch, 1.0 * inch, 0.9 * inch, 1.0 * inch, 1.1 * inch, 2.4 * inch),
                  rowHeights=[0.42 * inch] + [0.36 * inch] * ACTIVITY_ROWS, style=grid_style())
    return [
        Paragraph(ACTIVITY_LOG_TITLE, sheet["PacketTitle"]),
        para("Record table activity every 30 minutes. Keep with the event's EDR.", "Subtitle"),
        _field_line(("Event Number", "Date")),
        Spacer(1, 4),
        _field_line(("Event Name", "Demonstrator")),
        Spacer(1, 10),
        table,
        Spacer(1, 12),
        _field_line(("Demonstrator Signature", "Supervisor Signature")),
    ]


def checkoff_story() -> list[Flowable]:
    """The daily checklist of the lead on duty: one line per task with initials and time."""
    sheet = styles()
    rows: list[list[str | Flowable]] = [["Task", "Done (Initials)", "Time", "Notes"]]
    rows += [[para(task), "", "", ""] for task in DAILY_TASKS]
    table = Table(rows, colWidths=(3.4 * inch, 1.1 * inch, 0.8 * inch, 2.0 * inch),
                  rowHeights=[0.3 * inch] + [0.48 * inch] * len(DAILY_TASKS), style=grid_style())
    return [
        Paragraph(CHECKOFF_TITLE, sheet["PacketTitle"]),
        para("Complete once per day. Turn in with the signed EDRs.", "Subtitle"),
        _field_line(("Date", "Lead on Duty")),
        Spacer(1, 10),
        table,
        Spacer(1, 12),
        _field_line(("Lead Signature", "Manager Signature")),
    ]


FORMS: dict[str, tuple[str, Callable[[], list[Flowable]]]] = {
    ACTIVITY_LOG_FILE: (ACTIVITY_LOG_TITLE, activity_log_story),
    CHECKOFF_FILE: (CHECKOFF_TITLE, checkoff_story),
}


def render_form(file_name: str) -> bytes:
    """The PDF bytes of one shipped form, reproducibly (no timestamps or random ids)."""
    title, story = FORMS[file_name]
    return build_pdf(story(), title=title, invariant=True)


def generate_templates(directory: Path = TEMPLATE_DIR) -> list[Path]:
    """Write every shipped form into ``directory``; returns the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name in FORMS:
        path = directory / file_name
        path.write_bytes(render_form(file_name))
        written.append(path)
    return written


class ShippedTemplate(NamedTuple):
    """A template PDF in the package: display name, category ('event' | 'daily'), order, file path."""

    name: str
    category: str
    display_order: int
    path: str


_SHIPPED = (
    ("Event Table Activity Log", EVENT, 1, ACTIVITY_LOG_FILE),
    ("Daily Task Checkoff Sheet", DAILY, 1, CHECKOFF_FILE),
)


def shipped_templates() -> list[ShippedTemplate]:
    """Every shipped template with the absolute path of its PDF inside the installed package."""
    return [ShippedTemplate(name, category, order, str(TEMPLATE_DIR / file_name))
            for name, category, order, file_name in _SHIPPED]
