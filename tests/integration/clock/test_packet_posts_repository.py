"""``uow.packet_posts``: the same contract in memory and on each SQL backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.ports import PacketPost, UnitOfWork
from integrations.crypto import FernetSecretBox
from tests.conftest import migrated_database, sql_uow_factory
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

UowMaker = Callable[[], UnitOfWork]
DAY = date(2026, 11, 3)


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_uow(request: pytest.FixtureRequest, tmp_path: Path,
            secret_box: FernetSecretBox) -> Iterator[UowMaker]:
    if request.param == "fake":
        db = FakeDatabase()
        yield lambda: FakeUnitOfWork(db)
        return
    with migrated_database(request.param, request, tmp_path) as url, \
            sql_uow_factory(url, secret_box) as factory:
        yield factory


def test_a_saved_post_reads_back_with_an_aware_posted_at(any_uow: UowMaker) -> None:
    posted_at = datetime(2026, 11, 3, 10, 30, 5, tzinfo=UTC)
    with any_uow() as uow:
        uow.packet_posts.save(PacketPost(1, DAY, "C0TEAM", "1700.0001", "F1", posted_at))
        uow.commit()

    with any_uow() as uow:
        found = uow.packet_posts.get(1, DAY)

    assert found == PacketPost(1, DAY, "C0TEAM", "1700.0001", "F1", posted_at)
    assert found is not None and found.posted


def test_saving_the_same_day_again_replaces_the_row(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        uow.packet_posts.save(PacketPost(1, DAY, "C0TEAM"))
        uow.commit()
    with any_uow() as uow:
        waiting = uow.packet_posts.get(1, DAY)
        uow.packet_posts.save(PacketPost(1, DAY, "C0TEAM", "1700.0002", "F2"))
        uow.commit()

    with any_uow() as uow:
        found = uow.packet_posts.get(1, DAY)

    assert waiting is not None and not waiting.posted
    assert found is not None and (found.message_ts, found.file_id) == ("1700.0002", "F2")


def test_an_uncommitted_post_is_rolled_back(any_uow: UowMaker) -> None:
    with any_uow() as uow:
        uow.packet_posts.save(PacketPost(1, DAY, "C0TEAM", "1700.0001", "F1"))

    with any_uow() as uow:
        assert uow.packet_posts.get(1, DAY) is None
