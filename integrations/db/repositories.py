"""SQL implementations of the entity repositories of ``core.ports``.

Repositories run Core statements through the unit of work's session: every read goes to the
database (no identity map to go stale behind a lock), every write is a statement of its own inside
a SAVEPOINT, so a rejected write (``Conflict``) leaves the rest of the unit of work usable.
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound
from core.model import (
    Assignment,
    AuditEntry,
    Event,
    Proposal,
    ProposalStatus,
    RemoteIntent,
    RosterUpload,
    RunStatus,
    SchedulerRun,
    UploadStatus,
)
from integrations.db import mappers
from integrations.db.mappers import EntityMap

T = TypeVar("T")
K = TypeVar("K")

SessionGetter = Callable[[], Session]
PARENT_CHUNK = 500
"""Parent keys per ``IN (…)`` lookup of ``add_many``."""


def rowcount(result: Result[Any]) -> int:
    """Rows matched by the DML statement that produced ``result``."""
    return int(cast(CursorResult[Any], result).rowcount)


@contextmanager
def savepoint(session: Session, table: str) -> Iterator[None]:
    """Run writes in a SAVEPOINT; an integrity failure becomes ``Conflict`` and is rolled back alone."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        raise Conflict(f"the {table} change conflicts with existing data") from exc


class SqlRepository(Generic[T, K]):
    """Generic repository of one entity over one table."""

    def __init__(self, session: SessionGetter, mapping: EntityMap[T]) -> None:
        self._session = session
        self._map = mapping
        self._table = mapping.table

    def get(self, key: K) -> T | None:
        """The row with primary key ``key``."""
        row = self._session().execute(select(self._table).where(self._map.key_clause(key))).mappings().first()
        return None if row is None else self._map.from_row(row)

    def add(self, obj: T) -> T:
        """Insert ``obj``; an int id of 0 gets the next id. Returns a copy with the id set."""
        session = self._session()
        values = self._values(obj)
        explicit_id = False
        if self._map.auto_id:
            explicit_id = bool(values.get("id"))
            if not explicit_id:
                values.pop("id", None)
        with savepoint(session, self._table.name):
            result = cast(CursorResult[Any], session.execute(insert(self._table), values))
        stored = copy.copy(obj)
        if self._map.auto_id:
            inserted = result.inserted_primary_key
            new_id = values["id"] if explicit_id or inserted is None else int(inserted[0])
            stored.id = new_id  # type: ignore[attr-defined]
            if explicit_id and session.get_bind().dialect.name == "postgresql":
                self._advance_sequence(session)
        return stored

    def add_many(self, objs: Sequence[T]) -> builtins.list[T]:
        """Insert every object with one multi-row statement in one SAVEPOINT (all or none).

        Returns copies in the same order with their ids set; ids of 0 get the next ids. A batch that
        carries explicit ids of an auto-numbered table is inserted row by row.
        """
        if not objs:
            return []
        session = self._session()
        rows = self._values_many(objs)
        if self._map.auto_id and any(row.get("id") for row in rows):
            with savepoint(session, self._table.name):
                return [self.add(obj) for obj in objs]
        stored = [copy.copy(obj) for obj in objs]
        with savepoint(session, self._table.name):
            if not self._map.auto_id:
                session.execute(insert(self._table), rows)
                return stored
            for row in rows:
                row.pop("id", None)
            stmt = insert(self._table).returning(self._table.c.id, sort_by_parameter_order=True)
            ids = session.execute(stmt, rows).scalars().all()
        for obj, new_id in zip(stored, ids, strict=True):
            obj.id = int(new_id)  # type: ignore[attr-defined]
        return stored

    def update(self, obj: T) -> None:
        """Replace the row with ``obj`` 's key; NotFound when there is none."""
        session = self._session()
        key = self._map.key_of(obj)
        with savepoint(session, self._table.name):
            result = session.execute(update(self._table)
                                     .where(self._map.key_clause(key if len(key) > 1 else key[0]))
                                     .values(self._values(obj)))
        if rowcount(result) == 0:
            raise NotFound(f"{self._table.name} {key!r} not found")

    def update_many(self, objs: Sequence[T]) -> None:
        """``update`` each object with one executemany statement in one SAVEPOINT (all or none)."""
        if not objs:
            return
        session = self._session()
        rows = self._values_many(objs)
        for obj, row in zip(objs, rows, strict=True):
            row.update(zip(self._key_params, self._map.key_of(obj), strict=True))
        pairs = zip(self._map.key, self._key_params, strict=True)
        stmt = update(self._table).where(*(self._table.c[name] == bindparam(param) for name, param in pairs))
        with savepoint(session, self._table.name):
            result = session.execute(stmt, rows)
            missing = len(rows) - rowcount(result)
            if missing and session.get_bind().dialect.supports_sane_multi_rowcount:
                raise NotFound(f"{self._table.name}: {missing} of {len(rows)} rows not found")

    @property
    def _key_params(self) -> tuple[str, ...]:
        return tuple(f"key_{name}" for name in self._map.key)

    def delete(self, key: K) -> None:
        """Delete the row; deleting a missing row does nothing."""
        session = self._session()
        with savepoint(session, self._table.name):
            session.execute(delete(self._table).where(self._map.key_clause(key)))

    def list(self, **where: Any) -> list[T]:
        """Rows whose fields equal every ``where`` value, by primary key."""
        stmt = select(self._table).where(*self._map.where_clause(where))
        stmt = stmt.order_by(*(self._table.c[name] for name in self._map.key))
        return [self._map.from_row(r) for r in self._session().execute(stmt).mappings()]

    def _select(self, *clauses: Any, order: Sequence[Any] = ()) -> builtins.list[T]:
        stmt = select(self._table).where(*clauses).order_by(*order)
        return [self._map.from_row(r) for r in self._session().execute(stmt).mappings()]

    def _values(self, obj: T) -> dict[str, Any]:
        values = self._map.to_values(obj)
        parent = self._map.parent
        if parent is not None:
            parent_key = values[parent.field]
            store_id = self._session().execute(
                select(parent.table.c.store_id).where(parent.table.c[parent.column] == parent_key)
            ).scalar()
            if store_id is None:
                raise NotFound(f"{parent.table.name} {parent_key!r} not found")
            values["store_id"] = store_id
        return values

    def _values_many(self, objs: Sequence[T]) -> builtins.list[dict[str, Any]]:
        rows = [self._map.to_values(obj) for obj in objs]
        parent = self._map.parent
        if parent is None:
            return rows
        wanted = sorted({row[parent.field] for row in rows})
        owner = parent.table.c[parent.column]
        stores: dict[Any, Any] = {}
        for first in range(0, len(wanted), PARENT_CHUNK):
            chunk = wanted[first:first + PARENT_CHUNK]
            found = self._session().execute(select(owner, parent.table.c.store_id).where(owner.in_(chunk)))
            stores.update((key, store_id) for key, store_id in found)
        for row in rows:
            store_id = stores.get(row[parent.field])
            if store_id is None:
                raise NotFound(f"{parent.table.name} {row[parent.field]!r} not found")
            row["store_id"] = store_id
        return rows

    def _advance_sequence(self, session: Session) -> None:
        name = self._table.name
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))


class SqlEventRepository(SqlRepository[Event, int]):
    def by_mplan(self, store_id: int, mplan_id: int) -> Event | None:
        """The event of this mPlan in the store."""
        found = self.list(store_id=store_id, mplan_id=mplan_id)
        return found[0] if found else None

    def overlapping(self, store_id: int, start: date, end: date) -> list[Event]:
        """Events whose inclusive window intersects [start, end], by window start."""
        c = self._table.c
        return self._select(c.store_id == store_id, c.start_date <= end, c.due_date >= start,
                            order=(c.start_date, c.id))


class SqlAssignmentRepository(SqlRepository[Assignment, int]):
    def between(self, store_id: int, start: date, end: date) -> list[Assignment]:
        """Assignments starting on a day of [start, end], by start."""
        c = self._table.c
        first = datetime.combine(start, time.min)
        after = datetime.combine(end + timedelta(days=1), time.min)
        return self._select(c.store_id == store_id, c.start >= first, c.start < after, order=(c.start, c.id))

    def for_event(self, event_id: int) -> list[Assignment]:
        """Assignments of one event, by start."""
        c = self._table.c
        return self._select(c.event_id == event_id, order=(c.start, c.id))


class _StatusCas(SqlRepository[T, K]):
    def _transition(self, key: K, from_: Sequence[str], to: str) -> bool:
        c = self._table.c
        stmt = (update(self._table).where(c.id == key, c.status.in_([str(s) for s in from_]))
                .values(status=str(to)))
        result = self._session().execute(stmt)
        return rowcount(result) == 1


class SqlProposalRepository(_StatusCas[Proposal, int]):
    def for_run(self, run_id: int) -> list[Proposal]:
        """Proposals of one run, by id."""
        return self.list(run_id=run_id)

    def transition(self, proposal_id: int, from_: Sequence[ProposalStatus], to: ProposalStatus) -> bool:
        """Atomic ``UPDATE … WHERE id = ? AND status IN (…)``; True when this caller changed it."""
        return self._transition(proposal_id, from_, to)


class SqlRunRepository(_StatusCas[SchedulerRun, int]):
    def transition(self, run_id: int, from_: Sequence[RunStatus], to: RunStatus) -> bool:
        """Atomic compare-and-set of the run status."""
        return self._transition(run_id, from_, to)


class SqlRosterUploadRepository(_StatusCas[RosterUpload, str]):
    def transition(self, upload_id: str, from_: Sequence[UploadStatus], to: UploadStatus) -> bool:
        """Atomic compare-and-set of the upload status (a concurrent holder's commit is waited for)."""
        return self._transition(upload_id, from_, to)


class SqlRemoteIntentRepository(SqlRepository[RemoteIntent, int]):
    def for_proposals(self, proposal_ids: Sequence[int]) -> list[RemoteIntent]:
        """Intents of these proposals, oldest first."""
        if not proposal_ids:
            return []
        c = self._table.c
        return self._select(c.proposal_id.in_(list(proposal_ids)), order=(c.id,))

    def claim_attempt(self, intent_id: int, attempts: int, at: datetime) -> bool:
        """``UPDATE … SET attempts = attempts + 1 WHERE id = ? AND attempts = ?``; True for the winner."""
        c = self._table.c
        stmt = (update(self._table).where(c.id == intent_id, c.attempts == attempts)
                .values(attempts=attempts + 1, updated_at=at))
        return rowcount(self._session().execute(stmt)) == 1


class SqlAuditRepository:
    def __init__(self, session: SessionGetter) -> None:
        self._repo: SqlRepository[AuditEntry, int] = SqlRepository(session, mappers.AUDIT)

    def add(self, entry: AuditEntry) -> AuditEntry:
        """Append an entry; returns it with its id."""
        return self._repo.add(entry)

    def add_many(self, entries: Sequence[AuditEntry]) -> list[AuditEntry]:
        """Append entries with one statement; returns them with their ids, in order."""
        return self._repo.add_many(entries)

    def list(self, **where: Any) -> list[AuditEntry]:
        """Entries matching every ``where`` value, oldest first."""
        return self._repo.list(**where)

