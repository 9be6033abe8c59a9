"""``core.ports.CrossmarkPort`` over the MVRetail session API (legacy-domain.md §4.1)."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

import httpx

from core.errors import InvalidInput, RemoteError, RemoteOutcomeUnknown
from core.model import Assignment, Condition, Employee, Event
from core.ports import RemoteEvent, RemoteRep
from integrations.crossmark.session import BROWSER_UA, UPSTREAM, MVRetailSession
from integrations.crossmark.wire import (
    ALL_CONDITIONS,
    LOGIN_TIMEZONES,
    answer_message,
    answer_ok,
    condition_search,
    mplan_search,
    planning_records,
    planning_sort,
    rep_window,
    scheduled_event_id,
    to_qualified_reps,
    to_remote_event,
    to_remote_reps,
    wire_time,
)
from integrations.http.breaker import CircuitBreaker, Monotonic
from integrations.http.resilience import (
    ResilientHttp,
    RetryPolicy,
    Sleep,
    WallClock,
    decode_json,
)

log = logging.getLogger("integrations.crossmark")

DEFAULT_TIMEZONE = "America/Indiana/Indianapolis"
PLANNING_PATH = "/planningextcontroller/getPlanningMplans"
SCHEDULE_PATH = "/planningextcontroller/scheduleMplanEvent"
UNSCHEDULE_PATH = "/planningextcontroller/deleteScheduledMplanEvent"
REISSUE_PATH = "/pendingworkextcontroller/createPendingWork/"
MAX_PAGES = 10_000


class CrossmarkAdapter:
    """Crossmark MVRetail client implementing ``CrossmarkPort``; times are store-local wall times.

    ``transport``, ``sleep``, ``monotonic``, ``now`` and ``rng`` are injectable so tests run against
    a loopback sandbox without waiting.

    Changes are never guessed at. A push whose outcome is unknown (timeout after sending, dropped
    connection, 5xx, unreadable answer) is checked once with :meth:`find_schedule`; if MVRetail does
    not show it yet, ``core.errors.RemoteOutcomeUnknown`` is raised and the push is *not* sent
    again — the caller reconciles later (:meth:`find_schedule`, :meth:`scheduled_event_of`).
    """

    def __init__(self, base_url: str, username: str, password: str, timezone: str = DEFAULT_TIMEZONE,
                 timeout: float = 30.0, *, transport: httpx.BaseTransport | None = None,
                 sleep: Sleep = time.sleep, monotonic: Monotonic = time.monotonic,
                 now: WallClock | None = None, policy: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None, rng: random.Random | None = None,
                 page_size: int = 500, session_max_age: float = 3600.0,
                 login_timezone: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.tz = ZoneInfo(timezone)
        self.page_size = page_size
        self._now = now or (lambda: datetime.now(UTC))
        self._sleep = sleep
        self._rng = rng or random.Random()
        client = httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(timeout), transport=transport,
                              follow_redirects=False, headers={"user-agent": BROWSER_UA})
        self.http = ResilientHttp(UPSTREAM, client, policy=policy,
                                  breaker=breaker or CircuitBreaker(UPSTREAM, monotonic=monotonic),
                                  sleep=sleep, rng=self._rng, wall_clock=self._now)
        self.session = MVRetailSession(
            self.http, self.base_url, username, password,
            login_timezone=login_timezone or LOGIN_TIMEZONES.get(timezone, timezone),
            max_age=session_max_age, monotonic=monotonic)

    def __repr__(self) -> str:
        return f"CrossmarkAdapter(base_url={self.base_url!r}, username={self.session.username!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections (the session cookie is simply dropped)."""
        self.http.client.close()

    # ---- reading -------------------------------------------------------------------------------

    def user_info(self) -> dict[str, Any]:
        """``POST /users/getUserInfo``: the logged-in user's record."""
        payload = self.session.call("POST", "/users/getUserInfo", idempotent=True)
        return dict(payload) if isinstance(payload, Mapping) else {}

    def iter_planning_pages(self, start: date, end: date, *, conditions: Iterable[str] = ALL_CONDITIONS,
                            page_size: int | None = None) -> Iterator[tuple[int, list[Mapping[str, Any]]]]:
        """Raw ``getPlanningMplans`` records page by page as ``(offset, records)``, via start/limit."""
        size = page_size or self.page_size
        search = condition_search(list(conditions))
        offset = 0
        for page in range(1, MAX_PAGES + 1):
            params = {"_dc": self._dc(), "intervalStart": start.isoformat(), "intervalEnd": end.isoformat(),
                      "showAllActive": "false", "searchFields": search, "searchFilter": "",
                      "page": page, "start": offset, "limit": size, "sort": planning_sort()}
            total, records = planning_records(self.session.call("GET", PLANNING_PATH, idempotent=True,
                                                                params=params))
            yield offset, records
            offset += len(records)
            if not records or len(records) < size or (total is not None and offset >= total):
                return
            if total is None and len(records) > size:
                return

    def planning_events(self, start: date, end: date) -> list[RemoteEvent]:
        """Every mPlan (all conditions) whose window meets [start, end], each once."""
        events: dict[int, RemoteEvent] = {}
        for _, records in self.iter_planning_pages(start, end):
            for record in records:
                event = self._to_event(record)
                if event is not None:
                    events.setdefault(event.mplan_id, event)
        return list(events.values())

    def planning_event(self, mplan_id: int, start: date, end: date) -> RemoteEvent | None:
        """One mPlan by id (``mPlanID`` search), or None when MVRetail does not show it."""
        params = {"_dc": self._dc(), "intervalStart": start.isoformat(), "intervalEnd": end.isoformat(),
                  "showAllActive": "false", "searchFields": mplan_search(mplan_id), "searchFilter": "",
                  "page": 1, "start": 0, "limit": 50, "sort": planning_sort()}
        _, records = planning_records(self.session.call("GET", PLANNING_PATH, idempotent=True,
                                                        params=params))
        for record in records:
            event = self._to_event(record)
            if event is not None and event.mplan_id == mplan_id:
                return event
        return None

    def reps(self) -> list[RemoteRep]:
        """Available reps (``getAvailableReps`` for now … now + 7 days), one per repId."""
        now_local = self._now().astimezone(self.tz)
        payload = self.session.call("POST", "/schedulingcontroller/getAvailableReps", idempotent=True,
                                    referer="/scheduling/hourly/",
                                    files={"project": (None, rep_window(now_local))})
        return to_remote_reps(payload)

    def qualified_reps(self, mplan_id: int, location_id: str, limit: int = 100) -> list[RemoteRep]:
        """Reps MVRetail considers qualified for one mPlan at one location."""
        params = {"_dc": self._dc(), "mPlanID": mplan_id, "storeID": location_id, "page": 1, "start": 0,
                  "limit": limit, "sort": json.dumps([{"property": "LastName", "direction": "ASC"}])}
        payload = self.session.call("GET", "/planningextcontroller/getQualifiedRepsForScheduling",
                                    idempotent=True, params=params)
        return to_qualified_reps(payload)

    def location_condition(self, mplan_id: int, location_id: str) -> str | None:
        """``getmPlanLocationCondition``: the current condition of an mPlan at a location."""
        payload = self.session.call("POST", "/planningextcontroller/getmPlanLocationCondition",
                                    idempotent=True, data={"mPlanID": str(mplan_id), "storeID": location_id})
        condition = payload.get("condition") if isinstance(payload, Mapping) else None
        return str(condition) if condition else None

    def sales_tool(self, url: str) -> bytes | None:
        """The sales-tool PDF at ``url``; None when the answer is not a PDF (missing, HTML page …)."""
        absolute = httpx.URL(self.base_url).join(url)
        if absolute.host == httpx.URL(self.base_url).host and absolute.port == httpx.URL(self.base_url).port:
            response = self.session.send("GET", str(absolute), idempotent=True)
        else:
            response = self.http.send("GET", str(absolute), idempotent=True,
                                      headers={"accept": "application/pdf,*/*"})
        content_type = response.headers.get("content-type", "").lower()
        if response.status_code != 200 or not ("pdf" in content_type or "octet-stream" in content_type):
            return None
        return response.content if response.content.startswith(b"%PDF") else None

    # ---- writing -------------------------------------------------------------------------------

    def schedule(self, event: Event, employee: Employee, start: datetime, end: datetime) -> str:
        """Push an assignment; returns ``MVScheduledEvent.ID``. Sent once, never re-sent from here.

        Raises ``RemoteError`` when MVRetail refused it (nothing changed) and
        ``RemoteOutcomeUnknown`` when it may or may not be scheduled there (the answer was lost or
        unreadable and :meth:`find_schedule` does not show it yet).
        """
        form = self._schedule_form(event, employee, start, end)
        try:
            payload = self.session.call("POST", SCHEDULE_PATH, idempotent=False, data=form)
        except RemoteOutcomeUnknown as exc:
            log.warning("Crossmark: outcome of scheduling mPlan %d unknown; checking remote state once",
                        event.mplan_id)
            existing = self._check_after_unknown(event, employee, start)
            if existing is not None:
                return existing
            raise RemoteOutcomeUnknown(
                f"Crossmark did not confirm the schedule of {event.name} in time; it may be scheduled "
                "there — checking before any retry") from exc
        if not answer_ok(payload):
            reason = answer_message(payload) or "no reason given"
            raise RemoteError(f"Crossmark refused the schedule of {event.name}: {reason}")
        event_id = scheduled_event_id(payload)
        if event_id is not None:
            return event_id
        try:
            event_id = self.find_schedule(event, employee, start)
        except RemoteError as exc:
            raise RemoteOutcomeUnknown(
                f"Crossmark accepted the schedule of {event.name} without giving its id, and its state "
                "could not be read; checking before any retry") from exc
        if event_id is None:
            raise RemoteOutcomeUnknown(
                f"Crossmark accepted the schedule of {event.name} without giving its id and does not "
                "show it yet; checking before any retry")
        return event_id

    def find_schedule(self, event: Event, employee: Employee, start: datetime) -> str | None:
        """The scheduled-event id if MVRetail shows this mPlan scheduled to this rep at ``start``."""
        remote = self._remote_mplan(event)
        if remote is None or remote.schedule_event_id is None:
            return None
        if employee.rep_id is not None and remote.schedule_rep_id != employee.rep_id:
            return None
        if remote.schedule_start is not None and _minute(remote.schedule_start) != _minute(start):
            return None
        return remote.schedule_event_id

    def scheduled_event_of(self, event: Event) -> str | None:
        """The ``MVScheduledEvent`` id the mPlan holds now (any rep, any time), or None when unscheduled.

        Reads the mPlan's planning record (``scheduleEventID``). Raises ``RemoteError`` when that
        cannot be told: the read fails, MVRetail does not show the mPlan at all, or shows it
        Scheduled without a scheduled-event id.
        """
        remote = self._remote_mplan(event)
        if remote is None:
            raise RemoteError(f"Crossmark does not show {event.name} (mPlan {event.mplan_id}); "
                              "its schedule cannot be read")
        if remote.schedule_event_id is not None:
            return remote.schedule_event_id
        if remote.condition == Condition.SCHEDULED.value:
            raise RemoteError(f"Crossmark shows {event.name} Scheduled without a scheduled-event id; "
                              "its schedule cannot be read")
        return None

    def unschedule(self, scheduled_event_id: str) -> None:
        """``deleteScheduledMplanEvent``: the mPlan goes back to Unstaffed.

        Returns only when MVRetail says the scheduled event is gone. ``RemoteError``: refused
        (nothing changed). ``RemoteOutcomeUnknown``: it may or may not be gone — the answer was
        unreadable, or it was lost and a second delete of the same id did not say "deleted" either.
        """
        clean = scheduled_event_id.strip().removesuffix("_schedule")
        if not clean.isdigit():
            raise InvalidInput(f"{scheduled_event_id!r} is not a Crossmark scheduled-event id")
        try:
            response = self._send_unschedule(clean)
        except RemoteOutcomeUnknown:
            log.warning("Crossmark: outcome of unscheduling %s unknown; deleting it once more", clean)
            self._sleep(self.http.policy.backoff(1, self._rng))
            try:
                response = self._send_unschedule(clean)
            except RemoteError as exc:
                raise RemoteOutcomeUnknown(f"Crossmark did not confirm unscheduling {clean}; "
                                           "check it by hand") from exc
            self._read_unschedule_answer(clean, response, repeated=True)
            return
        self._read_unschedule_answer(clean, response, repeated=False)

    def reissue(self, event: Event, assignment: Assignment, employee: Employee, start: datetime,
                end: datetime, include_responses: bool) -> str:
        """``createPendingWork`` (action reissue) for the rep, then schedule it; returns the new id."""
        rep_id = _require_rep(employee)
        store = event.store_number or event.location_mvid
        if not store:
            raise InvalidInput(f"{event.name} has no Crossmark location id")
        form = {"workLogEntryID": assignment.external_id or "", "storeID": store,
                "mPlanID": str(event.mplan_id), "reissueBulkJson": "[]", "action": "reissue",
                "includeResponses": "true" if include_responses else "false",
                "pendingWorkReasonComments": "", "public": "true", "excludeReps": "false",
                "excludedRepIDs": "[]", "overrideReps": "true",
                "overriddenRepIDs": json.dumps([int(rep_id)] if rep_id.isdigit() else [rep_id]),
                "expirationDate": f"{(event.due_date + timedelta(days=1)).isoformat()}T00:00:00",
                "additionalEmail": ""}
        try:
            payload = self.session.call("POST", REISSUE_PATH, idempotent=False, data=form)
        except RemoteOutcomeUnknown as exc:
            raise RemoteOutcomeUnknown(f"Crossmark did not confirm the reissue of {event.name}; "
                                       "check MVRetail before trying again") from exc
        if not answer_ok(payload):
            reason = answer_message(payload) or "no reason given"
            raise RemoteError(f"Crossmark refused the reissue of {event.name}: {reason}")
        return self.schedule(event, employee, start, end)

    # ---- helpers -------------------------------------------------------------------------------

    def _schedule_form(self, event: Event, employee: Employee, start: datetime,
                       end: datetime) -> dict[str, str]:
        rep_id = _require_rep(employee)
        if not event.location_mvid:
            raise InvalidInput(f"{event.name} has no Crossmark location id")
        if end <= start:
            raise InvalidInput("The end of an assignment must be after its start")
        return {"ClassName": "MVScheduledmPlan", "RepID": rep_id, "mPlanID": str(event.mplan_id),
                "LocationID": event.location_mvid, "Start": wire_time(start, self.tz),
                "End": wire_time(end, self.tz), "hash": "", "v": "3.0.1", "PlanningOverride": "true"}

    def _check_after_unknown(self, event: Event, employee: Employee, start: datetime) -> str | None:
        try:
            return self.find_schedule(event, employee, start)
        except RemoteError as exc:
            raise RemoteOutcomeUnknown(
                f"Crossmark did not confirm the schedule of {event.name} and its state could not be "
                "checked; it may be scheduled there — checking before any retry") from exc

    def _remote_mplan(self, event: Event) -> RemoteEvent | None:
        return self.planning_event(event.mplan_id, event.start_date - timedelta(days=31),
                                   event.due_date + timedelta(days=31))

    def _send_unschedule(self, clean_id: str) -> httpx.Response:
        return self.session.send("POST", UNSCHEDULE_PATH, idempotent=False, expect_json=True,
                                 data={"id": clean_id})

    def _read_unschedule_answer(self, clean_id: str, response: httpx.Response, *, repeated: bool) -> None:
        """Success only when MVRetail answers a readable "ok"; ``repeated``: a second delete of an id
        whose first delete may have gone through, so a refusal no longer proves nothing changed."""
        status = response.status_code
        if not 200 <= status < 300:
            if repeated:
                raise RemoteOutcomeUnknown(f"Crossmark did not confirm unscheduling {clean_id} and "
                                           f"answered {status} to a second try; check it by hand")
            raise RemoteError(f"Crossmark could not unschedule {clean_id} ({status})")
        try:
            payload = decode_json(response, UPSTREAM)
        except RemoteError as exc:
            raise RemoteOutcomeUnknown(f"Crossmark's answer to unscheduling {clean_id} could not be read; "
                                       "check it by hand") from exc
        if not answer_ok(payload):
            reason = answer_message(payload) or "no reason given"
            if repeated:
                raise RemoteOutcomeUnknown(f"Crossmark did not confirm unscheduling {clean_id}, and a "
                                           f"second try answered: {reason}; it may already be "
                                           "unscheduled — check it by hand")
            raise RemoteError(f"Crossmark could not unschedule {clean_id}: {reason}")

    def _to_event(self, record: Mapping[str, Any]) -> RemoteEvent | None:
        try:
            return to_remote_event(record)
        except ValueError:
            log.warning("Crossmark: skipped an unreadable mPlan record (mPlanID %s)", record.get("mPlanID"))
            return None

    def _dc(self) -> int:
        return int(self._now().timestamp() * 1000)


def _require_rep(employee: Employee) -> str:
    if not employee.rep_id:
        raise InvalidInput(f"{employee.name} has no Crossmark RepID")
    return employee.rep_id


def _minute(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None, second=0, microsecond=0)
