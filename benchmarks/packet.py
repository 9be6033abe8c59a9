"""Benchmark: render the daily packet of a busy day (20 Core events, 150 unique items).

Usage: ``python benchmarks/packet.py [--json] [--out FILE]``. Prints wall time of one render, the page
count and the peak memory growth of the process during the render (ru_maxrss delta).
Targets: under 3 s and under 300 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from core.ports import EdrItem, EdrReport, PacketData, PacketEntry
from integrations.pdf import PdfPacketRenderer, shipped_templates

DAY = date(2025, 10, 1)
CORE_EVENTS = 20
UNIQUE_ITEMS = 150
SLOTS = (("10:45 AM", "1:30 PM", "2:00 PM", "5:15 PM"), ("11:15 AM", "2:15 PM", "2:45 PM", "5:45 PM"),
         ("11:45 AM", "2:45 PM", "3:15 PM", "6:15 PM"), ("12:15 PM", "3:45 PM", "4:15 PM", "6:45 PM"))
SLOT_STARTS = ((10, 45), (11, 15), (11, 45), (12, 15))


def sales_tool_pdf(number: str) -> bytes:
    """A small two-page sales tool like the ones Crossmark links to."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=letter)
    for page in (1, 2):
        canvas.setFont("Helvetica-Bold", 24)
        canvas.drawString(72, 700, f"Sales tool {number} page {page}")
        canvas.setFont("Helvetica", 11)
        for line in range(30):
            canvas.drawString(72, 660 - 18 * line, f"Talking point {line + 1}: try the product today.")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def synthetic_item(index: int) -> EdrItem:
    """Items whose numbers exercise every barcode path (short, 12-digit, GTIN-13/14)."""
    item_number = str(100_000_000 + index * 7919)
    gtins = (None, f"0{index:05d}{index:05d}", f"00{index:06d}{index:05d}", f"0{index:06d}{index:06d}")
    gtin = gtins[index % 4]
    return EdrItem(item_number=item_number, description=f"Sample product {index} family size",
                   gtin=gtin, dept_description=("GROCERY", "DAIRY", "FROZEN", "BEVERAGES")[index % 4])


def busy_day() -> PacketData:
    """20 Core events (each 9 items, 150 unique across the day) plus their Supervisor lines."""
    items = [synthetic_item(i) for i in range(UNIQUE_ITEMS)]
    entries: list[PacketEntry] = []
    for event in range(CORE_EVENTS):
        number = f"{606000 + event}"
        hour, minute = SLOT_STARTS[event % 4]
        start = datetime(DAY.year, DAY.month, DAY.day, hour, minute)
        own = [items[(event * 8 + k) % UNIQUE_ITEMS] for k in range(9)]
        report = EdrReport(event_number=number, name=f"Demo {number}", event_date=DAY, event_type="Demo",
                           status="APPROVED", locked=True, prep_instructions="Keep samples cold.",
                           portion_instructions="One ounce per cup.", items=tuple(own))
        entries.append(PacketEntry(start=start, end=start + timedelta(minutes=390),
                                   employee_name=f"Demonstrator {event + 1}",
                                   event_name=f"{number}-CORE-Demo {number}", event_type="Core",
                                   event_number=number, core_slot=SLOTS[event % 4], edr=report,
                                   sales_tool_pdf=sales_tool_pdf(number)))
        supervisor_start = datetime(DAY.year, DAY.month, DAY.day, 12, 0) + timedelta(minutes=5 * event)
        entries.append(PacketEntry(start=supervisor_start, end=supervisor_start + timedelta(minutes=5),
                                   employee_name="Club Supervisor", event_name=f"{number}-Supervisor-Demo",
                                   event_type="Supervisor"))
    templates = shipped_templates()
    event_templates = tuple((t.name, Path(t.path).read_bytes()) for t in templates if t.category == "event")
    daily_templates = tuple((t.name, Path(t.path).read_bytes()) for t in templates if t.category == "daily")
    return PacketData(store_number="8135", store_name="Sam's Club Benchmark", day=DAY,
                      entries=tuple(sorted(entries, key=lambda e: e.start)),
                      event_templates=event_templates, daily_templates=daily_templates,
                      generated_at=datetime(2025, 10, 1, 5, 30))


def max_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help='print {"seconds", "pages", "peak_mb"}')
    parser.add_argument("--out", type=Path, help="also write the packet PDF here")
    args = parser.parse_args(argv)

    packet = busy_day()
    renderer = PdfPacketRenderer()
    rss_before = max_rss_mb()
    started = time.perf_counter()
    pdf = renderer.render(packet)
    seconds = time.perf_counter() - started
    peak_mb = max_rss_mb() - rss_before
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if args.out is not None:
        args.out.write_bytes(pdf)
    if args.json:
        print(json.dumps({"seconds": round(seconds, 3), "pages": pages, "peak_mb": round(peak_mb, 1)}))
    else:
        print(f"packet: {CORE_EVENTS} Core events, {UNIQUE_ITEMS} unique items")
        print(f"wall time: {seconds:.3f} s (target < 3 s)")
        print(f"pages: {pages} ({len(pdf) / 1024:.0f} KiB)")
        print(f"peak memory growth: {peak_mb:.1f} MB (target < 300 MB; process peak {max_rss_mb():.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
