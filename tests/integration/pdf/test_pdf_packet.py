"""The merged daily packet read back with pypdf: order, content, outline and metadata."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.ports import PacketData, PacketRenderer
from integrations.pdf import PdfPacketRenderer
from tests.integration.pdf.pdf_samples import (
    PRINTED_AT,
    core,
    edr,
    item,
    other,
    outline_titles,
    page_texts,
    pdf_of_pages,
    reader,
    two_core_packet,
)


def render(packet: PacketData) -> bytes:
    renderer: PacketRenderer = PdfPacketRenderer()
    return renderer.render(packet)


def section_of(text: str) -> str:
    """A short label of what a packet page is, from its text."""
    markers = (("Daily Schedule -", "schedule"), ("Daily Item List", "items"),
               ("EVENT DETAIL REPORT 606001", "EDR(A)"), ("SALES TOOL A", "SalesTool(A)"),
               ("EVENT DETAIL REPORT 606002", "EDR(B)"), ("SALES TOOL B", "SalesTool(B)"),
               ("ACTIVITY LOG TEMPLATE", "activity"), ("CHECKOFF TEMPLATE", "checkoff"),
               ("JUICER CHECKLIST TEMPLATE", "daily"))
    flat = text.replace("Event Scheduled On 10-01-2025 Event Number Event Name ", "")
    flat = flat.replace("Printed: 10-01-2025 at 5:30 AM ", "")
    return next((label for marker, label in markers if marker in flat), f"unknown: {text[:60]}")


def test_two_core_packet_pages_follow_legacy_order() -> None:
    texts = page_texts(render(two_core_packet()))
    assert [section_of(t) for t in texts] == [
        "schedule", "items",
        "EDR(A)", "SalesTool(A)", "activity", "checkoff",
        "EDR(B)", "SalesTool(B)", "activity", "checkoff",
        "daily",
    ]


def test_cores_are_sectioned_in_time_order_whatever_the_input_order() -> None:
    packet = two_core_packet()
    shuffled = dataclasses.replace(packet, entries=tuple(reversed(packet.entries)))
    labels = [section_of(t) for t in page_texts(render(shuffled))]
    assert labels.index("EDR(A)") < labels.index("EDR(B)")


def test_one_edr_page_per_core_event() -> None:
    texts = page_texts(render(two_core_packet()))
    assert sum("EVENT DETAIL REPORT" in t for t in texts) == 2


def test_schedule_page_lists_every_entry_by_time_with_header() -> None:
    schedule = page_texts(render(two_core_packet()))[0]
    assert "Wednesday, October 1, 2025" in schedule
    assert "Sam's Club Indianapolis" in schedule
    rows = ["9:00 AM - 9:30 AM Jamie Juicer Juicer Production Juicer",
            "10:45 AM - 5:15 PM Alice Adams 606001-CORE-Sample Event 606001 Core",
            "11:15 AM - 5:45 PM Bob Brown 606002-CORE-Sample Event 606002 Core",
            "12:00 PM - 12:30 PM Carol Chief 606001-Supervisor-Cheese Supervisor"]
    positions = [schedule.index(row) for row in rows]
    assert positions == sorted(positions)


def test_schedule_orders_equal_times_by_event_type() -> None:
    packet = dataclasses.replace(two_core_packet(), entries=(
        other(10, "Olga Other", "Other Thing", "Other"),
        other(10, "Fred Freeosk", "Freeosk Refill", "Freeosk"),
        other(10, "Dana Digital", "Digital Setup", "Digitals"),
    ))
    schedule = page_texts(render(packet))[0]
    assert schedule.index("Freeosk Refill") < schedule.index("Digital Setup") < schedule.index("Other Thing")


def test_item_list_deduplicates_and_counts() -> None:
    items_page = page_texts(render(two_core_packet()))[1]
    assert "Sharp Cheddar" in items_page
    assert "Sharp Cheddar duplicate" not in items_page
    assert items_page.index("Sharp Cheddar") < items_page.index("Swiss Slices") < items_page.index(
        "Dark Roast Coffee")
    assert "Total Items: 3" in items_page


def test_edr_page_shows_event_details_shift_and_signature_block() -> None:
    edr_a = page_texts(render(two_core_packet()))[2]
    for expected in ("EVENT DETAIL REPORT", "606001", "Cheese Sampling", "10-01-2025", "Demo",
                     "APPROVED", "YES", "Item Number Description Category", "333832507 Sharp Cheddar",
                     "GROCERY", "Prep steps for 606001",
                     "START: 10:45 AM | LUNCH: 1:30 PM - 2:00 PM | LEAVE: 5:15 PM",
                     "MUST BE SIGNED AND DATED", "Scheduled Employee: Alice Adams",
                     "Employee Signature:", "Date Performed:", "Supervisor Signature:",
                     "Printed: 10-01-2025 at 5:30 AM"):
        assert expected in edr_a, expected


def test_edr_page_without_core_slot_shows_start_and_leave_only() -> None:
    report = edr("606001", "Cheese Sampling", item("1", "x"), locked=False)
    packet = dataclasses.replace(two_core_packet(), entries=(
        core(10, 50, "606001", "Alice Adams", report=report, slot=None),))
    edr_page = page_texts(render(packet))[2]
    assert "START: 10:50 AM | LEAVE: 5:20 PM" in edr_page
    assert "LUNCH" not in edr_page
    assert "NO" in edr_page


def test_outline_has_sections_and_core_children() -> None:
    assert outline_titles(render(two_core_packet())) == [
        "Daily Schedule",
        "Daily Item List",
        "10:45 AM 606001 Alice Adams", ["EDR", "Sales Tool", "Activity Log", "Checkoff"],
        "11:15 AM 606002 Bob Brown", ["EDR", "Sales Tool", "Activity Log", "Checkoff"],
        "Daily Templates", ["Juicer Checklist"],
    ]


def test_outline_points_each_core_at_its_edr_page() -> None:
    pdf_reader = reader(render(two_core_packet()))
    top = [entry for entry in pdf_reader.outline if not isinstance(entry, list)]
    pages = [pdf_reader.get_destination_page_number(entry) for entry in top]
    assert pages == [0, 1, 2, 6, 10]


def test_metadata_names_store_day_and_author() -> None:
    meta = reader(render(two_core_packet())).metadata
    assert meta is not None
    assert meta.title == "Daily Packet Sam's Club Indianapolis 2025-10-01"
    assert meta.author == "schedbot"
    assert meta.subject is not None and "8135" in meta.subject
    assert meta.creation_date is not None
    assert meta.creation_date.replace(tzinfo=None) == PRINTED_AT


def test_creation_date_keeps_the_utc_offset() -> None:
    packet = dataclasses.replace(two_core_packet(), generated_at=datetime(2025, 10, 1, 9, 30, tzinfo=UTC))
    meta = reader(render(packet)).metadata
    assert meta is not None and meta.creation_date == datetime(2025, 10, 1, 9, 30, tzinfo=UTC)


def test_day_without_core_events_has_schedule_item_notice_and_daily_templates() -> None:
    juicer_only = (other(9, "Jamie", "Juicer Production", "Juicer"),)
    packet = dataclasses.replace(two_core_packet(), entries=juicer_only)
    texts = page_texts(render(packet))
    assert len(texts) == 3
    assert "No items found for today's events." in texts[1]
    assert "JUICER CHECKLIST TEMPLATE" in texts[2]


def test_multi_page_sales_tool_is_included_whole() -> None:
    entry = core(10, 45, "606001", "Alice", report=edr("606001", "A"),
                 sales_tool=pdf_of_pages("TOOL PAGE 1", "TOOL PAGE 2"))
    packet = dataclasses.replace(two_core_packet(), entries=(entry,), event_templates=(), daily_templates=())
    texts = page_texts(render(packet))
    assert texts[3:] == ["TOOL PAGE 1", "TOOL PAGE 2"]


def test_renderer_uses_clock_when_packet_has_no_generation_time() -> None:
    fixed = datetime(2025, 10, 1, 6, 5)
    packet = dataclasses.replace(two_core_packet(), generated_at=None)
    texts = page_texts(PdfPacketRenderer(now=lambda: fixed).render(packet))
    assert "Printed: 10-01-2025 at 6:05 AM" in texts[2]


def test_creation_date_keeps_a_negative_store_offset() -> None:
    store_time = datetime(2025, 10, 1, 5, 30, tzinfo=ZoneInfo("America/Indiana/Indianapolis"))
    meta = reader(render(dataclasses.replace(two_core_packet(), generated_at=store_time))).metadata
    assert meta is not None and meta.creation_date == store_time


def test_markup_characters_in_names_are_printed_literally() -> None:
    name = "Pat O'Neil & <Lead>"
    packet = two_core_packet()
    entry = dataclasses.replace(packet.entries[1], employee_name=name)
    texts = page_texts(render(dataclasses.replace(packet, entries=(entry,))))
    assert name in texts[0]
    assert f"Scheduled Employee: {name}" in texts[2]
