"""Re-encrypt every stored secret under the first key of a ``FernetSecretBox``.

Work goes in batches, each its own transaction, so a run killed midway keeps what it committed and
a rerun finishes the rest: tokens already under the first key are skipped. Each value is replaced
only if it still holds the token that was read (compare-and-set), so a secret saved concurrently
is never overwritten by an older one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session, sessionmaker

from integrations.crypto import FernetSecretBox
from integrations.db.ops_tables import SECRET_INSTALLATION_COLUMNS, SlackInstallationRow, SystemSettingRow

BatchHook = Callable[[int], None]


def rotate_secrets(session_factory: sessionmaker[Session], box: FernetSecretBox, batch_size: int = 100,
                   *, after_batch: BatchHook | None = None) -> int:
    """Re-encrypt secret settings and Slack installation tokens; returns how many values changed.

    ``after_batch(n)`` runs after the n-th committed batch (1-based), e.g. to report progress.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    settings: Table = SystemSettingRow.__table__  # type: ignore[assignment]
    installations: Table = SlackInstallationRow.__table__  # type: ignore[assignment]
    targets: list[tuple[Table, tuple[str, ...], Any]] = [
        (settings, ("value",), settings.c.is_secret.is_(True)),
        (installations, SECRET_INSTALLATION_COLUMNS, None),
    ]
    changed = 0
    batches = 0
    for table, columns, condition in targets:
        last_id = 0
        while True:
            with session_factory() as session, session.begin():
                stmt = select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id > last_id)
                if condition is not None:
                    stmt = stmt.where(condition)
                rows = session.execute(stmt.order_by(table.c.id).limit(batch_size)).all()
                if not rows:
                    break
                for row in rows:
                    changed += _rotate_row(session, box, table, columns, row)
                last_id = rows[-1].id
            batches += 1
            if after_batch is not None:
                after_batch(batches)
    return changed


def _rotate_row(session: Session, box: FernetSecretBox, table: Table, columns: tuple[str, ...],
                row: Any) -> int:
    changed = 0
    for column in columns:
        token = getattr(row, column)
        if token is None or box.is_current(token):
            continue
        session.execute(update(table).where(table.c.id == row.id, table.c[column] == token)
                        .values({column: box.rotate(token)}))
        changed += 1
    return changed
