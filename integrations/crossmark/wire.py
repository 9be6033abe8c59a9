"""MVRetail wire formats (legacy-domain.md §4.1): search fields, dates, records, reps, schedule ids."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.model import Condition
from core.ports import RemoteEvent, RemoteRep

US_DATE = "%m/%d/%Y"
SCHEDULE_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p")
REP_WINDOW_FORMAT = "%m/%d/%Y %H:%M:%S"
ALL_CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)
LOGIN_TIMEZONES = {"America/Indiana/Indianapolis": "America/Indianapolis"}


def _search_term(name: str, title: str, item_id: int, values: Iterable[str]) -> dict[str, Any]:
    listed = list(values)
    return {name: {"name": name, "title": title, "items": [
        {"id": item_id, "value": listed, "displayValue": listed, "exactmatch": True, "allActive": False},
    ]}}


def condition_search(conditions: Iterable[str] = ALL_CONDITIONS) -> str:
    """``searchFields`` JSON selecting mPlans in any of ``conditions``."""
    return json.dumps({"searchTerms": _search_term("condition", "Conditions", 11, conditions)})


def mplan_search(mplan_id: int) -> str:
    """``searchFields`` JSON selecting one mPlan by id."""
    return json.dumps({"searchTerms": _search_term("mPlanID", "mPlan ID", 1, [str(mplan_id)])})


def planning_sort(prop: str = "startDate") -> str:
    """``sort`` JSON of the planning grid."""
    return json.dumps([{"property": prop, "direction": "ASC"}])


def parse_us_date(text: str) -> date:
    """``MM/DD/YYYY`` (a time part, if any, is ignored)."""
    return datetime.strptime(text.strip().split(" ")[0], US_DATE).date()


def parse_schedule_date(text: str) -> datetime:
    """``MM/DD/YYYY hh:mm:ss AM/PM`` → naive store-local datetime."""
    cleaned = " ".join(text.split())
    for fmt in SCHEDULE_DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise ValueError(f"unrecognised schedule date {text!r}")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def first_sales_tool(record: Mapping[str, Any]) -> str | None:
    """URL of the first sales tool (the instruction PDF) of an mPlan record."""
    tools = record.get("salesTools")
    if isinstance(tools, list):
        for tool in tools:
            if isinstance(tool, Mapping) and _text(tool.get("salesToolURL")):
                return _text(tool.get("salesToolURL"))
    return None


def to_remote_event(record: Mapping[str, Any]) -> RemoteEvent:
    """Map one ``getPlanningMplans`` record; raises ValueError when a required field is unusable."""
    raw_id = record.get("mPlanID")
    if raw_id is None or not str(raw_id).strip().isdigit():
        raise ValueError("record without a numeric mPlanID")
    schedule_text = _text(record.get("scheduleDate"))
    return RemoteEvent(
        mplan_id=int(str(raw_id).strip()),
        name=str(record.get("name") or "").strip(),
        location_id=_text(record.get("storeID")),
        store_name=_text(record.get("storeName")),
        start_date=parse_us_date(str(record.get("startDate") or "")),
        end_date=parse_us_date(str(record.get("endDate") or "")),
        condition=_text(record.get("condition")) or Condition.UNSTAFFED.value,
        schedule_start=parse_schedule_date(schedule_text) if schedule_text else None,
        schedule_rep_id=_text(record.get("scheduleRepID")),
        schedule_event_id=_text(record.get("scheduleEventID")),
        staffed_reps=_text(record.get("staffedReps")),
        sales_tool_url=first_sales_tool(record),
    )


def planning_records(payload: Any) -> tuple[int | None, list[Mapping[str, Any]]]:
    """(total, records) of a planning answer; records come under ``mplans`` or ``records``."""
    if not isinstance(payload, Mapping):
        return None, []
    rows = payload.get("mplans")
    if not isinstance(rows, list):
        rows = payload.get("records")
    records = [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []
    total = payload.get("total")
    try:
        return (int(total) if total is not None else None), records
    except (TypeError, ValueError):
        return None, records


def to_remote_reps(payload: Any) -> list[RemoteRep]:
    """``getAvailableReps``: an object keyed by repId whose values are string records."""
    reps = payload.get("reps") if isinstance(payload, Mapping) else None
    rows: Iterable[Any]
    if isinstance(reps, Mapping):
        rows = reps.values()
    elif isinstance(reps, list):
        rows = reps
    else:
        return []
    result: list[RemoteRep] = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        rep_id = _text(row.get("repId")) or _text(row.get("id"))
        if rep_id is None:
            continue
        name = _text(row.get("title")) or _text(row.get("nameSort")) or rep_id
        result.append(RemoteRep(rep_id=rep_id, name=name, employee_id=_text(row.get("employeeId"))))
    return result


def to_qualified_reps(payload: Any) -> list[RemoteRep]:
    """``getQualifiedRepsForScheduling``: a list under ``reps`` (older code wrongly read ``data``)."""
    rows = None
    if isinstance(payload, Mapping):
        rows = payload.get("reps")
        if not isinstance(rows, list):
            rows = payload.get("data")
    if not isinstance(rows, list):
        return []
    result: list[RemoteRep] = []
    for row in rows:
        if not isinstance(row, Mapping) or _text(row.get("ID")) is None:
            continue
        name = " ".join(p for p in (_text(row.get("FirstName")), _text(row.get("LastName"))) if p)
        result.append(RemoteRep(rep_id=str(_text(row.get("ID"))), name=name or str(row.get("ID"))))
    return result


def scheduled_event_id(payload: Any) -> str | None:
    """The scheduled-event id of a ``scheduleMplanEvent`` answer: ``MVScheduledEvent.ID``."""
    if not isinstance(payload, Mapping):
        return None
    event = payload.get("MVScheduledEvent")
    if isinstance(event, Mapping):
        return _text(event.get("ID"))
    return None


def wire_time(local: datetime, tz: ZoneInfo) -> str:
    """Store-local wall time → ISO 8601 with that date's offset, e.g. ``2027-03-15T10:45:00-04:00``.

    Raises InvalidInput for a wall time skipped by a DST change (it does not exist in the store).
    """
    naive = local.replace(tzinfo=None, microsecond=0)
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise InvalidInput(f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key} (daylight-saving change)")
    return aware.isoformat()


def rep_window(now_local: datetime, days: int = 7) -> str:
    """``project`` field of getAvailableReps: ``"MM/DD/YYYY HH:MM:SS,MM/DD/YYYY HH:MM:SS"``."""
    start = now_local.replace(tzinfo=None, microsecond=0)
    end = start + timedelta(days=days)
    return f"{start.strftime(REP_WINDOW_FORMAT)},{end.strftime(REP_WINDOW_FORMAT)}"


def answer_ok(payload: Any) -> bool:
    """False when an MVRetail answer says it failed (``ok: 0`` or ``success: false``)."""
    if not isinstance(payload, Mapping):
        return True
    if "ok" in payload and not payload.get("ok"):
        return False
    return payload.get("success") is not False


def answer_message(payload: Any) -> str | None:
    """The human message of a failed MVRetail answer, if it carries one."""
    if isinstance(payload, Mapping):
        for key in ("message", "error", "msg"):
            if _text(payload.get(key)):
                return str(_text(payload.get(key)))[:200]
    return None
