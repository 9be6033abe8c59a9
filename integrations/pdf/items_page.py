"""The daily item list: unique items of the day's Core events, one scannable barcode each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from core.ports import EdrItem, PacketData, PacketEntry
from integrations.pdf.barcodes import BarcodeSpec, barcode_drawing, barcode_spec, item_number_for_barcode
from integrations.pdf.entries import core_entries, event_number_of
from integrations.pdf.layout import build_pdf, grid_style, long_date, para, styles

TITLE = "Daily Item List"
HELP_TEXT = "Use this list for getting the next day's product and printing price signs."
NO_ITEMS = "No items found for today's events."
BARCODE_WIDTH = 1.6 * inch
BARCODE_HEIGHT = 0.6 * inch
COLUMN_WIDTHS = (1.0 * inch, 1.3 * inch, BARCODE_WIDTH + 0.2 * inch, 3.0 * inch)


@dataclass(frozen=True)
class ListedItem:
    """An item line of the list with the barcode chosen for it (``None`` when it has no digits)."""

    item: EdrItem
    barcode: BarcodeSpec | None


def unique_items(entries: Iterable[PacketEntry]) -> list[ListedItem]:
    """Items of the Core entries' EDRs in event time order, de-duplicated by item number.

    The first occurrence of an item number wins; entries without an EDR contribute nothing.
    """
    seen: set[str] = set()
    listed: list[ListedItem] = []
    for entry in core_entries(entries):
        if entry.edr is None:
            continue
        for item in entry.edr.items:
            key = item.item_number.strip()
            if key in seen:
                continue
            seen.add(key)
            listed.append(ListedItem(item, barcode_spec(item_number_for_barcode(item))))
    return listed


def _missing_edr_note(entries: Iterable[PacketEntry]) -> str | None:
    missing = [event_number_of(e) or e.event_name for e in core_entries(entries) if e.edr is None]
    if not missing:
        return None
    return "No EDR data for: " + ", ".join(missing) + ". Their items are not on this list."


def _item_table(listed: list[ListedItem]) -> Table:
    header: list[str | Flowable] = ["Item Number", "UPC Number", "Barcode", "Description"]
    rows: list[list[str | Flowable]] = [header]
    for line in listed:
        code: str | Flowable
        if line.barcode is None:
            code, number = para("no number to encode"), ""
        else:
            code, number = barcode_drawing(line.barcode, BARCODE_WIDTH, BARCODE_HEIGHT), line.barcode.value
        rows.append([para(line.item.item_number), para(number), code, para(line.item.description)])
    return Table(rows, colWidths=COLUMN_WIDTHS, repeatRows=1,
                 style=grid_style(("ALIGN", (2, 1), (2, -1), "CENTER"),
                                  ("TOPPADDING", (2, 1), (2, -1), 5),
                                  ("BOTTOMPADDING", (2, 1), (2, -1), 5)))


def render_items_page(packet: PacketData) -> bytes:
    """The item list PDF: header, barcode table (or the no-items notice), 'Total Items: N'."""
    sheet = styles()
    listed = unique_items(packet.entries)
    story: list[Flowable] = [
        Paragraph(TITLE, sheet["PacketTitle"]),
        para(f"{long_date(packet.day)} - {packet.store_name} (Club {packet.store_number})", "Subtitle"),
        para(HELP_TEXT, "Normal"),
        Spacer(1, 8),
    ]
    note = _missing_edr_note(packet.entries)
    if note is not None:
        story += [para(note, "CellBold"), Spacer(1, 6)]
    if listed:
        story.append(_item_table(listed))
    else:
        story.append(para(NO_ITEMS, "Notice"))
    story += [Spacer(1, 10), para(f"Total Items: {len(listed)}", "Heading3")]
    return build_pdf(story, title=f"{TITLE} {packet.day.isoformat()}")
