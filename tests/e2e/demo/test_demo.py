"""`schedbot demo`: the whole daily cycle on embedded defaults, against the sandboxes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from bot.cli.main import main
from devtools.demo.cycle import DEMO_DB, run_cycle

DEMO_DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path, Path]:
    directory = tmp_path_factory.mktemp("demo")
    summary, packet = run_cycle(directory, DEMO_DAY)
    return summary.lines, packet, directory


def test_the_demo_syncs_schedules_approves_and_builds_the_packet(demo: tuple[list[str], Path, Path]) -> None:
    lines, packet, _ = demo
    text_out = "\n".join(lines)
    assert "reps synced     created 35" in text_out
    assert "events synced   created" in text_out
    assert "auto-scheduler " in text_out and "proposed" in text_out
    assert "pushed to the Crossmark sandbox" in text_out
    assert "today           Thu 11/26:" in text_out and "this week       Sun " in text_out
    assert "unscheduled     " in text_out
    assert "EDR cache       created" in text_out
    assert f"packet path     {packet.resolve()}" in text_out


def test_the_demo_packet_is_a_real_pdf_with_the_days_cores(demo: tuple[list[str], Path, Path]) -> None:
    _, packet, _ = demo
    reader = PdfReader(io.BytesIO(packet.read_bytes()))
    first = reader.pages[0].extract_text()
    assert "Thursday" in first and "November 26, 2026" in first
    body = "\n".join(page.extract_text() for page in reader.pages)
    assert body.count("EVENT DETAIL REPORT") == 2
    assert "EDR NOT AVAILABLE" not in body
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["Daily Schedule",
                                                                                  "Daily Item List"]


def test_approved_work_is_stored_locally_with_crossmark_ids(demo: tuple[list[str], Path, Path]) -> None:
    _, _, directory = demo
    engine = create_engine(f"sqlite:///{directory / DEMO_DB}")
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM assignments")).scalar_one()
        unpushed = text("SELECT count(*) FROM assignments WHERE external_id IS NULL")
        missing = conn.execute(unpushed).scalar_one()
    engine.dispose()
    assert total > 30
    assert missing == 0


def test_schedbot_demo_exits_zero_with_no_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://must-not-be-used/nowhere")
    monkeypatch.setenv("EXTERNAL_API_BASE_URL", "https://must-not-be-used.invalid")
    assert main(["demo", "--dir", str(tmp_path / "out"), "--date", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    assert "packet path" in out
    assert (tmp_path / "out" / "Paperwork_20261126.pdf").is_file()
