"""The proposal and time-off Block Kit builders stay inside Slack's limits and escape what people typed."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from bot.blocks.common import MAX_MESSAGE_BLOCKS, MAX_MODAL_BLOCKS, MAX_SECTION_TEXT
from bot.blocks.proposals import (
    APPROVE_ACTION,
    NEXT_ACTION,
    PREV_ACTION,
    REVIEW_NEXT_ACTION,
    content_pages,
    proposal_message,
    review_modal,
    what_if_blocks,
)
from bot.blocks.time_off import Prefill, confirmation_card, decided_card, request_card
from core.model import TimeOffRequest, TimeOffStatus
from core.services.autoschedule_review import MoveRow, WhatIfAnswer
from core.services.query_models import ScheduledRow
from core.services.run_summary import DayRows, ProposalRow, RunSummary
from tests.e2e.flows.harness import has_button, text_of

START = date(2025, 10, 5)


def row(n: int, *, day: int | None = 0, name: str | None = None, status: str = "proposed") -> ProposalRow:
    start = datetime.combine(START + timedelta(days=day), datetime.min.time()) + timedelta(hours=10) \
        if day is not None else None
    return ProposalRow(n, 1000 + n, name or f"6060{n:02d}-CORE-Product number {n} with a long name", "Core",
                       "E-ANN" if start else None, "Ann Archer" if start else None, start, status,
                       reason_text=None if start else "all are inside the buffer days")


def summary(placed: list[ProposalRow], gaps: list[ProposalRow], status: str = "completed") -> RunSummary:
    days: dict[date, list[ProposalRow]] = {}
    for r in placed:
        assert r.start is not None
        days.setdefault(r.start.date(), []).append(r)
    return RunSummary(run_id=7, status=status, solver_status="FEASIBLE", gap=0.031, wall_seconds=1.0,
                      horizon_start=START, horizon_end=START + timedelta(days=61), created_by="U0MGR",
                      decided_by=None, to_schedule=len(placed) + len(gaps), proposed=len(placed),
                      unscheduled=len(gaps), bumps=0, pushed=0, failed=0, pending=len(placed),
                      days=tuple(DayRows(d, tuple(rs)) for d, rs in sorted(days.items())),
                      unscheduled_rows=tuple(gaps), removals=())


def big_run() -> RunSummary:
    placed = [row(n, day=n % 62) for n in range(400)] + [row(1000 + n, day=3) for n in range(80)]
    return summary(placed, [row(5000 + n, day=None) for n in range(120)])


def test_every_page_of_a_big_run_fits_a_message_and_shows_every_row_once() -> None:
    run = big_run()
    pages = content_pages(run)
    rendered = [proposal_message(run, p)[1] for p in range(len(pages))]

    assert len(pages) > 2
    assert all(len(blocks) <= MAX_MESSAGE_BLOCKS for blocks in rendered)
    texts = [b["text"]["text"] for blocks in rendered for b in blocks if b.get("type") == "section"]
    assert all(len(t) <= MAX_SECTION_TEXT for t in texts)
    everything = "\n".join(text_of(page) for page in pages)
    for r in [*[x for d in run.days for x in d.rows], *run.unscheduled_rows]:
        assert everything.count(r.event_name) == 1, r.event_name


def test_page_buttons_lead_from_the_first_to_the_last_page() -> None:
    run = big_run()
    last = len(content_pages(run)) - 1

    first, final = proposal_message(run, 0)[1], proposal_message(run, last)[1]

    assert has_button(first, NEXT_ACTION) and not has_button(first, PREV_ACTION)
    assert has_button(final, PREV_ACTION) and not has_button(final, NEXT_ACTION)
    assert has_button(first, APPROVE_ACTION) and has_button(final, APPROVE_ACTION)
    assert "feasible (gap 3.1%)" in text_of(first)


def test_review_modal_pages_within_a_hundred_blocks() -> None:
    run = summary([row(n, day=n % 10) for n in range(250)], [])

    first = review_modal(run, 0, "{}")
    last = review_modal(run, 99, "{}")

    assert len(first["blocks"]) <= MAX_MODAL_BLOCKS and len(last["blocks"]) <= MAX_MODAL_BLOCKS
    assert has_button(first["blocks"], REVIEW_NEXT_ACTION)
    assert "Page 3 of 3" in text_of(last["blocks"])


def test_event_names_are_escaped_in_the_proposal() -> None:
    run = summary([row(1, name="<!channel> Free & <b>")], [row(2, day=None, name="<@U0ANA|x> gap")])

    text = text_of(proposal_message(run)[1])

    assert "&lt;!channel&gt; Free &amp; &lt;b&gt;" in text and "<!channel>" not in text


def test_decided_runs_show_the_result_line_and_no_decision_buttons() -> None:
    run = summary([row(1)], [], status="approved")

    _, blocks = proposal_message(run)

    assert "Approved: 0 pushed" in text_of(blocks)
    assert not has_button(blocks, APPROVE_ACTION)


def test_what_if_answer_names_the_person_the_moves_and_the_cost() -> None:
    answer = WhatIfAnswer(9, "606099-CORE-X", True, "E-BEN", datetime(2025, 10, 6, 10, 45),
                          (MoveRow(3, "606001-CORE-Y", "E-BEN", None, None, None, "606001-CORE-Y drops"),),
                          12, "Forcing it drops one Core.")

    text = text_of(what_if_blocks(answer, {"E-BEN": "Ben Baker"}))

    assert "Ben Baker, Mon 10/06 at 10:45 AM (cost +12 points)" in text and "606001-CORE-Y drops" in text


def scheduled(n: int) -> ScheduledRow:
    start = datetime(2025, 10, 6, 10, 45) + timedelta(days=n)
    return ScheduledRow(n, n, f"<!here> event {n}", "Core", "Scheduled", "E-ANN", "Ann Archer",  # type: ignore[arg-type]
                        start, start + timedelta(hours=6))


def test_time_off_cards_cap_long_lists_and_escape_names() -> None:
    request = TimeOffRequest(3, "E-ANN", date(2025, 10, 6), date(2025, 12, 4), "trip <!channel>",
                             status=TimeOffStatus.APPROVED, decided_by="U0MGR")
    rows = [scheduled(n) for n in range(40)]

    pending = request_card(TimeOffRequest(3, "E-ANN", date(2025, 10, 6), date(2025, 12, 4)), "Ann", rows)
    approved = decided_card(request, "Ann <Archer>", rows)

    assert len(pending) <= MAX_MESSAGE_BLOCKS and len(approved) <= MAX_MESSAGE_BLOCKS
    assert "…and 25 more" in text_of(pending)
    shown = json.dumps(approved)
    assert "<!here>" not in shown and "<!channel>" not in shown and "Ann &lt;Archer&gt;" in shown


def test_dm_card_values_round_trip_and_stay_short() -> None:
    prefill = Prefill(date(2025, 12, 24), date(2025, 12, 26), "r" * 200)

    card = confirmation_card(date(2025, 12, 24), date(2025, 12, 26), "r" * 200)
    values = [e["value"] for e in card[-1]["elements"]]

    assert Prefill.decode(prefill.encode()) == Prefill(date(2025, 12, 24), date(2025, 12, 26), "r" * 200)
    assert all(len(v) <= 2000 for v in values)


@pytest.mark.parametrize("value", ["", "[]", "{\"s\": \"2025-13-01\"}", "null", "{\"s\": 5}"])
def test_damaged_dm_card_values_are_refused(value: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        Prefill.decode(value)
