"""State and rules of the Crossmark MVRetail sandbox, free of HTTP (legacy-domain.md §4.1, §4.3)."""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from devtools.sandbox.dataset import SandboxDataset, SandboxMplan, SandboxRep, assign

SANDBOX_USERNAME = "demo.manager"
SANDBOX_PASSWORD = "sandbox-password"  # noqa: S105 - the sandbox's own fixed demo password
CLOSED_CONDITIONS = frozenset({"Canceled", "Expired"})


class SandboxRefusal(Exception):
    """A request the sandbox refuses; becomes an ``{"ok":0,"success":false,"message":…}`` answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ScheduleCall:
    """One accepted ``scheduleMplanEvent``, with the raw Start/End strings as sent."""

    mplan_id: int
    rep_id: str
    start: str
    end: str
    event_id: str


class CrossmarkState:
    """mPlans, reps, sessions and every change the sandbox accepted."""

    def __init__(self, dataset: SandboxDataset, *, username: str = SANDBOX_USERNAME,
                 password: str = SANDBOX_PASSWORD, session_ttl: float = 3600.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.data = dataset
        self.tz = ZoneInfo(dataset.timezone)
        self.username = username
        self._password = password
        self.session_ttl = session_ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.sessions: dict[str, float] = {}
        self.issued_sessions: list[str] = []
        self.logins = 0
        self.schedule_calls: list[ScheduleCall] = []
        self.reissue_calls: list[dict[str, str]] = []
        self.active: dict[str, int] = {m.schedule_event_id: m.mplan_id for m in dataset.mplans
                                       if m.schedule_event_id and m.condition == "Scheduled"}
        self.deleted: set[str] = set()
        self.remember_deleted = True
        """Answer ``ok`` to a second delete of an already deleted id (set False to model an MVRetail
        that forgets them and answers "not found"; the real answer is not verified)."""
        self._next_pending_work = 7700001

    # ---- sessions ------------------------------------------------------------------------------

    def login(self, user_id: str, password: str) -> str | None:
        """A new session id for the right credentials, else None."""
        if not (secrets.compare_digest(user_id, self.username)
                and secrets.compare_digest(password, self._password)):
            return None
        session_id = secrets.token_hex(16)
        with self._lock:
            self.sessions[session_id] = self._monotonic()
            self.issued_sessions.append(session_id)
            self.logins += 1
        return session_id

    def session_valid(self, session_id: str | None) -> bool:
        with self._lock:
            started = self.sessions.get(session_id or "")
        return started is not None and self._monotonic() - started < self.session_ttl

    def logout(self, session_id: str | None) -> None:
        with self._lock:
            self.sessions.pop(session_id or "", None)

    def expire_sessions(self) -> None:
        """Forget every session, as MVRetail does when it restarts or times sessions out."""
        with self._lock:
            self.sessions.clear()

    # ---- reading -------------------------------------------------------------------------------

    def search(self, interval_start: date | None, interval_end: date | None, search_fields: str,
               sort: str) -> list[SandboxMplan]:
        """mPlans matching the grid's search fields and interval, sorted as asked."""
        conditions, ids = _search_terms(search_fields)
        rows = [m for m in self.data.mplans
                if (conditions is None or m.condition in conditions)
                and (ids is None or str(m.mplan_id) in ids)
                and (interval_start is None or m.end_date >= interval_start)
                and (interval_end is None or m.start_date <= interval_end)]
        prop = _sort_property(sort)
        if prop == "staffedReps":
            return sorted(rows, key=lambda m: (m.staffed_reps, m.mplan_id))
        return sorted(rows, key=lambda m: (m.start_date, m.mplan_id))

    def record(self, mplan: SandboxMplan, base_url: str) -> dict[str, Any]:
        """The wire record of one mPlan (``salesToolURL`` absolute on this server)."""
        row: dict[str, Any] = {
            "mPlanID": mplan.mplan_id, "name": mplan.name, "storeID": mplan.store_id,
            "storeName": mplan.store_name, "startDate": f"{mplan.start_date:%m/%d/%Y}",
            "endDate": f"{mplan.end_date:%m/%d/%Y}", "condition": mplan.condition,
            "staffedReps": mplan.staffed_reps, "scheduleRepID": mplan.schedule_rep_id or "",
            "scheduleEventID": mplan.schedule_event_id or "",
            "salesTools": ([{"salesToolURL": base_url.rstrip("/") + mplan.sales_tool_path,
                             "salesToolName": "Event instructions"}] if mplan.sales_tool_path else []),
        }
        if mplan.schedule_start is not None:
            row["scheduleDate"] = mplan.schedule_start.strftime("%m/%d/%Y %I:%M:%S %p")
        return row

    def available_reps(self) -> dict[str, dict[str, str]]:
        """``getAvailableReps``: an object keyed by repId, every value a string."""
        visits = {r.rep_id: 0 for r in self.data.reps}
        for m in self.data.mplans:
            if m.schedule_rep_id in visits and m.condition == "Scheduled":
                visits[m.schedule_rep_id] += 1
        return {r.rep_id: {"id": r.rep_id, "repId": r.rep_id, "employeeId": r.employee_id,
                           "repMvid": r.rep_mvid, "title": r.title, "lastName": r.last_name,
                           "nameSort": f"{r.last_name}, {r.first_name}", "availableHoursPerDay": "8",
                           "scheduledHours": str(visits[r.rep_id] * 6), "visitCount": str(visits[r.rep_id]),
                           "role": r.job_title}
                for r in self.data.reps}

    def qualified_reps(self, mplan_id: int) -> list[SandboxRep]:
        """Reps MVRetail would offer for an mPlan (juicing needs a Juicer Barista), by last name."""
        mplan = self.data.mplan(mplan_id)
        if mplan is None:
            raise SandboxRefusal("Unknown mPlan")
        reps = self.data.reps
        if "JUICER" in mplan.name.upper():
            reps = [r for r in reps if r.job_title == "Juicer Barista"]
        return sorted(reps, key=lambda r: (r.last_name, r.first_name))

    # ---- changes -------------------------------------------------------------------------------

    def schedule(self, form: Mapping[str, str]) -> dict[str, Any]:
        """``scheduleMplanEvent``: validate, mark Scheduled, answer like MVRetail (times in UTC)."""
        rep = self.data.rep(form.get("RepID", "").strip())
        if rep is None:
            raise SandboxRefusal("Unknown RepID")
        mplan = self._mplan(form.get("mPlanID", ""))
        if form.get("LocationID", "").strip() != mplan.store_id:
            raise SandboxRefusal("The mPlan is not at this location")
        if mplan.condition in CLOSED_CONDITIONS:
            raise SandboxRefusal(f"The mPlan is {mplan.condition}")
        start, end = _aware(form.get("Start", "")), _aware(form.get("End", ""))
        local_start = start.astimezone(self.tz).replace(tzinfo=None)
        if not mplan.start_date <= local_start.date() <= mplan.end_date:
            raise SandboxRefusal("Start is outside the mPlan window")
        if end <= start:
            raise SandboxRefusal("End must be after Start")
        if mplan.schedule_event_id:
            self.active.pop(mplan.schedule_event_id, None)
        event_id = assign(self.data, mplan, rep, local_start)
        self.active[event_id] = mplan.mplan_id
        call = ScheduleCall(mplan.mplan_id, rep.rep_id, form["Start"], form["End"], event_id)
        self.schedule_calls.append(call)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return {"ok": 1, "repName": rep.title, "MVScheduledEvent": {
            "ClassName": "MVScheduledmPlan", "Created": stamp, "LastEdited": stamp,
            "Start": start.astimezone(UTC).isoformat(), "End": end.astimezone(UTC).isoformat(),
            "MVID": str(uuid.uuid4()), "RepID": int(rep.rep_id), "mPlanID": mplan.mplan_id,
            "LocationID": int(mplan.store_id), "ID": int(event_id), "RecordClassName": "MVScheduledmPlan"}}

    def unschedule(self, event_id: str) -> dict[str, Any]:
        """``deleteScheduledMplanEvent``: back to Unstaffed.

        Deleting an id twice answers ``ok`` (see ``remember_deleted``); an id never scheduled answers
        ``{"ok":0,"success":false,"message":"Scheduled event not found"}`` with status 200.
        """
        mplan_id = self.active.pop(event_id, None)
        if mplan_id is None:
            if event_id in self.deleted and self.remember_deleted:
                return {"ok": 1, "success": True}
            return {"ok": 0, "success": False, "message": "Scheduled event not found"}
        self.deleted.add(event_id)
        mplan = self._mplan(str(mplan_id))
        _clear_schedule(mplan)
        mplan.condition = "Unstaffed"
        return {"ok": 1, "success": True, "message": "moved back to unstaffed"}

    def reissue(self, form: Mapping[str, str]) -> dict[str, Any]:
        """``createPendingWork`` with action reissue: the mPlan becomes Reissued."""
        if form.get("action") != "reissue":
            raise SandboxRefusal("Unsupported action")
        mplan = self._mplan(form.get("mPlanID", ""))
        if mplan.schedule_event_id:
            self.active.pop(mplan.schedule_event_id, None)
        _clear_schedule(mplan)
        mplan.condition = "Reissued"
        self.reissue_calls.append(dict(form))
        work_id = self._next_pending_work
        self._next_pending_work += 1
        return {"success": True, "ok": 1, "pendingWorkID": work_id}

    def location_condition(self, mplan_id: str, store_id: str) -> dict[str, Any]:
        """``getmPlanLocationCondition``."""
        mplan = self._mplan(mplan_id)
        return {"ok": 1, "reps": mplan.staffed_reps, "condition": mplan.condition,
                "key": f"{mplan.mplan_id}_{store_id or mplan.store_id}", "workStatus": ""}

    def _mplan(self, raw_id: str) -> SandboxMplan:
        mplan = self.data.mplan(int(raw_id)) if raw_id.strip().isdigit() else None
        if mplan is None:
            raise SandboxRefusal("Unknown mPlan")
        return mplan


def _clear_schedule(mplan: SandboxMplan) -> None:
    mplan.schedule_start = None
    mplan.schedule_rep_id = None
    mplan.schedule_event_id = None
    mplan.staffed_reps = ""


def _aware(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise SandboxRefusal("Start and End must be ISO 8601 times") from exc
    if moment.tzinfo is None:
        raise SandboxRefusal("Start and End need a UTC offset")
    return moment


def _search_terms(search_fields: str) -> tuple[set[str] | None, set[str] | None]:
    try:
        terms = json.loads(search_fields or "{}").get("searchTerms", {})
    except (ValueError, AttributeError) as exc:
        raise SandboxRefusal("searchFields is not JSON") from exc

    def values(name: str) -> set[str] | None:
        term = terms.get(name)
        if not term:
            return None
        return {str(v) for item in term.get("items", []) for v in item.get("value", [])}

    return values("condition"), values("mPlanID")


def _sort_property(sort: str) -> str:
    try:
        spec = json.loads(sort or "[]")
        return str(spec[0]["property"]) if spec else "startDate"
    except (ValueError, LookupError, TypeError):
        return "startDate"
