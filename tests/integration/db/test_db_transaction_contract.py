"""Unit-of-work and bookkeeping contract, over FakeUnitOfWork and SqlUnitOfWork alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.errors import NotFound
from core.model import Employee, Store
from core.ports import EdrItem, EdrReport, PacketPost
from tests.integration.db.conftest import UowMaker, seed_employee


class TestUnitOfWork:
    def test_committed_changes_are_visible_to_later_units_of_work(self, any_uow: UowMaker) -> None:
        with any_uow() as writer:
            writer.employees.add(Employee("A", "Ann"))
            assert writer.employees.get("A") is not None
            writer.commit()
        with any_uow() as reader:
            assert reader.employees.get("A") is not None

    def test_leaving_without_commit_discards_the_changes(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.employees.add(Employee("A", "Ann"))
        with any_uow() as uow:
            assert uow.employees.get("A") is None

    def test_an_exception_inside_the_block_discards_the_changes(self, any_uow: UowMaker) -> None:
        with pytest.raises(RuntimeError), any_uow() as uow:
            uow.employees.add(Employee("A", "Ann"))
            raise RuntimeError("boom")
        with any_uow() as uow:
            assert uow.employees.get("A") is None

    def test_rollback_discards_only_what_came_after_the_last_commit(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.employees.add(Employee("A", "Ann"))
            uow.commit()
            uow.employees.add(Employee("B", "Bob"))
            uow.rollback()
            assert uow.employees.get("B") is None
            uow.employees.add(Employee("C", "Cid"))
            uow.commit()
        with any_uow() as uow:
            assert [e.id for e in uow.employees.list()] == ["A", "C"]

    def test_locking_a_missing_employee_is_not_found(self, any_uow: UowMaker) -> None:
        with any_uow() as uow, pytest.raises(NotFound):
            uow.lock_employee("ghost")

    def test_locking_an_employee_then_writing_commits_normally(self, any_uow: UowMaker) -> None:
        seed_employee(any_uow)
        with any_uow() as uow:
            uow.lock_employee("US100001")
            employee = uow.employees.get("US100001")
            assert employee is not None
            employee.phone = "555-0101"
            uow.employees.update(employee)
            uow.commit()
        with any_uow() as uow:
            stored = uow.employees.get("US100001")
        assert stored is not None and stored.phone == "555-0101"


class TestSettings:
    def test_a_setting_reads_back_per_store(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            other = uow.stores.add(Store(0, "4242", "Other"))
            uow.settings.set(1, "packet_time", "05:30")
            uow.settings.set(other.id, "packet_time", "06:00")
            uow.commit()
        with any_uow() as uow:
            assert uow.settings.get(1, "packet_time") == "05:30"
            assert uow.settings.get(other.id, "packet_time") == "06:00"
            assert uow.settings.get(1, "missing") is None

    def test_setting_again_replaces_the_value(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.settings.set(1, "edr_password", "old", secret=True)
            uow.commit()
        with any_uow() as uow:
            uow.settings.set(1, "edr_password", "new", secret=True)
            uow.settings.set(1, "edr_username", "me")
            uow.commit()
        with any_uow() as uow:
            assert uow.settings.all(1) == {"edr_password": "new", "edr_username": "me"}


class TestJobLedger:
    def test_a_period_is_claimed_once(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert uow.job_ledger.claim("packet", "2025-03-01", 1)
            uow.commit()
        with any_uow() as uow:
            assert not uow.job_ledger.claim("packet", "2025-03-01", 1)
            assert uow.job_ledger.claim("packet", "2025-03-02", 1)
            assert uow.job_ledger.claim("sync", "2025-03-01", 1)

    def test_an_uncommitted_claim_leaves_the_period_free(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert uow.job_ledger.claim("packet", "2025-03-01", 1)
        with any_uow() as uow:
            assert uow.job_ledger.claim("packet", "2025-03-01", 1)

    def test_last_runs_report_the_latest_period_of_each_job(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.job_ledger.claim("packet", "2025-03-01", 1)
            uow.job_ledger.finish("packet", "2025-03-01", 1, "done", None)
            uow.commit()
        with any_uow() as uow:
            uow.job_ledger.claim("packet", "2025-03-02", 1)
            uow.job_ledger.claim("sync", "2025-03-02T10", 1)
            uow.job_ledger.finish("sync", "2025-03-02T10", 1, "failed", "timeout")
            uow.commit()
        with any_uow() as uow:
            runs = uow.job_ledger.last_runs(1)
            assert uow.job_ledger.last_runs(2) == {}
        assert runs["packet"] == ("2025-03-02", "running", None)
        period, status, finished = runs["sync"]
        assert (period, status) == ("2025-03-02T10", "failed")
        assert finished is not None and finished.tzinfo is not None

    def test_finishing_an_unclaimed_run_is_not_found(self, any_uow: UowMaker) -> None:
        with any_uow() as uow, pytest.raises(NotFound):
            uow.job_ledger.finish("packet", "1999-01-01", 1, "done", None)


class TestProcessedEvents:
    def test_an_event_id_is_new_only_once(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            assert uow.processed_events.remember("Ev01")
            assert not uow.processed_events.remember("Ev01")
            uow.commit()
        with any_uow() as uow:
            assert not uow.processed_events.remember("Ev01")
            assert uow.processed_events.remember("Ev02")


def _report(number: str, fetched_at: datetime | None) -> EdrReport:
    return EdrReport(number, "Super Pretzel demo", date(2025, 3, 4), "Demo", "APPROVED", True,
                     "Bake 10 min", "1 per guest",
                     (EdrItem("980001", "Pretzel", "0007", "12", "1", "CANDY"), EdrItem("980002", "Cheese")),
                     fetched_at)


class TestEdrCache:
    def test_a_fresh_report_reads_back_whole(self, any_uow: UowMaker) -> None:
        fetched = datetime.now(UTC) - timedelta(hours=1)
        with any_uow() as uow:
            uow.edr_cache.put(1, _report("606001", fetched))
            uow.commit()
        with any_uow() as uow:
            assert uow.edr_cache.get(1, "606001", max_age_hours=2) == _report("606001", fetched)
            assert uow.edr_cache.get(2, "606001", max_age_hours=2) is None

    def test_a_report_older_than_the_limit_is_a_miss(self, any_uow: UowMaker) -> None:
        with any_uow() as uow:
            uow.edr_cache.put(1, _report("606001", datetime.now(UTC) - timedelta(hours=5)))
            uow.commit()
        with any_uow() as uow:
            assert uow.edr_cache.get(1, "606001", max_age_hours=4) is None
            assert uow.edr_cache.get(1, "606001", max_age_hours=6) is not None

    def test_putting_again_replaces_and_freshness_is_the_newest_fetch(self, any_uow: UowMaker) -> None:
        older = datetime.now(UTC) - timedelta(hours=3)
        newer = datetime.now(UTC) - timedelta(hours=1)
        with any_uow() as uow:
            assert uow.edr_cache.freshness(1) is None
            uow.edr_cache.put(1, _report("606001", older))
            uow.edr_cache.put(1, _report("606002", older))
            uow.edr_cache.put(1, _report("606002", newer))
            uow.commit()
        with any_uow() as uow:
            assert uow.edr_cache.freshness(1) == newer
            cached = uow.edr_cache.get(1, "606002", max_age_hours=2)
        assert cached is not None and cached.fetched_at == newer

    def test_a_report_without_fetch_time_is_stamped_now(self, any_uow: UowMaker) -> None:
        before = datetime.now(UTC)
        with any_uow() as uow:
            uow.edr_cache.put(1, _report("606003", None))
            uow.commit()
        with any_uow() as uow:
            cached = uow.edr_cache.get(1, "606003", max_age_hours=1)
        assert cached is not None and cached.fetched_at is not None and cached.fetched_at >= before


class TestPacketPosts:
    def test_a_waiting_packet_is_recorded_then_marked_posted(self, any_uow: UowMaker) -> None:
        day = date(2025, 3, 4)
        with any_uow() as uow:
            assert uow.packet_posts.get(1, day) is None
            uow.packet_posts.save(PacketPost(1, day, channel="C0TEAM"))
            uow.commit()
        with any_uow() as uow:
            waiting = uow.packet_posts.get(1, day)
            assert waiting is not None and not waiting.posted
            posted_at = datetime.now(UTC)
            uow.packet_posts.save(PacketPost(1, day, "C0TEAM", "1700000000.000100", "F01", posted_at))
            uow.commit()
        with any_uow() as uow:
            assert uow.packet_posts.get(1, day) == PacketPost(1, day, "C0TEAM", "1700000000.000100", "F01",
                                                              posted_at)
            assert uow.packet_posts.get(1, date(2025, 3, 5)) is None
            assert uow.packet_posts.get(2, day) is None
