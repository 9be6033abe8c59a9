"""Audit log writing: who, what, when, before/after (product.md §5.10)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from core.model import Actor, AuditEntry
from core.ports import UnitOfWork


def snapshot(obj: Any) -> dict[str, Any] | None:
    """A JSON-safe dict of a dataclass (or None)."""
    if obj is None:
        return None
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        raw = dataclasses.asdict(obj)
    elif isinstance(obj, dict):
        raw = obj
    else:
        raise TypeError(f"cannot snapshot {type(obj).__name__}")
    return {k: _jsonable(v) for k, v in raw.items()}


def _jsonable(v: Any) -> Any:
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [_jsonable(x) for x in v]
    return v


def entry(actor: Actor, action: str, entity: str, entity_id: object, *, before: Any = None,
          after: Any = None, at: datetime, store_id: int | None = None) -> AuditEntry:
    """An audit row, not yet written (bulk writers collect them for ``uow.audit.add_many``)."""
    return AuditEntry(
        id=0, actor=actor.label, action=action, entity=entity, entity_id=str(entity_id),
        before=snapshot(before), after=snapshot(after), at=at,
        store_id=store_id if store_id is not None else actor.store_id,
    )


def record(uow: UnitOfWork, actor: Actor, action: str, entity: str, entity_id: object, *,
           before: Any = None, after: Any = None, at: datetime, store_id: int | None = None) -> None:
    """Append one audit row inside the caller's unit of work."""
    uow.audit.add(entry(actor, action, entity, entity_id, before=before, after=after, at=at,
                        store_id=store_id))
