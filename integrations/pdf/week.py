"""Schedule PDFs: the store's week (Sunday .. Saturday) and one employee's two weeks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from core.ports import EmployeeScheduleData, PacketEntry, WeekRow, WeekScheduleData
from integrations.pdf.entries import entry_text, schedule_order
from integrations.pdf.layout import MARGIN, build_pdf, grid_style, long_date, para, styles

DAYS_PER_WEEK = 7
EMPLOYEE_WEEKS = 2
PAGE = landscape(letter)
NAME_WIDTH = 1.7 * inch
DAY_WIDTH = 1.15 * inch
OFF = "Off"
CELL_PADDING = 12


def week_days(start: date) -> list[date]:
    """The seven days from ``start``."""
    return [start + timedelta(days=i) for i in range(DAYS_PER_WEEK)]


def day_heading(day: date) -> str:
    """'Sun 10/05'."""
    return f"{day:%a %m/%d}"


def _range_text(start: date, days: int) -> str:
    return f"{long_date(start)} - {long_date(start + timedelta(days=days - 1))}"


def _employee_cell(row: WeekRow) -> Flowable:
    return Paragraph(f"<b>{escape(row.employee_name)}</b><br/><font size=7>{escape(row.job_title)}</font>",
                     styles()["Cell"])


def _week_table(data: WeekScheduleData) -> Table:
    header: list[str | Flowable] = ["Employee", *(day_heading(d) for d in week_days(data.week_start))]
    rows: list[list[str | Flowable]] = [header]
    for row in data.rows:
        rows.append([_employee_cell(row), *(para(text, width=DAY_WIDTH - CELL_PADDING) for text in row.days)])
    if not data.rows:
        rows.append([para("No employees scheduled this week."), *([""] * DAYS_PER_WEEK)])
    return Table(rows, colWidths=(NAME_WIDTH, *([DAY_WIDTH] * DAYS_PER_WEEK)), repeatRows=1,
                 style=grid_style(("VALIGN", (0, 1), (-1, -1), "TOP")))


def render_week_schedule(data: WeekScheduleData) -> bytes:
    """The weekly schedule PDF (landscape letter)."""
    sheet = styles()
    story: list[Flowable] = [
        Paragraph("Weekly Schedule", sheet["PacketTitle"]),
        para(f"{data.store_name} - {_range_text(data.week_start, DAYS_PER_WEEK)}", "Subtitle"),
        _week_table(data),
    ]
    return build_pdf(story, title=f"Weekly Schedule {data.week_start.isoformat()}", pagesize=PAGE)


def _entries_by_day(entries: tuple[PacketEntry, ...]) -> dict[date, list[PacketEntry]]:
    by_day: dict[date, list[PacketEntry]] = defaultdict(list)
    for entry in schedule_order(entries):
        by_day[entry.start.date()].append(entry)
    return by_day


def _employee_week(start: date, by_day: dict[date, list[PacketEntry]]) -> Table:
    days = week_days(start)
    cells: list[str | Flowable] = []
    width = (PAGE[0] - 2 * MARGIN) / DAYS_PER_WEEK
    for day in days:
        texts = [entry_text(e) for e in by_day.get(day, [])]
        cells.append(para("\n\n".join(texts) if texts else OFF, width=width - CELL_PADDING))
    return Table([[day_heading(d) for d in days], cells], colWidths=[width] * DAYS_PER_WEEK,
                 style=grid_style(("VALIGN", (0, 1), (-1, -1), "TOP")))


def render_employee_schedule(data: EmployeeScheduleData) -> bytes:
    """One employee's two weeks from ``data.start`` (landscape letter); other days are ignored."""
    sheet = styles()
    by_day = _entries_by_day(data.entries)
    story: list[Flowable] = [
        Paragraph(f"Schedule for {escape(data.employee_name)}", sheet["PacketTitle"]),
        para(f"{data.store_name} - {_range_text(data.start, DAYS_PER_WEEK * EMPLOYEE_WEEKS)}", "Subtitle"),
    ]
    for week in range(EMPLOYEE_WEEKS):
        start = data.start + timedelta(weeks=week)
        worked = sum(1 for d in week_days(start) if by_day.get(d))
        story += [Paragraph(f"Week of {escape(long_date(start))} - {worked} day(s) scheduled",
                            sheet["Heading3"]),
                  _employee_week(start, by_day), Spacer(1, 10)]
    return build_pdf(story, title=f"Schedule {data.employee_name} {data.start.isoformat()}", pagesize=PAGE)
