"""PacketService gathers the day: every assignment by time, EDRs cache-first, sales tools, templates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from core.errors import NeedsMfaCode, NotFound, PermissionDenied, RemoteError
from core.model import (
    Actor,
    Assignment,
    Employee,
    Event,
    JobTitle,
    PaperworkTemplate,
    Role,
)
from core.ports import (
    EdrItem,
    EdrReport,
    EmployeeScheduleData,
    PacketData,
    WeekScheduleData,
)
from core.rules import detect_event_type
from core.services.packet import PacketService
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.uow import FakeDatabase, fake_uow_factory

DAY = date(2025, 10, 1)
MANAGER = Actor("UMGR", Role.MANAGER)
LEAD = Actor("ULEAD", Role.LEAD, "E1")
EMPLOYEE = Actor("UEMP", Role.EMPLOYEE, "E2")
PDF = b"%PDF-1.4 sales tool"


class RecordingRenderer:
    """A PacketRenderer that keeps what it was asked to render."""

    def __init__(self) -> None:
        self.packets: list[PacketData] = []
        self.weeks: list[WeekScheduleData] = []
        self.employees: list[EmployeeScheduleData] = []

    def render(self, packet: PacketData) -> bytes:
        self.packets.append(packet)
        return b"%PDF-packet"

    def render_week(self, data: WeekScheduleData) -> bytes:
        self.weeks.append(data)
        return b"%PDF-week"

    def render_employee(self, data: EmployeeScheduleData) -> bytes:
        self.employees.append(data)
        return b"%PDF-employee"


class FakeRetailLink:
    """RetailLinkPort in memory: reports per event number, or NeedsMfaCode without a session."""

    def __init__(self, reports: dict[str, EdrReport], *, session: bool = True) -> None:
        self.reports = reports
        self.session = session
        self.asked: list[str] = []

    def has_session(self) -> bool:
        return self.session

    def request_code(self) -> None:
        return None

    def submit_code(self, code: str) -> None:
        self.session = True

    def edr_report(self, event_number: str) -> EdrReport:
        self.asked.append(event_number)
        if not self.session:
            raise NeedsMfaCode("Retail Link needs a code")
        if event_number not in self.reports:
            raise NotFound(f"no event {event_number}")
        return self.reports[event_number]

    def browse(self, start: date, end: date, store_number: str) -> list[EdrReport]:
        return list(self.reports.values())


def report(number: str) -> EdrReport:
    return EdrReport(event_number=number, name=f"Demo {number}", event_date=DAY,
                     items=(EdrItem(item_number="111", description="Pretzel", gtin="012345678905"),),
                     fetched_at=datetime(2025, 10, 1, 9, tzinfo=UTC))


@pytest.fixture
def db() -> FakeDatabase:
    database = FakeDatabase(clock=FixedClock(datetime(2025, 10, 1, 10, tzinfo=UTC)))
    uow_factory = fake_uow_factory(database)
    with uow_factory() as uow:
        people = (("E1", "Ann Lead", JobTitle.LEAD), ("E2", "Bob Spec", JobTitle.EVENT_SPECIALIST),
                  ("E3", "Cy Barista", JobTitle.JUICER_BARISTA))
        for eid, name, title in people:
            uow.employees.add(Employee(id=eid, name=name, job_title=title, rep_id=eid[1:]))
        names = ["606001-CORE-Super Pretzel", "606002-CORE-Cheese Bites", "606001-Supervisor-Super Pretzel",
                 "606100-JUICER-PRODUCTION-Orange", "606101-JUICER-SURVEY-Orange"]
        for i, name in enumerate(names, start=1):
            uow.events.add(Event(id=0, mplan_id=31785970 + i, name=name, start_date=DAY - timedelta(days=2),
                                 due_date=DAY + timedelta(days=3), event_type=detect_event_type(name),
                                 location_mvid="157384",
                                 sales_tools_url=f"https://tools/{i}.pdf" if "CORE" in name else None))
        slots = [("E2", 2, "11:15"), ("E1", 1, "10:45"), ("E1", 3, "12:00"), ("E3", 4, "09:00"),
                 ("E3", 5, "17:00")]
        for emp, event_id, hhmm in slots:
            uow.assignments.add(Assignment(id=0, event_id=event_id, employee_id=emp,
                                           start=datetime.combine(DAY, time.fromisoformat(hhmm))))
        uow.templates.add(PaperworkTemplate(id=0, name="Activity Log", path="activity.pdf", category="event"))
        uow.templates.add(PaperworkTemplate(id=0, name="Checkoff", path="checkoff.pdf", category="daily"))
        uow.templates.add(PaperworkTemplate(id=0, name="Missing", path="gone.pdf", category="daily"))
        uow.templates.add(PaperworkTemplate(id=0, name="Retired", path="activity.pdf", category="event",
                                            is_active=False))
        uow.commit()
    return database


def service(db: FakeDatabase, *, retaillink: FakeRetailLink | None = None,
            crossmark: FakeCrossmark | None = None) -> tuple[PacketService, RecordingRenderer]:
    renderer = RecordingRenderer()
    files = {"activity.pdf": b"%PDF-activity", "checkoff.pdf": b"%PDF-checkoff"}
    svc = PacketService(fake_uow_factory(db), renderer, FixedClock(datetime(2025, 10, 1, 9, tzinfo=UTC)),
                        crossmark=crossmark, retaillink=retaillink, template_loader=files.get)
    return svc, renderer


def crossmark_with_tools() -> FakeCrossmark:
    cm = FakeCrossmark()
    cm.sales_tools = {"https://tools/1.pdf": PDF, "https://tools/2.pdf": b"<html>login</html>"}
    return cm


def test_the_schedule_lists_every_assignment_by_time_except_juicer_surveys(db: FakeDatabase) -> None:
    svc, renderer = service(db, retaillink=FakeRetailLink({}))
    svc.build(MANAGER, DAY)
    entries = renderer.packets[0].entries
    assert [(e.start.time().isoformat("minutes"), e.event_type) for e in entries] == [
        ("09:00", "Juicer"), ("10:45", "Core"), ("11:15", "Core"), ("12:00", "Supervisor")]
    assert entries[1].core_slot == ("10:45 AM", "1:30 PM", "2:00 PM", "5:15 PM")
    assert entries[0].core_slot is None


def test_edrs_come_from_the_cache_first_then_retail_link_and_are_cached(db: FakeDatabase) -> None:
    with fake_uow_factory(db)() as uow:
        uow.edr_cache.put(1, report("606001"))
        uow.commit()
    rl = FakeRetailLink({"606002": report("606002")})
    svc, renderer = service(db, retaillink=rl)
    build = svc.build(MANAGER, DAY)
    assert rl.asked == ["606002"]
    assert [e.edr.event_number for e in renderer.packets[0].entries if e.edr] == ["606001", "606002"]
    assert build.missing_edr == () and not build.needs_code
    with fake_uow_factory(db)() as uow:
        assert uow.edr_cache.get(1, "606002", 24) is not None


def test_a_missing_retail_link_session_marks_the_packet_as_needing_a_code(db: FakeDatabase) -> None:
    svc, renderer = service(db, retaillink=FakeRetailLink({"606001": report("606001")}, session=False))
    build = svc.build(MANAGER, DAY)
    assert build.needs_code
    assert build.missing_edr == ("606001", "606002")
    assert "code" in (renderer.packets[0].edr_note or "")


def test_without_retail_link_the_packet_says_why_edrs_are_missing(db: FakeDatabase) -> None:
    svc, renderer = service(db, retaillink=FakeRetailLink({"606001": report("606001")}))
    build = svc.build(MANAGER, DAY, use_retaillink=False, edr_note="No code by the deadline")
    assert build.missing_edr == ("606001", "606002")
    assert renderer.packets[0].edr_note == "No code by the deadline"


def test_sales_tools_are_kept_only_when_they_are_pdfs(db: FakeDatabase) -> None:
    svc, renderer = service(db, crossmark=crossmark_with_tools())
    svc.build(MANAGER, DAY)
    cores = [e for e in renderer.packets[0].entries if e.event_type == "Core"]
    assert cores[0].sales_tool_pdf == PDF and cores[0].sales_tool_problem is None
    assert cores[1].sales_tool_pdf is None
    assert "did not return a PDF" in (cores[1].sales_tool_problem or "")


def test_a_failing_sales_tool_download_becomes_a_problem_not_an_error(db: FakeDatabase) -> None:
    cm = crossmark_with_tools()
    cm.fail("sales_tool", RemoteError("Crossmark is down"), times=None)
    svc, renderer = service(db, crossmark=cm)
    svc.build(MANAGER, DAY)
    problems = [e.sales_tool_problem for e in renderer.packets[0].entries if e.event_type == "Core"]
    assert all(p and "Crossmark is down" in p for p in problems)


def test_active_templates_are_split_by_category_in_order_and_missing_files_skipped(db: FakeDatabase) -> None:
    svc, renderer = service(db)
    svc.build(MANAGER, DAY)
    packet = renderer.packets[0]
    assert packet.event_templates == (("Activity Log", b"%PDF-activity"),)
    assert packet.daily_templates == (("Checkoff", b"%PDF-checkoff"),)


def test_an_empty_day_still_renders_a_packet(db: FakeDatabase) -> None:
    svc, renderer = service(db)
    build = svc.build(MANAGER, DAY + timedelta(days=1))
    assert renderer.packets[0].entries == ()
    assert svc.summary(build.data).startswith("No events scheduled")
    assert build.filename == "Paperwork_20251002.pdf"


def test_the_summary_says_who_works_where_and_when(db: FakeDatabase) -> None:
    svc, _ = service(db)
    text = svc.summary(svc.build(MANAGER, DAY).data)
    assert "10:45 AM Ann Lead — 606001-CORE-Super Pretzel" in text
    assert "9:00 AM Cy Barista — 606100-JUICER-PRODUCTION-Orange" in text


def test_employees_may_not_build_packets(db: FakeDatabase) -> None:
    svc, renderer = service(db)
    with pytest.raises(PermissionDenied):
        svc.build(EMPLOYEE, DAY)
    assert renderer.packets == []
    svc.build(LEAD, DAY)
    assert len(renderer.packets) == 1


def test_the_week_pdf_has_one_row_per_working_employee_sunday_first(db: FakeDatabase) -> None:
    svc, renderer = service(db)
    name, pdf = svc.week_pdf(EMPLOYEE, DAY)
    week = renderer.weeks[0]
    assert name == "Week_20250928.pdf" and pdf == b"%PDF-week"
    assert week.week_start == date(2025, 9, 28)
    rows = {r.employee_name: r.days for r in week.rows}
    assert set(rows) == {"Ann Lead", "Bob Spec", "Cy Barista"}
    assert rows["Ann Lead"][3] == "10:45 AM Core\n12:00 PM Supervisor"
    assert rows["Ann Lead"][0] == ""


def test_an_employee_gets_their_own_two_weeks_but_not_someone_elses(db: FakeDatabase) -> None:
    svc, renderer = service(db)
    name, _ = svc.employee_pdf(EMPLOYEE, "E2", DAY)
    assert name == "Schedule_Bob_Spec_20250928.pdf"
    assert [e.event_name for e in renderer.employees[0].entries] == ["606002-CORE-Cheese Bites"]
    with pytest.raises(PermissionDenied):
        svc.employee_pdf(EMPLOYEE, "E1", DAY)
    svc.employee_pdf(LEAD, "E3", DAY)
    assert len(renderer.employees[0].entries) == 1 and len(renderer.employees[1].entries) == 2
