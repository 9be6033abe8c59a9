"""Retail Link Event Management wire formats (legacy-domain.md §4.2) → ``EdrReport``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from core.ports import EdrItem, EdrReport

EVENT_STATUS_CODES: dict[int, str] = {
    0: "NEW", 1: "REQUESTED", 2: "APPROVED", 3: "CANCELLED", 4: "PERFORMED", 5: "NONPERFORMED",
    6: "CLUB DELETED", 7: "BILLED", 15: "REJECTED", 16: "SCREENED", 17: "CONFLICTED",
    18: "PRODUCT FINALIZED", 19: "NO CAPACITY INFO", 20: "REVIEWED", 35: "RANKED", 100: "PENDING",
    200: "SUPPLIER-CANCELLED", 202: "PERFORMED",
}
DEMO_CLASS_CODES: dict[int, str] = {
    1: "UNMANNED DEMO", 3: "STANDARD", 7: "Supplier", 14: "Production", 21: "FREEOSK (Kiosk)",
}
BROWSE_EVENT_TYPES: tuple[int, ...] = tuple(range(1, 46))
TYPE_PREFIX = "Event Type "
STATUS_PREFIX = "Status "


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _code_name(value: Any, table: Mapping[int, str]) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return table.get(int(text), text)
    except ValueError:
        return text


def parse_edr_date(value: Any) -> date | None:
    """``YYYY-MM-DD`` (optionally with a time part) or ``MM/DD/YYYY``; None when absent/unreadable."""
    text = _text(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return datetime.strptime(text.split(" ")[0], "%m/%d/%Y").date()
    except ValueError:
        return None


def parse_lock(value: Any) -> bool | None:
    """``demoLockInd``: Y/N, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    text = (_text(value) or "").upper()
    if text in ("Y", "YES", "TRUE", "1"):
        return True
    if text in ("N", "NO", "FALSE", "0"):
        return False
    return None


def _strip(value: Any, prefix: str) -> str | None:
    text = _text(value)
    if text is None:
        return None
    return text[len(prefix):].strip() if text.startswith(prefix) else text


def edr_report(payload: Mapping[str, Any], event_number: str, fetched_at: datetime) -> EdrReport:
    """Map an ``edrReport`` answer (``itemDetails`` may be null)."""
    instructions = payload.get("demoInstructions")
    instructions = instructions if isinstance(instructions, Mapping) else {}
    rows = payload.get("itemDetails")
    items = tuple(
        EdrItem(item_number=_text(row.get("itemNbr")) or "", description=_text(row.get("itemDesc")) or "",
                gtin=_text(row.get("gtin")), vendor_number=_text(row.get("vendorNbr")),
                dept_number=_text(row.get("deptNbr")), dept_description=_text(row.get("deptDesc")))
        for row in (rows if isinstance(rows, list) else []) if isinstance(row, Mapping)
    )
    return EdrReport(
        event_number=_text(payload.get("demoId")) or event_number,
        name=_text(payload.get("demoName")) or "",
        event_date=parse_edr_date(payload.get("demoDate")),
        event_type=_code_name(payload.get("demoClassCode"), DEMO_CLASS_CODES),
        status=_code_name(payload.get("demoStatusCode"), EVENT_STATUS_CODES),
        locked=parse_lock(payload.get("demoLockInd")),
        prep_instructions=_text(instructions.get("demoPrepnTxt")),
        portion_instructions=_text(instructions.get("demoPortnTxt")),
        items=items,
        fetched_at=fetched_at,
    )


def browse_reports(rows: Iterable[Any], fetched_at: datetime) -> list[EdrReport]:
    """Group the flat browse rows (one per event and item) into one report per event, in order."""
    heads: dict[str, Mapping[str, Any]] = {}
    items: dict[str, dict[str, EdrItem]] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        event_id = _text(row.get("eventId"))
        if event_id is None:
            continue
        heads.setdefault(event_id, row)
        item_number = _text(row.get("itemNbr"))
        if item_number is None:
            continue
        items.setdefault(event_id, {}).setdefault(item_number, EdrItem(
            item_number=item_number, description=_text(row.get("itemDesc")) or "",
            gtin=_text(row.get("upcNbr")),
            vendor_number=_text(row.get("vendorBilledNbr")) or _text(row.get("vendorNbr")),
            dept_number=_text(row.get("deptNbr")), dept_description=_text(row.get("deptDesc"))))
    return [
        EdrReport(event_number=event_id, name=_text(head.get("eventName")) or "",
                  event_date=parse_edr_date(head.get("eventDate")),
                  event_type=_strip(head.get("eventType"), TYPE_PREFIX),
                  status=_strip(head.get("eventStatus"), STATUS_PREFIX),
                  items=tuple(items.get(event_id, {}).values()), fetched_at=fetched_at)
        for event_id, head in heads.items()
    ]


def browse_request(start: date, end: date, store_number: str,
                   event_types: Iterable[int] = BROWSE_EVENT_TYPES) -> dict[str, Any]:
    """JSON body of ``browse-event/browse-data``."""
    return {"itemNbr": None, "vendorNbr": None, "startDate": start.isoformat(), "endDate": end.isoformat(),
            "billType": None, "eventType": list(event_types), "userId": None, "primItem": None,
            "storeNbr": store_number, "deptNbr": None}
