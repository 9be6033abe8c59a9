"""Staged roster uploads (``RosterService.stage_upload`` / ``apply_upload`` / ``discard_upload``) on the
in-memory unit of work: managers only, decided exactly once, audited without the file content."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from core.errors import PermissionDenied
from core.model import Actor, Employee, JobTitle, Role, UploadStatus
from core.services.roster import UPLOAD_TTL, RosterService, UploadDecision, UploadResult
from core.services.roster_csv import COLUMNS
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

MANAGER = Actor("U0MANAGER", Role.MANAGER)
ADMIN = Actor("U0ADMIN", Role.ADMIN)
LEAD = Actor("U0LEAD", Role.LEAD, "US100001")
EMPLOYEE = Actor("U0BEN", Role.EMPLOYEE, "US100002")
OTHER_STORE = Actor("U0ELSEWHERE", Role.MANAGER, store_id=2)
HEADER = ",".join(COLUMNS)
NEW_ROW = "US100003,Cara Juicer,150003,cara@example.com,Juicer Barista,yes,,yes,yes,no,yes,yes,no,no"
GOOD = "\n".join([HEADER, NEW_ROW, ""]).encode()
BAD = "\n".join([HEADER, "US100003,Cara Juicer,150003,not-an-email,Boss,maybe,,,,,,,,", ""]).encode()
SAME_ROW = "US100001,Ana Lead,150001,ana@example.com,Lead Event Specialist,yes,,,,,,,,"
SAME = "\n".join([HEADER, SAME_ROW, ""]).encode()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def db(clock: FixedClock) -> FakeDatabase:
    database = FakeDatabase(clock=clock)
    with FakeUnitOfWork(database) as uow:
        uow.employees.add(Employee(id="US100001", name="Ana Lead", job_title=JobTitle.LEAD, rep_id="150001",
                                   email="ana@example.com"))
        uow.employees.add(Employee(id="US100002", name="Ben Specialist", rep_id="150002"))
        uow.commit()
    return database


@pytest.fixture
def service(db: FakeDatabase, clock: FixedClock) -> RosterService:
    return RosterService(fake_uow_factory(db), clock)


def state(db: FakeDatabase) -> tuple[object, ...]:
    return tuple(db.snapshot(t) for t in ("employees", "weekly_availability", "slack_links", "audit",
                                          "roster_uploads"))


def audit_actions(db: FakeDatabase) -> list[str]:
    return [entry.action for entry in db.snapshot("audit").values()]


def staged_id(service: RosterService, actor: Actor = MANAGER, data: bytes = GOOD) -> str:
    staged = service.stage_upload(actor, "team.csv", data)
    assert staged.upload is not None
    return staged.upload.id


def test_a_file_that_would_change_the_roster_waits_under_a_random_id_with_its_content(
        service: RosterService, db: FakeDatabase, clock: FixedClock) -> None:
    staged = service.stage_upload(MANAGER, "team.csv", GOOD)

    assert staged.report.dry_run and staged.report.ok and staged.report.has_changes
    upload = staged.upload
    assert upload is not None and 16 <= len(upload.id) < 40
    assert (upload.status, upload.content, upload.file_name, upload.uploaded_by, upload.created_at) == (
        UploadStatus.PENDING, GOOD, "team.csv", MANAGER.slack_user_id, clock.now())
    assert service.pending_upload(MANAGER, upload.id) == upload
    assert "US100003" not in {e.id for e in db.snapshot("employees").values()}
    [entry] = db.snapshot("audit").values()
    assert (entry.action, entry.entity, entry.entity_id) == ("roster_upload.stage", "roster_upload",
                                                             upload.id)
    assert "Cara" not in repr(entry) and entry.after is not None and entry.after["size"] == len(GOOD)


@pytest.mark.parametrize("data", [BAD, SAME, b"\xff\xfe not utf-8"])
def test_a_file_with_problems_or_nothing_to_change_is_reported_and_not_kept(
        service: RosterService, db: FakeDatabase, data: bytes) -> None:
    before = state(db)

    staged = service.stage_upload(MANAGER, "team.csv", data)

    assert staged.upload is None and not (staged.report.ok and staged.report.has_changes)
    assert state(db) == before


def test_two_uploads_get_different_ids(service: RosterService) -> None:
    assert staged_id(service) != staged_id(service)


def test_apply_imports_the_file_once_forgets_its_content_and_audits_without_it(
        service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)

    decision = service.apply_upload(MANAGER, upload_id)
    applied = state(db)
    again = service.apply_upload(MANAGER, upload_id)

    assert decision.result is UploadResult.DONE and decision.report is not None and decision.report.applied
    assert decision.upload is not None and decision.upload.status is UploadStatus.APPLIED
    assert decision.upload.content == b""
    assert "US100003" in {e.id for e in db.snapshot("employees").values()}
    assert audit_actions(db)[-1] == "roster_upload.apply" and "roster.create" in audit_actions(db)
    last = list(db.snapshot("audit").values())[-1]
    assert last.before is not None and last.after is not None
    assert (last.before["status"], last.after["status"], last.after["size"]) == ("pending", "applied", 0)
    assert again.result is UploadResult.GONE and state(db) == applied
    assert service.pending_upload(MANAGER, upload_id) is None


def test_a_file_that_no_longer_passes_applies_nothing_and_is_rejected(
        service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee(id="US100009", name="Someone Else", rep_id="150003"))
        uow.commit()

    decision = service.apply_upload(MANAGER, upload_id)

    assert decision.result is UploadResult.DONE and decision.report is not None
    assert not decision.report.applied and decision.report.rejected
    assert decision.upload is not None and decision.upload.status is UploadStatus.REJECTED
    assert "US100003" not in {e.id for e in db.snapshot("employees").values()}
    assert service.apply_upload(MANAGER, upload_id).result is UploadResult.GONE


def test_a_dry_run_apply_judges_the_file_again_and_changes_nothing(
        service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)
    before = state(db)

    decision = service.apply_upload(MANAGER, upload_id, dry_run=True)

    assert decision.result is UploadResult.DONE and decision.report is not None
    assert decision.report.dry_run and not decision.report.applied
    assert state(db) == before


def test_discard_forgets_the_file_once_and_apply_then_finds_it_gone(
        service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)
    team = db.snapshot("employees")

    discarded = service.discard_upload(MANAGER, upload_id)

    assert discarded.result is UploadResult.DONE and discarded.upload is not None
    assert (discarded.upload.status, discarded.upload.content) == (UploadStatus.DISCARDED, b"")
    assert audit_actions(db) == ["roster_upload.stage", "roster_upload.discard"]
    assert service.apply_upload(MANAGER, upload_id).result is UploadResult.GONE
    assert service.discard_upload(MANAGER, upload_id).result is UploadResult.TAKEN
    assert db.snapshot("employees") == team


def test_an_expired_upload_is_not_applied(service: RosterService, db: FakeDatabase,
                                          clock: FixedClock) -> None:
    upload_id = staged_id(service)
    clock.advance(seconds=UPLOAD_TTL.total_seconds() + 1)
    before = state(db)

    assert service.pending_upload(MANAGER, upload_id) is None
    assert service.apply_upload(MANAGER, upload_id).result is UploadResult.GONE
    assert state(db) == before


def test_unknown_damaged_and_other_stores_uploads_are_gone(service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)
    before = state(db)

    for actor, wanted in ((MANAGER, "nope"), (MANAGER, ""), (MANAGER, "x" * 65), (OTHER_STORE, upload_id)):
        assert service.pending_upload(actor, wanted) is None
        assert service.apply_upload(actor, wanted).result is UploadResult.GONE
        assert service.discard_upload(actor, wanted).result is UploadResult.GONE
    assert state(db) == before


@pytest.mark.parametrize("actor", [EMPLOYEE, LEAD, Actor("U0NOBODY", Role.EMPLOYEE)])
def test_only_managers_stage_apply_or_discard_and_a_denial_changes_nothing(
        service: RosterService, db: FakeDatabase, actor: Actor) -> None:
    upload_id = staged_id(service)
    before = state(db)

    for attempt in (lambda: service.stage_upload(actor, "team.csv", GOOD),
                    lambda: service.pending_upload(actor, upload_id),
                    lambda: service.apply_upload(actor, upload_id),
                    lambda: service.apply_upload(actor, upload_id, dry_run=True),
                    lambda: service.discard_upload(actor, upload_id)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert state(db) == before
    assert service.pending_upload(MANAGER, upload_id) is not None


def test_an_admin_may_apply(service: RosterService) -> None:
    assert service.apply_upload(ADMIN, staged_id(service)).result is UploadResult.DONE


def test_of_two_concurrent_applies_exactly_one_imports(service: RosterService, db: FakeDatabase) -> None:
    upload_id = staged_id(service)
    results: list[UploadDecision] = []
    start = threading.Barrier(2)

    def click(actor: Actor) -> None:
        start.wait()
        results.append(service.apply_upload(actor, upload_id))

    threads = [threading.Thread(target=click, args=(a,)) for a in (MANAGER, ADMIN)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timedelta(seconds=30).total_seconds())

    assert sorted(r.result is UploadResult.DONE for r in results) == [False, True]
    assert audit_actions(db).count("roster.create") == 1
    assert audit_actions(db).count("roster_upload.apply") == 1
