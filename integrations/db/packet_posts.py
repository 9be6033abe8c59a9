"""SQL ``PacketPostRepository``: one row per (store, day) records where the daily packet went in Slack."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, select

from core.ports import PacketPost
from integrations.db.ledgers import upsert_insert
from integrations.db.repositories import SessionGetter
from integrations.db.tables import PacketPostRow

PACKET_POSTS: Table = PacketPostRow.__table__  # type: ignore[assignment]


class SqlPacketPostRepository:
    """Reads and upserts ``packet_posts`` rows inside the unit of work's transaction."""

    def __init__(self, session: SessionGetter) -> None:
        self._session = session

    def get(self, store_id: int, day: date) -> PacketPost | None:
        """The packet post of the store and day, if any."""
        c = PACKET_POSTS.c
        row = self._session().execute(
            select(c.channel, c.message_ts, c.file_id, c.posted_at)
            .where(c.store_id == store_id, c.day == day)).first()
        if row is None:
            return None
        return PacketPost(store_id=store_id, day=day, channel=row.channel, message_ts=row.message_ts,
                          file_id=row.file_id, posted_at=row.posted_at)

    def save(self, post: PacketPost) -> None:
        """Insert the row of ``(store_id, day)`` or replace its Slack coordinates."""
        session = self._session()
        values = {"channel": post.channel, "message_ts": post.message_ts, "file_id": post.file_id,
                  "posted_at": post.posted_at}
        stmt = upsert_insert(session, PACKET_POSTS).values(store_id=post.store_id, day=post.day, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[PACKET_POSTS.c.store_id, PACKET_POSTS.c.day],
                                          set_=values)
        session.execute(stmt)
