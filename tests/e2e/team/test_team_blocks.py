"""The team Block Kit builders stay inside Slack's limits whatever the data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.blocks.common import MAX_MESSAGE_BLOCKS, MAX_MODAL_BLOCKS, MAX_MODAL_TITLE
from bot.blocks.team import (
    edit_modal,
    edit_result_modal,
    link_suggestion_blocks,
    page_count,
    parse_link_value,
    report_blocks,
    review_page_blocks,
    roster_blocks,
)
from core.model import Employee, JobTitle, WeeklyAvailability
from core.services.query_models import RosterRow
from core.services.team_edit import EditResult
from core.services.team_review import LinkSuggestion


def _rows(count: int) -> list[RosterRow]:
    return [RosterRow(Employee(f"E{i}", "N" * 200, rep_id=str(i)), None, WeeklyAvailability(f"E{i}"))
            for i in range(count)]


@pytest.mark.parametrize("count", [0, 1, 47, 48, 200])
def test_every_roster_page_fits_in_a_message_and_every_person_is_on_exactly_one_page(count: int) -> None:
    rows = _rows(count)
    pages = [roster_blocks(rows, page=p, can_edit=True) for p in range(1, page_count(count) + 1)]

    edit_values = [b["accessory"]["value"] for page in pages for b in page if b.get("accessory")]
    assert all(len(page) <= MAX_MESSAGE_BLOCKS for page in pages)
    assert sorted(edit_values) == sorted(r.employee.id for r in rows)


def test_pages_beyond_the_last_show_the_last_page() -> None:
    assert roster_blocks(_rows(100), page=99) == roster_blocks(_rows(100), page=page_count(100))


def test_the_edit_modal_fits_slack_limits_and_names_its_fields() -> None:
    person = Employee("E" * 50, "A very long name " * 20, job_title=JobTitle.CLUB_SUPERVISOR,
                      email="a@example.com", termination_date=date(2025, 12, 31), needs_review=True)

    view = edit_modal(person, WeeklyAvailability(person.id, (False,) * 7), "U0ANN")

    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["job_title", "active", "email", "weekly", "slack_user", "last_day", "strategy",
                   "reassign_to"]
    assert len(view["blocks"]) <= MAX_MODAL_BLOCKS and len(view["title"]["text"]) <= MAX_MODAL_TITLE
    weekly = next(b for b in view["blocks"] if b.get("block_id") == "weekly")
    assert "initial_options" not in weekly["element"]
    assert "12/31/2025" in json.dumps(view)


def test_link_buttons_round_trip_and_long_lists_are_cut() -> None:
    suggestions = [LinkSuggestion(f"U{i:08d}", "Sam", f"E{i}", "Sam") for i in range(30)]

    blocks = link_suggestion_blocks(suggestions)

    values = [b["accessory"]["value"] for b in blocks if b.get("accessory")]
    assert len(values) == 10 and parse_link_value(values[0]) == ("U00000000", "E0")
    assert "20 more" in json.dumps(blocks)
    with pytest.raises(ValueError):
        parse_link_value("no-separator")


def test_the_review_page_fits_in_a_message() -> None:
    people = [Employee(f"E{i}", f"Person {i}", needs_review=True) for i in range(60)]
    suggestions = [LinkSuggestion(f"U{i:08d}", "Sam", f"E{i}", "Sam") for i in range(60)]

    assert len(review_page_blocks(people, suggestions)) <= MAX_MESSAGE_BLOCKS


def test_a_huge_report_is_cut_inside_its_code_block() -> None:
    blocks = report_blocks("row\n" * 5000, upload_id="abc")

    text = blocks[1]["text"]["text"]
    assert len(text) <= 3000 and text.startswith("```") and text.endswith("```")


def test_the_result_modal_lists_changes_warnings_and_the_dm() -> None:
    result = EditResult(Employee("E1", "Ann"), ("job title A → B",), ("careful",), notified=True)

    text = json.dumps(edit_result_modal(result), ensure_ascii=False)

    assert "job title A → B" in text and "careful" in text and "told by DM" in text
