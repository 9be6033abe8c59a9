"""The paperwork templates that ship with the package."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import letter

from integrations.pdf import shipped_templates
from integrations.pdf.template_files import FORMS, generate_templates, render_form
from tests.integration.pdf.pdf_samples import page_texts, reader


def test_shipped_templates_cover_an_event_and_a_daily_form() -> None:
    templates = shipped_templates()
    assert {(t.name, t.category) for t in templates} == {
        ("Event Table Activity Log", "event"), ("Daily Task Checkoff Sheet", "daily")}
    assert all(t.display_order >= 1 for t in templates)
    assert [Path(t.path).name for t in templates] == ["Event_Table_Activity_Log.pdf",
                                                       "Daily_Task_Checkoff_Sheet.pdf"]


def test_shipped_template_files_are_one_letter_page_each() -> None:
    for template in shipped_templates():
        pdf = Path(template.path).read_bytes()
        pages = reader(pdf).pages
        assert len(pages) == 1
        assert (float(pages[0].mediabox.width), float(pages[0].mediabox.height)) == letter


def test_shipped_templates_show_their_titles_and_fields() -> None:
    by_name = {t.name: page_texts(Path(t.path).read_bytes())[0] for t in shipped_templates()}
    activity = by_name["Event Table Activity Log"]
    assert "EVENT TABLE ACTIVITY LOG" in activity
    assert "Event Number:" in activity and "Demonstrator:" in activity and "Samples Served" in activity
    checkoff = by_name["Daily Task Checkoff Sheet"]
    assert "DAILY TASK CHECKOFF SHEET" in checkoff
    assert "Pull product for today's events using the Daily Item List" in checkoff


def test_committed_template_files_match_the_generator() -> None:
    for template in shipped_templates():
        committed = Path(template.path).read_bytes()
        assert page_texts(committed) == page_texts(render_form(Path(template.path).name))


def test_generation_is_reproducible(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in generate_templates(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in generate_templates(tmp_path / "b")}
    assert first == second
    assert set(first) == set(FORMS)
