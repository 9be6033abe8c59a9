"""The daily schedule page: every assignment of the day, rendered from HTML with xhtml2pdf."""

from __future__ import annotations

import io
from functools import cache
from html import escape
from importlib.resources import files
from string import Template

from xhtml2pdf import pisa

from core.ports import PacketData, PacketEntry
from integrations.pdf.entries import clock, schedule_order
from integrations.pdf.layout import long_date

TEMPLATE_NAME = "daily_schedule.html"


class ScheduleRenderError(RuntimeError):
    """xhtml2pdf reported errors while rendering the schedule page."""


@cache
def _template() -> Template:
    source = files("integrations.pdf").joinpath("templates", TEMPLATE_NAME).read_text(encoding="utf-8")
    return Template(source)


def _row(entry: PacketEntry) -> str:
    cells = (
        f'<td class="time">{escape(clock(entry.start))} - {escape(clock(entry.end))}</td>',
        f"<td>{escape(entry.employee_name)}</td>",
        f"<td>{escape(entry.event_name)}</td>",
        f"<td>{escape(entry.event_type)}</td>",
    )
    return "    <tr>" + "".join(cells) + "</tr>"


def schedule_html(packet: PacketData) -> str:
    """The filled-in HTML of the daily schedule page."""
    entries = schedule_order(packet.entries)
    rows = "\n".join(_row(e) for e in entries) or (
        '    <tr><td colspan="4">No events scheduled.</td></tr>')
    store = f"{packet.store_name} (Club {packet.store_number})"
    noun = "assignment" if len(entries) == 1 else "assignments"
    return _template().substitute(
        title=escape(f"Daily Schedule {packet.day.isoformat()}"),
        long_date=escape(long_date(packet.day)),
        subtitle=escape(f"Daily Schedule - {store}"),
        rows=rows,
        count=escape(f"{len(entries)} {noun}"),
    )


def render_schedule_page(packet: PacketData) -> bytes:
    """The daily schedule as PDF bytes (one page for a normal day; more if the list is long)."""
    out = io.BytesIO()
    status = pisa.CreatePDF(schedule_html(packet), dest=out, encoding="utf-8")
    if status.err:
        raise ScheduleRenderError(f"xhtml2pdf failed with {status.err} error(s)")
    return out.getvalue()
