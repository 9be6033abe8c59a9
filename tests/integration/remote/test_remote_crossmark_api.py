"""Every MVRetail endpoint the adapter uses, over real sockets against the Crossmark sandbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx
import pytest

from core.errors import InvalidInput, RemoteError
from core.model import Assignment
from devtools.sandbox import SANDBOX_USERNAME, CrossmarkSandbox, SandboxDataset, ServerHandle
from devtools.sandbox.dataset import SandboxMplan
from integrations.crossmark import CrossmarkAdapter

from .support import employee_of, event_of


def unstaffed_core(dataset: SandboxDataset, on: date) -> SandboxMplan:
    return next(m for m in dataset.mplans if "-CORE-" in m.name and m.condition == "Unstaffed"
                and m.start_date <= on <= m.end_date)


def test_user_info_comes_back_after_a_login(crossmark: CrossmarkAdapter) -> None:
    info = crossmark.user_info()

    assert info["username"] == SANDBOX_USERNAME
    assert crossmark.session.logins == 1


def test_planning_events_map_every_wire_field(crossmark: CrossmarkAdapter, dataset: SandboxDataset) -> None:
    events = {e.mplan_id: e for e in crossmark.planning_events(date(2027, 3, 1), date(2027, 4, 30))}

    scheduled = next(m for m in dataset.mplans if m.condition == "Scheduled" and "-CORE-" in m.name)
    remote = events[scheduled.mplan_id]
    assert remote.name == scheduled.name
    assert remote.location_id == "157384"
    assert remote.store_name == "Sam's Club 8135"
    assert (remote.start_date, remote.end_date) == (scheduled.start_date, scheduled.end_date)
    assert remote.condition == "Scheduled"
    assert remote.schedule_start == scheduled.schedule_start
    assert remote.schedule_start is not None and remote.schedule_start.tzinfo is None
    assert remote.schedule_rep_id == scheduled.schedule_rep_id
    assert remote.schedule_event_id == scheduled.schedule_event_id
    assert remote.staffed_reps == scheduled.staffed_reps
    assert remote.sales_tool_url is not None and remote.sales_tool_url.endswith(f"/{scheduled.mplan_id}.pdf")
    assert len(events) == len(dataset.mplans)


def test_planning_events_page_through_start_and_limit(crossmark: CrossmarkAdapter,
                                                      crossmark_sandbox: CrossmarkSandbox,
                                                      dataset: SandboxDataset) -> None:
    pages = list(crossmark.iter_planning_pages(date(2027, 3, 1), date(2027, 4, 30), page_size=7))

    assert [offset for offset, _ in pages] == list(range(0, len(dataset.mplans), 7))
    ids = [r["mPlanID"] for _, records in pages for r in records]
    assert sorted(ids) == sorted(m.mplan_id for m in dataset.mplans)
    assert crossmark_sandbox.faults.count("/planningextcontroller/getPlanningMplans") == len(pages)


def test_planning_events_only_cover_the_interval(crossmark: CrossmarkAdapter) -> None:
    day = date(2027, 3, 20)

    events = crossmark.planning_events(day, day)

    assert events
    assert all(e.start_date <= day <= e.end_date for e in events)


def test_condition_search_selects_only_those_conditions(crossmark: CrossmarkAdapter,
                                                        dataset: SandboxDataset) -> None:
    pages = crossmark.iter_planning_pages(date(2027, 3, 1), date(2027, 4, 30), conditions=["Canceled"])

    names = [r["name"] for _, records in pages for r in records]

    assert names == [m.name for m in dataset.mplans if m.condition == "Canceled"]


def test_mplan_search_finds_one_mplan_by_id(crossmark: CrossmarkAdapter, dataset: SandboxDataset) -> None:
    target = dataset.mplans[5]

    found = crossmark.planning_event(target.mplan_id, date(2027, 3, 1), date(2027, 4, 30))

    assert found is not None and found.name == target.name


def test_json_labelled_text_html_is_still_parsed(crossmark_server: ServerHandle,
                                                crossmark: CrossmarkAdapter) -> None:
    crossmark.session.login()
    raw = httpx.post(f"{crossmark_server.base_url}/users/getUserInfo",
                     cookies={"PHPSESSID": crossmark.session._session_id or ""})

    assert raw.headers["content-type"].startswith("text/html")
    assert crossmark.user_info()["username"] == SANDBOX_USERNAME


def test_available_reps_are_keyed_by_rep_id(crossmark: CrossmarkAdapter, dataset: SandboxDataset) -> None:
    reps = crossmark.reps()

    assert len(reps) == 35
    by_id = {r.rep_id: r for r in reps}
    first = dataset.reps[0]
    assert by_id[first.rep_id].name == first.title
    assert by_id[first.rep_id].employee_id == first.employee_id


def test_qualified_reps_of_a_juicer_mplan_are_baristas(crossmark: CrossmarkAdapter,
                                                        dataset: SandboxDataset) -> None:
    juicer = next(m for m in dataset.mplans if "JUICER" in m.name)

    reps = crossmark.qualified_reps(juicer.mplan_id, juicer.store_id)

    baristas = {r.rep_id for r in dataset.reps if r.job_title == "Juicer Barista"}
    assert {r.rep_id for r in reps} == baristas
    assert all(" " in r.name for r in reps)


def test_schedule_returns_the_mvscheduledevent_id_and_flips_the_mplan(
        crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox, dataset: SandboxDataset) -> None:
    mplan = unstaffed_core(dataset, date(2027, 3, 16))
    rep = dataset.reps[12]

    event_id = crossmark.schedule(event_of(mplan), employee_of(rep), datetime(2027, 3, 16, 10, 45),
                                  datetime(2027, 3, 16, 17, 15))

    state = crossmark_sandbox.state
    assert event_id == state.schedule_calls[-1].event_id
    remote = state.data.mplan(mplan.mplan_id)
    assert remote is not None
    assert remote.condition == "Scheduled"
    assert (remote.schedule_rep_id, remote.staffed_reps) == (rep.rep_id, rep.title)
    assert crossmark.location_condition(mplan.mplan_id, mplan.store_id) == "Scheduled"


def test_find_schedule_sees_an_existing_remote_assignment(crossmark: CrossmarkAdapter,
                                                          dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.condition == "Scheduled" and "-CORE-" in m.name)
    rep = dataset.rep(mplan.schedule_rep_id or "")
    assert rep is not None and mplan.schedule_start is not None

    found = crossmark.find_schedule(event_of(mplan), employee_of(rep), mplan.schedule_start)
    other_time = crossmark.find_schedule(event_of(mplan), employee_of(rep),
                                         mplan.schedule_start + timedelta(hours=1))

    assert found == mplan.schedule_event_id
    assert other_time is None


def test_schedule_refused_by_mvretail_raises_remote_error(crossmark: CrossmarkAdapter,
                                                          dataset: SandboxDataset) -> None:
    mplan = unstaffed_core(dataset, date(2027, 3, 16))

    with pytest.raises(RemoteError, match="outside the mPlan window"):
        crossmark.schedule(event_of(mplan), employee_of(dataset.reps[12]), datetime(2027, 5, 1, 10, 45),
                           datetime(2027, 5, 1, 17, 15))


def test_schedule_without_a_rep_id_is_invalid_input(crossmark: CrossmarkAdapter,
                                                     crossmark_sandbox: CrossmarkSandbox,
                                                     dataset: SandboxDataset) -> None:
    employee = employee_of(dataset.reps[12])
    employee.rep_id = None

    with pytest.raises(InvalidInput, match="RepID"):
        crossmark.schedule(event_of(unstaffed_core(dataset, date(2027, 3, 16))), employee,
                           datetime(2027, 3, 16, 10, 45), datetime(2027, 3, 16, 17, 15))
    assert crossmark_sandbox.faults.requests == []


def test_unschedule_moves_the_mplan_back_to_unstaffed(crossmark: CrossmarkAdapter,
                                                       crossmark_sandbox: CrossmarkSandbox,
                                                       dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.condition == "Scheduled")

    crossmark.unschedule(f"{mplan.schedule_event_id}_schedule")

    remote = crossmark_sandbox.state.data.mplan(mplan.mplan_id)
    assert remote is not None and remote.condition == "Unstaffed" and remote.schedule_event_id is None


def test_unschedule_of_an_unknown_id_raises_remote_error(crossmark: CrossmarkAdapter) -> None:
    with pytest.raises(RemoteError, match="not found"):
        crossmark.unschedule("99999999")


def test_unschedule_rejects_an_mplan_location_key(crossmark: CrossmarkAdapter) -> None:
    with pytest.raises(InvalidInput):
        crossmark.unschedule("31785976_157384")


def test_reissue_creates_pending_work_then_schedules(crossmark: CrossmarkAdapter,
                                                     crossmark_sandbox: CrossmarkSandbox,
                                                     dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.condition == "Submitted")
    rep = dataset.reps[2]
    assignment = Assignment(id=7, event_id=1, employee_id=rep.employee_id, start=datetime(2027, 3, 11, 10),
                            external_id=mplan.schedule_event_id)
    day = max(mplan.start_date, date(2027, 3, 13))

    start = datetime(day.year, day.month, day.day, 10, 0)

    new_id = crossmark.reissue(event_of(mplan), assignment, employee_of(rep), start,
                               start + timedelta(minutes=30), True)

    state = crossmark_sandbox.state
    call = state.reissue_calls[-1]
    assert call["workLogEntryID"] == mplan.schedule_event_id
    assert call["overriddenRepIDs"] == f"[{rep.rep_id}]"
    assert call["includeResponses"] == "true"
    assert call["expirationDate"] == f"{(mplan.end_date + timedelta(days=1)).isoformat()}T00:00:00"
    assert state.schedule_calls[-1].event_id == new_id
    remote = state.data.mplan(mplan.mplan_id)
    assert remote is not None and remote.condition == "Scheduled" and remote.schedule_rep_id == rep.rep_id


def test_sales_tool_downloads_the_pdf(crossmark: CrossmarkAdapter, dataset: SandboxDataset) -> None:
    events = crossmark.planning_events(date(2027, 3, 1), date(2027, 4, 30))
    url = next(e.sales_tool_url for e in events if e.sales_tool_url and "broken" not in e.sales_tool_url)

    pdf = crossmark.sales_tool(url)

    assert pdf is not None and pdf.startswith(b"%PDF")


def test_sales_tool_that_answers_html_gives_none(crossmark: CrossmarkAdapter) -> None:
    events = crossmark.planning_events(date(2027, 3, 1), date(2027, 4, 30))
    broken = next(e.sales_tool_url for e in events if e.sales_tool_url and "broken" in e.sales_tool_url)

    assert crossmark.sales_tool(broken) is None


def test_sales_tool_missing_gives_none(crossmark: CrossmarkAdapter) -> None:
    assert crossmark.sales_tool("/salestools/123.pdf") is None


def test_logout_drops_the_session(crossmark: CrossmarkAdapter, crossmark_sandbox: CrossmarkSandbox) -> None:
    crossmark.user_info()

    crossmark.session.logout()

    assert crossmark_sandbox.state.sessions == {}
    assert not crossmark.session.active
