"""Roster import/export on the in-memory unit of work."""

from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from core.model import Actor, Employee, JobTitle, Role, SlackLink, WeeklyAvailability
from core.services.roster import RosterReport, RosterService, RowStatus
from core.services.roster_csv import COLUMNS
from tests.fakes.clock import FixedClock
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork, fake_uow_factory

MANAGER = Actor("U0MANAGER", Role.MANAGER)
HEADER = ",".join(COLUMNS)


@pytest.fixture
def db() -> FakeDatabase:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.employees.add(Employee(id="US100001", name="Ana Lead", job_title=JobTitle.LEAD, rep_id="150001",
                                   email="ana@example.com"))
        uow.employees.add(Employee(id="US100002", name="Ben Specialist", rep_id="150002"))
        uow.weekly_availability.add(WeeklyAvailability("US100002", (True,) * 5 + (False, False)))
        uow.slack_links.add(SlackLink("U0ANA", Role.MANAGER, employee_id="US100001"))
        uow.commit()
    return database


@pytest.fixture
def service(db: FakeDatabase) -> RosterService:
    return RosterService(fake_uow_factory(db), FixedClock())


def csv(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines, ""]).encode()


def employees(db: FakeDatabase) -> dict[str, Employee]:
    with FakeUnitOfWork(db) as uow:
        return {e.id: e for e in uow.employees.list()}


def snapshot(db: FakeDatabase) -> tuple[object, ...]:
    return tuple(db.snapshot(t) for t in ("employees", "weekly_availability", "slack_links", "audit"))


def issues(report: RosterReport) -> list[tuple[int, str | None, str]]:
    return [(r.row, i.column, i.message) for r in report.rejected for i in r.issues]


def test_a_good_file_creates_and_updates_employees_and_reports_each_row(
        service: RosterService, db: FakeDatabase) -> None:
    report = service.import_csv(MANAGER, csv(
        "US100003,Cara Juicer,150003,cara@example.com,Juicer Barista,yes,U0CARA,yes,yes,no,yes,yes,no,no",
        "US100002,,,ben@example.com,Lead Event Specialist,,,,,,,,yes,",
        "US100001,Ana Lead,150001,ana@example.com,Lead Event Specialist,yes,U0ANA,,,,,,,"))
    assert report.ok and report.applied
    assert [(r.row, r.status) for r in report.rows] == [
        (2, RowStatus.CREATED), (3, RowStatus.UPDATED), (4, RowStatus.UNCHANGED)]
    assert report.rows[1].changes == ["email", "job_title", "availability"]
    team = employees(db)
    assert team["US100003"] == Employee(id="US100003", name="Cara Juicer", job_title=JobTitle.JUICER_BARISTA,
                                        rep_id="150003", email="cara@example.com")
    assert (team["US100002"].name, team["US100002"].rep_id, team["US100002"].job_title) == (
        "Ben Specialist", "150002", JobTitle.LEAD)
    with FakeUnitOfWork(db) as uow:
        cara_week = uow.weekly_availability.get("US100003")
        ben_week = uow.weekly_availability.get("US100002")
        link = uow.slack_links.get("U0CARA")
        actions = sorted(a.action for a in uow.audit.list())
    assert cara_week is not None and cara_week.days == (True, True, False, True, True, False, False)
    assert ben_week is not None and ben_week.days == (True,) * 6 + (False,)
    assert link == SlackLink("U0CARA", Role.EMPLOYEE, employee_id="US100003")
    assert actions == ["roster.availability", "roster.availability", "roster.create", "roster.link",
                       "roster.update"]
    assert "1 created, 1 updated, 1 unchanged, 0 rejected" in report.render()


def test_rows_without_employee_id_are_matched_by_rep_id(service: RosterService, db: FakeDatabase) -> None:
    report = service.import_csv(MANAGER, csv("150002,no", header="rep_id,active"))
    assert report.rows[0].status is RowStatus.UPDATED and report.rows[0].employee_id == "US100002"
    assert not employees(db)["US100002"].is_active


def test_a_new_employee_from_a_rep_id_alone_takes_it_as_id(service: RosterService, db: FakeDatabase) -> None:
    report = service.import_csv(MANAGER, csv("150009,Dee New", header="rep_id,name"))
    assert report.rows[0].status is RowStatus.CREATED
    assert employees(db)["150009"].rep_id == "150009"


def test_export_then_import_changes_nothing(service: RosterService, db: FakeDatabase) -> None:
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee(id="US100005", name="=cmd()", email="-x@example.com", is_active=False,
                                   job_title=JobTitle.CLUB_SUPERVISOR))
        uow.commit()
    before = snapshot(db)
    exported = service.export_csv(MANAGER)
    report = service.import_csv(MANAGER, exported.encode())
    assert report.ok and [r.status for r in report.rows] == [RowStatus.UNCHANGED] * 3
    assert "Nothing to change" in report.render()
    assert snapshot(db) == before


def test_export_writes_formula_like_cells_safely(service: RosterService, db: FakeDatabase) -> None:
    with FakeUnitOfWork(db) as uow:
        uow.employees.add(Employee(id="US100005", name="=cmd()", email="+1@example.com"))
        uow.commit()
    exported = service.export_csv(MANAGER)
    line = next(x for x in exported.splitlines() if x.startswith("US100005"))
    assert line.startswith("US100005,'=cmd(),,'+1@example.com,Event Specialist,yes,")


def test_export_lists_everyone_with_link_and_availability(service: RosterService) -> None:
    lines = service.export_csv(MANAGER).splitlines()
    assert lines == [
        HEADER,
        "US100001,Ana Lead,150001,ana@example.com,Lead Event Specialist,yes,U0ANA," + ",".join(["yes"] * 7),
        "US100002,Ben Specialist,150002,,Event Specialist,yes,,yes,yes,yes,yes,yes,no,no",
    ]


@pytest.mark.parametrize("data, problem", [
    (b"employee_id,name,nickname\nUS9,Zed,Z\n", "Unknown column(s): nickname"),
    (b"US9,Zed\n", "The first row must be a header row"),
    (b"employee_id,name\n" + b"x" * (10 * 1024 * 1024), "larger than 5 MB"),
    ("employee_id,name\nUS9,Zo\xeb\n".encode("cp1252"), "not UTF-8 text"),
])
def test_a_bad_file_is_refused_whole_and_nothing_is_applied(
        service: RosterService, db: FakeDatabase, data: bytes, problem: str) -> None:
    before = snapshot(db)
    report = service.import_csv(MANAGER, data)
    assert not report.ok and not report.applied and report.rows == []
    rendered = report.render()
    assert problem in rendered and rendered.endswith("Nothing applied.")
    assert snapshot(db) == before


@pytest.mark.parametrize("line, column, message", [
    ("US100002,,,,,maybe,,,,,,,,", "active", "'maybe' is not yes/no/true/false/1/0"),
    ("US100002,,,,,,,,,,,,,sometimes", "sun", "'sometimes' is not yes/no"),
    ("US100002,,,,Boss,,,,,,,,,", "job_title", "unknown job title 'Boss'; use one of: Event Specialist, "
     "Lead Event Specialist, Club Supervisor, Juicer Barista"),
    ("US100002,,150001,,,,,,,,,,,", "rep_id", "rep_id 150001 is already used by Ana Lead (US100001)"),
    ("US100002,,,ANA@example.com,,,,,,,,,,", "email", "is already the email of Ana Lead (US100001)"),
    ("US100002,,,,,,U0ANA,,,,,,,", "slack_user_id", "U0ANA is already linked to employee US100001"),
    ("US100002,,,ben(at)example.com,,,,,,,,,,", "email", "is not an email address"),
    ("US100002,,,,,,alice,,,,,,,", "slack_user_id", "is not a Slack user id"),
    ("US100009,,,,,,,,,,,,,", "name", "a new employee needs a name"),
    ("US 9,Zed,,,,,,,,,,,,", "employee_id", "contains spaces"),
    ("US100002,,,,,,,,,,,,,,extra", None, "has 1 more cell(s) than the header has columns"),
])
def test_a_bad_row_is_rejected_with_row_and_column_and_nothing_is_applied(
        service: RosterService, db: FakeDatabase, line: str, column: str | None, message: str) -> None:
    before = snapshot(db)
    good = "US100010,Gus Good,150010,,,,,,,,,,,"
    report = service.import_csv(MANAGER, csv(good, line))
    assert not report.applied and report.rows[0].status is RowStatus.CREATED
    [(row, col, text)] = issues(report)
    assert (row, col) == (3, column) and message in text
    rendered = report.render()
    assert f"row 3{', column ' + column if column else ''}: " in rendered
    assert "Nothing applied: fix the rejected rows" in rendered
    assert snapshot(db) == before


def test_duplicate_ids_in_one_file_reject_all_those_rows(service: RosterService, db: FakeDatabase) -> None:
    before = snapshot(db)
    report = service.import_csv(MANAGER, csv(
        "US100009,Zed One,,,,,,,,,,,,", "US100010,Gus,150010,,,,,,,,,,,", "US100009,Zed Two,,,,,,,,,,,,",
        "US100011,Hal,150010,,,,,,,,,,,"))
    assert [r.status for r in report.rows] == [RowStatus.REJECTED] * 4
    assert (2, "employee_id", "US100009 appears on rows 2, 4: one row per person") in issues(report)
    assert (3, "rep_id", "150010 appears on rows 3, 5: one row per person") in issues(report)
    assert snapshot(db) == before


def test_two_rows_naming_one_employee_by_id_and_rep_id_are_rejected(service: RosterService) -> None:
    report = service.import_csv(MANAGER, csv("US100002,,,,,no,,,,,,,,", ",,150002,,,yes,,,,,,,,"))
    assert issues(report) == [(3, None, "is the same employee (US100002) as row 2")]


def test_an_existing_slack_link_keeps_its_higher_role(service: RosterService, db: FakeDatabase) -> None:
    with FakeUnitOfWork(db) as uow:
        uow.slack_links.add(SlackLink("U0LEAD", Role.LEAD))
        uow.commit()
    report = service.import_csv(MANAGER, csv("U0LEAD,US100002", header="slack_user_id,employee_id"))
    assert report.ok
    with FakeUnitOfWork(db) as uow:
        assert uow.slack_links.get("U0LEAD") == SlackLink("U0LEAD", Role.LEAD, employee_id="US100002")


def test_relinking_an_employee_unlinks_their_previous_slack_user(
        service: RosterService, db: FakeDatabase) -> None:
    report = service.import_csv(MANAGER, csv("US100001,U0ANA2", header="employee_id,slack_user_id"))
    assert report.ok and report.rows[0].changes == ["slack_user_id"]
    with FakeUnitOfWork(db) as uow:
        old = uow.slack_links.get("U0ANA")
        new = uow.slack_links.get("U0ANA2")
    assert old is not None and (old.employee_id, old.role) == (None, Role.MANAGER)
    assert new is not None and new.employee_id == "US100001"


def test_a_dry_run_reports_and_applies_nothing(service: RosterService, db: FakeDatabase) -> None:
    before = snapshot(db)
    report = service.import_csv(MANAGER, csv("US100009,Zed,150009,,,,,,,,,,,"), dry_run=True)
    assert report.rows[0].status is RowStatus.CREATED and not report.applied
    assert report.render().endswith("Dry run: nothing applied.")
    assert snapshot(db) == before


def test_import_never_deletes_people_missing_from_the_file(service: RosterService, db: FakeDatabase) -> None:
    service.import_csv(MANAGER, csv("US100009,Zed", header="employee_id,name"))
    assert set(employees(db)) == {"US100001", "US100002", "US100009"}


@pytest.mark.parametrize("actor", [Actor("U0EMP", Role.EMPLOYEE, "US100002"), Actor("U0LEAD", Role.LEAD)])
def test_only_managers_may_import_or_export(service: RosterService, db: FakeDatabase, actor: Actor) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        service.import_csv(actor, csv("US100009,Zed", header="employee_id,name"))
    with pytest.raises(PermissionDenied):
        service.export_csv(actor)
    assert snapshot(db) == before
