"""The sandbox itself: seeded data, loopback serving, the HTTP fault-control API, sales-tool PDFs."""

from __future__ import annotations

import io
import re
import socket
from collections import Counter
from datetime import date, datetime, timedelta

import httpx
import pytest
from pypdf import PdfReader

from devtools.sandbox import (
    CrossmarkSandbox,
    SandboxDataset,
    ServerHandle,
    sandbox_dataset,
    start_sandboxes,
)

TODAY = date(2027, 3, 12)


def test_the_dataset_has_about_35_reps_with_every_job_title(dataset: SandboxDataset) -> None:
    titles = Counter(r.job_title for r in dataset.reps)

    assert len(dataset.reps) == 35
    assert len({r.rep_id for r in dataset.reps}) == 35
    assert len({r.employee_id for r in dataset.reps}) == 35
    assert all(re.fullmatch(r"US\d{6}", r.employee_id) for r in dataset.reps)
    assert titles["Club Supervisor"] == 1
    assert titles["Lead Event Specialist"] >= 2
    assert titles["Juicer Barista"] >= 2
    assert titles["Event Specialist"] > 20


@pytest.mark.parametrize("pattern", [r"^\d{6}-CORE-", r"^\d{6}-Supervisor-", r"^\d{6}-JUICER-PRODUCTION-",
                                     r"^\d{6}-JUICER-SURVEY-", r"^\d{6}-FREEOSK-", r"^\d{6}-DIGITAL SETUP-",
                                     r"^\d{6}-DIGITAL REFRESH-", r"^\d{6}-DIGITAL TEARDOWN-"])
def test_the_dataset_has_mplans_of_every_type(dataset: SandboxDataset, pattern: str) -> None:
    assert any(re.match(pattern, m.name) for m in dataset.mplans)


def test_other_mplans_carry_no_type_keyword(dataset: SandboxDataset) -> None:
    keywords = ("CORE", "SUPERVISOR", "JUICER", "FREEOSK", "DIGITAL")
    assert any(not any(k in m.name.upper() for k in keywords) for m in dataset.mplans)


def test_every_core_has_a_supervisor_twin_with_the_same_window(dataset: SandboxDataset) -> None:
    cores = [m for m in dataset.mplans if "-CORE-" in m.name]
    for core in cores:
        twin = [m for m in dataset.mplans if m.name == core.name.replace("-CORE-", "-Supervisor-")]
        assert len(twin) == 1
        assert (twin[0].start_date, twin[0].end_date) == (core.start_date, core.end_date)
    assert len(cores) == 14


def test_windows_span_several_days_around_today(dataset: SandboxDataset) -> None:
    lengths = [(m.end_date - m.start_date).days for m in dataset.mplans]

    assert max(lengths) >= 5
    assert min(m.start_date for m in dataset.mplans) <= TODAY
    assert max(m.end_date for m in dataset.mplans) >= TODAY + timedelta(days=13)


def test_a_few_mplans_are_already_scheduled_without_double_booking(dataset: SandboxDataset) -> None:
    scheduled = [m for m in dataset.mplans if m.schedule_event_id]

    assert 3 <= len(scheduled) <= 10
    assert all(m.schedule_rep_id and m.schedule_start and m.staffed_reps for m in scheduled)
    starts = [(m.schedule_rep_id, m.schedule_start) for m in scheduled]
    assert len(set(starts)) == len(starts)
    assert {m.condition for m in dataset.mplans} >= {"Unstaffed", "Scheduled", "Submitted", "Canceled"}


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    assert sandbox_dataset(TODAY, seed=1) == sandbox_dataset(TODAY, seed=1)
    assert sandbox_dataset(TODAY, seed=1).reps != sandbox_dataset(TODAY, seed=2).reps


def test_the_dataset_can_be_sized_for_bulk_syncs() -> None:
    big = sandbox_dataset(TODAY, reps=200, mplans=5000)
    bulk = [m for m in big.mplans if "-Shelf Audit " in m.name]

    assert len(big.reps) == 200 and len({r.rep_id for r in big.reps}) == 200
    assert len({r.title for r in big.reps}) == 200 and len({r.employee_id for r in big.reps}) == 200
    assert len(big.mplans) == 5000 and len({m.mplan_id for m in big.mplans}) == 5000
    assert len(bulk) == 5000 - len(sandbox_dataset(TODAY).mplans)
    assert min(m.start_date for m in bulk) == TODAY - timedelta(days=7)
    assert max(m.end_date for m in bulk) <= TODAY + timedelta(days=90)
    scheduled = [m for m in bulk if m.schedule_event_id]
    assert len(scheduled) == len(bulk[::5]) and all(m.condition == "Scheduled" for m in scheduled)
    assert {m.schedule_rep_id for m in scheduled} == {r.rep_id for r in big.reps}
    assert len({m.schedule_event_id for m in big.mplans if m.schedule_event_id}) == len(
        [m for m in big.mplans if m.schedule_event_id])


def test_the_team_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="reps"):
        sandbox_dataset(TODAY, reps=3)


def test_edr_events_share_the_crossmark_event_numbers(dataset: SandboxDataset) -> None:
    numbers = {m.name[:6] for m in dataset.mplans if "-CORE-" in m.name}

    assert numbers <= set(dataset.edr_events)


def test_edr_items_have_realistic_gtins_and_some_nine_digit_upcs(dataset: SandboxDataset) -> None:
    items = [i for e in dataset.edr_events.values() for i in e.items]

    assert {len(i.gtin) for i in items} <= {9, 12, 13, 14}
    assert any(len(i.gtin) == 9 for i in items)
    assert any(len(i.gtin) >= 12 for i in items)
    assert all(i.gtin.isdigit() and i.vendor_number.isdigit() and i.dept_number > 0 for i in items)


def test_serve_in_thread_binds_loopback_and_stop_frees_the_port(crossmark_sandbox: CrossmarkSandbox) -> None:
    handle = crossmark_sandbox.serve()
    assert handle.base_url == f"http://127.0.0.1:{handle.port}"
    assert httpx.get(f"{handle.base_url}/login").status_code == 200

    handle.stop()

    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", handle.port)) != 0


def test_faults_can_be_injected_and_cleared_over_http(crossmark_server: ServerHandle) -> None:
    base = crossmark_server.base_url
    spec = {"path": "/login", "kind": "status", "status": 503, "retry_after": "4", "times": 1}

    assert httpx.post(f"{base}/_sandbox/faults", json=spec).status_code == 200
    faulted = httpx.get(f"{base}/login")
    healthy = httpx.get(f"{base}/login")
    httpx.post(f"{base}/_sandbox/faults", json={**spec, "times": None})
    httpx.delete(f"{base}/_sandbox/faults")
    cleared = httpx.get(f"{base}/login")
    log = httpx.get(f"{base}/_sandbox/requests").json()

    assert (faulted.status_code, faulted.headers["retry-after"]) == (503, "4")
    assert healthy.status_code == 200 and cleared.status_code == 200
    assert [(r["path"], r["status"], r["fault"]) for r in log] == [
        ("/login", 503, "status"), ("/login", 200, None), ("/login", 200, None)]


def test_a_bad_fault_spec_is_refused(crossmark_server: ServerHandle) -> None:
    answer = httpx.post(f"{crossmark_server.base_url}/_sandbox/faults", json={"path": "/x", "kind": "melt"})

    assert answer.status_code == 400


def test_sales_tool_pdfs_name_their_mplan(crossmark_server: ServerHandle, dataset: SandboxDataset) -> None:
    mplan = next(m for m in dataset.mplans if m.sales_tool_path and "broken" not in m.sales_tool_path)

    answer = httpx.get(f"{crossmark_server.base_url}{mplan.sales_tool_path}")

    assert answer.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert mplan.name in text and str(mplan.mplan_id) in text


def test_start_sandboxes_serves_both_and_gives_the_environment() -> None:
    running = start_sandboxes(TODAY)
    try:
        env = running.env()
        crossmark_up = httpx.get(f"{env['EXTERNAL_API_BASE_URL']}/login").status_code
        retaillink_up = httpx.get(f"{env['WALMART_LOGIN_BASE_URL']}/login").status_code
    finally:
        running.stop()

    assert (crossmark_up, retaillink_up) == (200, 200)
    assert env["WALMART_EDR_BASE_URL"] == env["WALMART_LOGIN_BASE_URL"]
    assert env["STORE_NUMBER"] == "8135"
    assert running.dataset.today == TODAY


def test_scheduled_sandbox_times_are_plain_store_local_datetimes(dataset: SandboxDataset) -> None:
    starts = [m.schedule_start for m in dataset.mplans if m.schedule_start]

    assert all(isinstance(s, datetime) and s.tzinfo is None for s in starts)
