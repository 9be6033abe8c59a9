"""Weekly and per-employee schedule PDFs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.ports import EmployeeScheduleData, PacketEntry, WeekRow, WeekScheduleData
from integrations.pdf import PdfPacketRenderer
from tests.integration.pdf.pdf_samples import compact, page_texts, reader

SUNDAY = date(2025, 10, 5)


def week_data() -> WeekScheduleData:
    rows = (
        WeekRow("Alice Adams", "Lead Event Specialist",
                ("Off", "10:45 AM Core 606001", "Off", "11:15 AM Core 606010", "Off", "12:00 PM Supervisor",
                 "Off")),
        WeekRow("Bob Brown", "Event Specialist",
                ("10:45 AM Core 606002", "Off", "Time off", "Off", "11:45 AM Core 606020", "Off",
                 "10:00 AM Freeosk")),
        WeekRow("Jamie Juicer", "Juicer Barista",
                ("9:00 AM Juicer", "9:00 AM Juicer", "Off", "Off", "9:00 AM Juicer", "Holiday", "Off")),
    )
    return WeekScheduleData(store_name="Sam's Club Indianapolis", week_start=SUNDAY, rows=rows)


def shift(day: date, hour: int, name: str, event_type: str = "Core") -> PacketEntry:
    start = datetime(day.year, day.month, day.day, hour, 45)
    return PacketEntry(start=start, end=start + timedelta(minutes=390), employee_name="Alice Adams",
                       event_name=name, event_type=event_type)


def test_week_pdf_contains_every_employee_and_day_cell() -> None:
    data = week_data()
    pdf = PdfPacketRenderer().render_week(data)
    text = " ".join(page_texts(pdf))
    headings = ("Sun 10/05", "Mon 10/06", "Tue 10/07", "Wed 10/08", "Thu 10/09", "Fri 10/10", "Sat 10/11")
    for heading in headings:
        assert heading in text
    for row in data.rows:
        assert row.employee_name in text and row.job_title in text
        for cell in row.days:
            assert compact(cell) in compact(text), cell
    assert "Sunday, October 5, 2025 - Saturday, October 11, 2025" in text


def test_week_pdf_is_landscape() -> None:
    page = reader(PdfPacketRenderer().render_week(week_data())).pages[0]
    assert page.mediabox.width > page.mediabox.height


def test_week_rows_keep_their_order() -> None:
    text = " ".join(page_texts(PdfPacketRenderer().render_week(week_data())))
    assert text.index("Alice Adams") < text.index("Bob Brown") < text.index("Jamie Juicer")


def test_week_without_rows_says_nobody_is_scheduled() -> None:
    data = WeekScheduleData(store_name="Club", week_start=SUNDAY, rows=())
    assert "No employees scheduled this week." in page_texts(PdfPacketRenderer().render_week(data))[0]


def test_week_must_start_on_a_sunday() -> None:
    with pytest.raises(ValueError, match="Sunday"):
        WeekScheduleData(store_name="Club", week_start=SUNDAY + timedelta(days=1), rows=())


def test_week_row_needs_seven_cells() -> None:
    with pytest.raises(ValueError, match="7"):
        WeekRow("Alice", "Lead", ("Off",) * 6)


def test_employee_pdf_covers_two_weeks_with_every_assignment() -> None:
    entries = (shift(SUNDAY + timedelta(days=1), 10, "606001-CORE-Cheese"),
               shift(SUNDAY + timedelta(days=1), 12, "606001-Supervisor-Cheese", "Supervisor"),
               shift(SUNDAY + timedelta(days=9), 11, "606010-CORE-Coffee"))
    data = EmployeeScheduleData(store_name="Sam's Club Indianapolis", employee_name="Alice Adams",
                                start=SUNDAY, entries=entries)
    pdf = PdfPacketRenderer().render_employee(data)
    text = " ".join(page_texts(pdf))
    assert "Schedule for Alice Adams" in text
    assert "Sunday, October 5, 2025 - Saturday, October 18, 2025" in text
    for heading in ("Sun 10/05", "Sat 10/11", "Sun 10/12", "Sat 10/18"):
        assert heading in text
    for expected in ("10:45 AM - 5:15 PM 606001-CORE-Cheese (Core)",
                     "12:45 PM - 7:15 PM 606001-Supervisor-Cheese (Supervisor)",
                     "11:45 AM - 6:15 PM 606010-CORE-Coffee (Core)"):
        assert compact(expected) in compact(text), expected
    assert "Week of Sunday, October 5, 2025 - 1 day(s) scheduled" in text
    assert "Week of Sunday, October 12, 2025 - 1 day(s) scheduled" in text
    assert text.count("Off") == 12


def test_employee_pdf_ignores_days_outside_the_two_weeks() -> None:
    entries = (shift(SUNDAY - timedelta(days=1), 10, "BEFORE-EVENT"),
               shift(SUNDAY + timedelta(days=14), 10, "AFTER-EVENT"))
    data = EmployeeScheduleData(store_name="Club", employee_name="Alice Adams", start=SUNDAY,
                                entries=entries)
    text = " ".join(page_texts(PdfPacketRenderer().render_employee(data)))
    assert "BEFORE-EVENT" not in text and "AFTER-EVENT" not in text
    assert text.count("Off") == 14


def test_employee_schedule_must_start_on_a_sunday() -> None:
    with pytest.raises(ValueError, match="Sunday"):
        EmployeeScheduleData(store_name="Club", employee_name="Alice", start=SUNDAY - timedelta(days=2),
                             entries=())
