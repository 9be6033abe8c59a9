"""SQL settings store, run-once job ledger, Slack event dedupe and EDR cache.

Inserts that must happen once use the dialect's ``INSERT … ON CONFLICT DO NOTHING RETURNING``: on
PostgreSQL a concurrent inserter of the same key waits for the first to commit, then inserts
nothing. Whether a row came back tells the caller it won (rowcount is not reliable for this
statement across drivers).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.ports import Clock, EdrItem, EdrReport, SecretBox
from integrations.db.repositories import SessionGetter, rowcount
from integrations.db.tables import EdrCacheRow, JobRunRow, ProcessedSlackEventRow, SystemSettingRow

SETTINGS: Table = SystemSettingRow.__table__  # type: ignore[assignment]
JOB_RUNS: Table = JobRunRow.__table__  # type: ignore[assignment]
PROCESSED: Table = ProcessedSlackEventRow.__table__  # type: ignore[assignment]
EDR: Table = EdrCacheRow.__table__  # type: ignore[assignment]


def upsert_insert(session: Session, table: Table) -> Any:
    """The dialect's INSERT construct that supports ``on_conflict_*``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for dialect {dialect}")


class SqlSettingsRepository:
    """Per-store settings; secret values are stored as ``SecretBox`` tokens."""

    def __init__(self, session: SessionGetter, box: SecretBox, clock: Clock) -> None:
        self._session = session
        self._box = box
        self._clock = clock

    def get(self, store_id: int, key: str) -> str | None:
        """The (decrypted) value of a setting, or None."""
        c = SETTINGS.c
        row = self._session().execute(
            select(c.value, c.is_secret).where(c.store_id == store_id, c.key == key)).first()
        if row is None:
            return None
        return self._box.decrypt(row.value) if row.is_secret else str(row.value)

    def set(self, store_id: int, key: str, value: str, *, secret: bool = False) -> None:
        """Insert or replace a setting; ``secret=True`` stores only the encrypted token."""
        session = self._session()
        stored = self._box.encrypt(value) if secret else value
        values = {"store_id": store_id, "key": key, "value": stored, "is_secret": secret,
                  "updated_at": self._clock.now()}
        stmt = upsert_insert(session, SETTINGS).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[SETTINGS.c.store_id, SETTINGS.c.key],
            set_={"value": stored, "is_secret": secret, "updated_at": values["updated_at"]})
        session.execute(stmt)

    def all(self, store_id: int) -> dict[str, str]:
        """Every setting of the store, secrets decrypted."""
        c = SETTINGS.c
        rows = self._session().execute(
            select(c.key, c.value, c.is_secret).where(c.store_id == store_id).order_by(c.key))
        return {r.key: self._box.decrypt(r.value) if r.is_secret else str(r.value) for r in rows}


class SqlJobLedger:
    def __init__(self, session: SessionGetter, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def claim(self, job: str, period: str, store_id: int) -> bool:
        """Insert the run-once row (ON CONFLICT DO NOTHING); True if this caller owns it."""
        session = self._session()
        stmt = upsert_insert(session, JOB_RUNS).values(
            store_id=store_id, job=job, period=period, started_at=self._clock.now(), status="running")
        stmt = stmt.on_conflict_do_nothing(index_elements=[JOB_RUNS.c.store_id, JOB_RUNS.c.job,
                                                           JOB_RUNS.c.period])
        return session.execute(stmt.returning(JOB_RUNS.c.id)).first() is not None

    def finish(self, job: str, period: str, store_id: int, status: str, detail: str | None) -> None:
        """Record the outcome of a claimed run; NotFound if it was never claimed."""
        c = JOB_RUNS.c
        result = self._session().execute(
            update(JOB_RUNS).where(c.store_id == store_id, c.job == job, c.period == period)
            .values(status=status, detail=detail, finished_at=self._clock.now()))
        if rowcount(result) == 0:
            raise NotFound(f"job run {job} {period} not found")

    def last_runs(self, store_id: int) -> dict[str, tuple[str, str, datetime | None]]:
        """job -> (period, status, finished_at) of its most recently started run."""
        c = JOB_RUNS.c
        rank = func.row_number().over(partition_by=c.job, order_by=(c.started_at.desc(), c.period.desc()))
        ranked = select(c.job, c.period, c.status, c.finished_at, rank.label("rank")).where(
            c.store_id == store_id).subquery()
        rows = self._session().execute(select(ranked).where(ranked.c.rank == 1))
        return {r.job: (r.period, r.status, r.finished_at) for r in rows}


class SqlProcessedEvents:
    def __init__(self, session: SessionGetter, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def remember(self, event_id: str) -> bool:
        """Record a Slack event id; True on its first delivery."""
        session = self._session()
        stmt = upsert_insert(session, PROCESSED).values(event_id=event_id, received_at=self._clock.now())
        stmt = stmt.on_conflict_do_nothing(index_elements=[PROCESSED.c.event_id])
        return session.execute(stmt.returning(PROCESSED.c.event_id)).first() is not None


def report_to_payload(report: EdrReport) -> dict[str, Any]:
    """JSON payload of an EDR report (``fetched_at`` has its own column)."""
    payload = dataclasses.asdict(report)
    payload.pop("fetched_at")
    payload["event_date"] = report.event_date.isoformat() if report.event_date else None
    return payload


def report_from_payload(payload: dict[str, Any], fetched_at: datetime) -> EdrReport:
    """The EDR report stored in ``payload``."""
    data = dict(payload)
    data["event_date"] = date.fromisoformat(data["event_date"]) if data.get("event_date") else None
    data["items"] = tuple(EdrItem(**item) for item in data.get("items", ()))
    return EdrReport(**data, fetched_at=fetched_at)


class SqlEdrCache:
    def __init__(self, session: SessionGetter, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def get(self, store_id: int, event_number: str, max_age_hours: float) -> EdrReport | None:
        """The cached report if it was fetched within ``max_age_hours``."""
        c = EDR.c
        row = self._session().execute(select(c.payload, c.fetched_at).where(
            c.store_id == store_id, c.event_number == event_number)).first()
        if row is None or self._clock.now() - row.fetched_at > timedelta(hours=max_age_hours):
            return None
        return report_from_payload(row.payload, row.fetched_at)

    def put(self, store_id: int, report: EdrReport) -> None:
        """Cache (or replace) a report; a missing ``fetched_at`` becomes now."""
        session = self._session()
        fetched = report.fetched_at or self._clock.now()
        payload = report_to_payload(report)
        stmt = upsert_insert(session, EDR).values(store_id=store_id, event_number=report.event_number,
                                                  payload=payload, fetched_at=fetched)
        stmt = stmt.on_conflict_do_update(index_elements=[EDR.c.store_id, EDR.c.event_number],
                                          set_={"payload": payload, "fetched_at": fetched})
        session.execute(stmt)

    def freshness(self, store_id: int) -> datetime | None:
        """When the newest cached report of the store was fetched."""
        newest: datetime | None = self._session().execute(
            select(func.max(EDR.c.fetched_at)).where(EDR.c.store_id == store_id)).scalar()
        return newest
