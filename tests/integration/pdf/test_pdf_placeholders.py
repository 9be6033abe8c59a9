"""Whatever the packet cannot include is replaced by a marked page, never silently dropped."""

from __future__ import annotations

import dataclasses
from typing import Any

from core.ports import PacketData
from integrations.pdf import PdfPacketRenderer
from integrations.pdf.merge import readable_pdf
from integrations.pdf.placeholders import DEFAULT_EDR_REASON
from tests.integration.pdf.pdf_samples import (
    DAY,
    core,
    edr,
    one_page_pdf,
    outline_titles,
    page_texts,
    two_core_packet,
)

HTML_LOGIN_PAGE = b"<!DOCTYPE html><html><body>Please log in</body></html>"


def single_core(**changes: Any) -> PacketData:
    entry = dataclasses.replace(core(10, 45, "606001", "Alice Adams", report=edr("606001", "Cheese")),
                                **changes)
    return dataclasses.replace(two_core_packet(), entries=(entry,), event_templates=(),
                               daily_templates=())


def render(packet: PacketData) -> list[str]:
    return page_texts(PdfPacketRenderer().render(packet))


def test_missing_edr_gets_marked_page_with_the_packet_note() -> None:
    note = "No Retail Link code was entered by 7:00 AM."
    packet = dataclasses.replace(single_core(edr=None), edr_note=note)
    texts = render(packet)
    assert len(texts) == 3
    placeholder = texts[2]
    assert "EDR NOT AVAILABLE" in placeholder
    assert "606001" in placeholder and "606001-CORE-Sample Event 606001" in placeholder
    assert "No Retail Link code was entered by 7:00 AM." in placeholder


def test_missing_edr_without_note_gives_default_reason() -> None:
    placeholder = render(single_core(edr=None))[2]
    assert "EDR NOT AVAILABLE" in placeholder
    assert DEFAULT_EDR_REASON in placeholder


def test_missing_edr_is_flagged_on_the_item_list() -> None:
    items_page = render(single_core(edr=None))[1]
    assert "No items found for today's events." in items_page
    assert "No EDR data for: 606001" in items_page
    assert "Total Items: 0" in items_page


def test_partial_edr_lists_known_items_and_names_the_missing_event() -> None:
    packet = two_core_packet()
    with_gap = dataclasses.replace(packet, entries=(
        packet.entries[1], dataclasses.replace(packet.entries[2], edr=None)))
    items_page = render(with_gap)[1]
    assert "No EDR data for: 606002" in items_page
    assert "Total Items: 2" in items_page


def test_html_instead_of_sales_tool_pdf_gets_marked_page() -> None:
    texts = render(single_core(sales_tool_pdf=HTML_LOGIN_PAGE))
    assert len(texts) == 4
    assert "SALES TOOL NOT AVAILABLE" in texts[3]
    assert "not a readable PDF" in texts[3]


def test_sales_tool_download_problem_is_explained() -> None:
    texts = render(single_core(sales_tool_problem="Crossmark returned HTTP 404 for the sales tool."))
    assert "SALES TOOL NOT AVAILABLE" in texts[3]
    assert "Crossmark returned HTTP 404 for the sales tool." in texts[3]


def test_sales_tool_problem_is_bookmarked_as_not_available() -> None:
    outline = outline_titles(PdfPacketRenderer().render(single_core(sales_tool_pdf=b"%PDF-1.7 broken")))
    assert outline[3] == ["EDR", "Sales Tool (not available)"]


def test_event_without_sales_tool_url_has_no_sales_tool_page() -> None:
    texts = render(single_core())
    assert len(texts) == 3
    assert not any("SALES TOOL" in t for t in texts)


def test_unreadable_template_gets_marked_page() -> None:
    packet = dataclasses.replace(single_core(), event_templates=(("Activity Log", b"not a pdf"),),
                                 daily_templates=(("Checklist", one_page_pdf("CHECKLIST")),))
    texts = render(packet)
    assert "TEMPLATE NOT AVAILABLE" in texts[3] and "Activity Log" in texts[3]
    assert texts[4] == "CHECKLIST"


def test_empty_day_is_a_single_page_saying_so() -> None:
    packet = PacketData(store_number="8135", store_name="Sam's Club Indianapolis", day=DAY, entries=(),
                        daily_templates=(("Checklist", one_page_pdf("CHECKLIST")),))
    pdf = PdfPacketRenderer().render(packet)
    texts = page_texts(pdf)
    assert len(texts) == 1
    assert "No events scheduled for 10-01-2025" in texts[0]
    assert "Wednesday, October 1, 2025" in texts[0]


def test_readable_pdf_accepts_real_pdfs_only() -> None:
    assert readable_pdf(one_page_pdf("ok")) is not None
    truncated = one_page_pdf("ok")[:200]
    for data in (None, b"", HTML_LOGIN_PAGE, b"%PDF-1.4\n%%EOF", truncated):
        assert readable_pdf(data) is None


def test_edr_with_no_items_says_so() -> None:
    texts = render(single_core(edr=edr("606001", "Cheese")))
    assert "No items listed for this event." in texts[2]
