"""Review… on a proposal: the row list, per-row edits re-validated by the service, field errors."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.proposals import EDIT_CALLBACK, EDIT_ROW_ACTION, REVIEW_ACTION, encode_meta
from core.model import EventType, JobTitle, ProposalStatus
from devtools.fake_slack import Message, View
from tests.e2e.flows.harness import MANAGER, Flow, ack_json, text_of
from tests.unit.services.service_world import World, core_pair, day

Values = dict[str, dict[str, dict[str, Any]]]


@pytest.fixture
def plannable(world: World) -> World:
    """Two Core + Supervisor pairs and a Digitals event."""
    core_pair(world, "606001", 4, 10)
    core_pair(world, "606002", 4, 12)
    world.event("999999-Digital Setup Special", day(5), day(5), event_type=EventType.DIGITALS)
    return world


def open_review(flow: Flow) -> tuple[Message, View]:
    mark = flow.mark()
    flow.command("auto 14", user=MANAGER)
    flow.settle(mark, "chat.update")
    message = flow.last_to("C0TEAM")
    mark = flow.mark()
    flow.click(message, REVIEW_ACTION, user=MANAGER)
    flow.settle(mark, "views.update")
    return message, flow.last_view()


def edit_row(flow: Flow, review: View, event_name: str) -> View:
    """Press Edit on the row of ``event_name``; the pushed edit modal."""
    blocks = review.view["blocks"]
    row = next(b for b in blocks if event_name in b.get("text", {}).get("text", "") and b.get("accessory"))
    mark = flow.mark()
    flow.send(flow.requests.block_actions(EDIT_ROW_ACTION, value=row["accessory"]["value"], user_id=MANAGER,
                                          view={**review.view, "id": review.id}))
    flow.wait(mark, "views.push")
    return flow.last_view()


def values(employee: str, when: str, at: str, *, confirm: bool = False) -> Values:
    option = {"value": employee, "text": {"type": "plain_text", "text": employee}}
    out: Values = {"employee": {"employee_id": {"type": "static_select", "selected_option": option}},
                   "day": {"day": {"type": "datepicker", "selected_date": when}},
                   "time": {"time": {"type": "plain_text_input", "value": at}}}
    if confirm:
        out["confirm"] = {"confirm": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}}
    return out


def proposals(world: World) -> list[Any]:
    return world.read(lambda uow: uow.proposals.list())  # type: ignore[no-any-return]


def test_review_lists_every_open_row_with_an_edit_button(flow: Flow, plannable: World) -> None:
    _, review = open_review(flow)

    assert review.view["callback_id"] == "proposal_review"
    text = text_of(review.view["blocks"])
    names = ("606001-CORE-Super Pretzel", "606002-Supervisor-Super Pretzel", "999999-Digital Setup Special")
    for name in names:
        assert name in text
    edits = [b for b in review.view["blocks"]
             if (b.get("accessory") or {}).get("action_id") == EDIT_ROW_ACTION]
    assert len(edits) == 5


def test_a_valid_edit_is_saved_and_redraws_the_modal_and_the_message(flow: Flow, plannable: World) -> None:
    message, review = open_review(flow)
    edit = edit_row(flow, review, "606001-CORE-Super Pretzel")

    # Ben must not already hold another Core of the plan on the chosen day (one Core a day).
    bens_days = {p.start.date() for p in proposals(plannable) if p.employee_id == "E-BEN"}
    free = next(d for d in (day(k) for k in range(5, 11)) if d not in bens_days)
    mark = flow.mark()
    assert ack_json(flow.submit(edit, values("E-BEN", free.isoformat(), "11:45"), user=MANAGER)) == {}
    flow.settle(mark, "chat.update")

    edited = [p for p in proposals(plannable) if p.status is ProposalStatus.EDITED]
    assert ("E-BEN", free, "11:45") in [(p.employee_id, p.start.date(), f"{p.start:%H:%M}") for p in edited]
    # anything else edited is the pair's Supervisor, moved to the Core's new day
    others = [p for p in edited if p.employee_id != "E-BEN"]
    assert all(p.start.date() == free for p in others) and len(others) <= 1
    assert "Ben Baker" in text_of(flow.message(message.channel, message.ts).blocks)
    assert flow.fake.calls("views.update")[-1].params["view_id"] == review.id


def test_a_hard_rule_refuses_the_edit_on_its_field(flow: Flow, plannable: World) -> None:
    _, review = open_review(flow)
    edit = edit_row(flow, review, "606001-CORE-Super Pretzel")
    before = plannable.state()

    outside = ack_json(flow.submit(edit, values("E-BEN", "2025-10-20", "11:45"), user=MANAGER))
    wrong_time = ack_json(flow.submit(edit, values("E-BEN", "2025-10-05", "10:50"), user=MANAGER))
    wrong_role = ack_json(flow.submit(edit, values("E-CARA", "2025-10-05", "11:45"), user=MANAGER))

    assert outside["response_action"] == "errors" and "day" in outside["errors"]
    assert "time" in wrong_time["errors"]
    assert wrong_role["response_action"] == "errors"
    assert plannable.state() == before


def test_a_soft_rule_asks_for_a_confirmation_before_saving(flow: Flow, plannable: World) -> None:
    _, review = open_review(flow)
    plannable.employee("E-LEO", "Leo Lane", JobTitle.LEAD)
    edit = edit_row(flow, review, "606001-Supervisor-Super Pretzel")
    before = plannable.state()

    answer = ack_json(flow.submit(edit, values("E-LEO", "2025-10-05", "12:00"), user=MANAGER))

    assert answer["response_action"] == "update"
    assert "not the Primary Lead" in text_of(answer["view"]["blocks"])
    assert plannable.state() == before

    assert ack_json(flow.submit(answer["view"], values("E-LEO", "2025-10-05", "12:00", confirm=True),
                                user=MANAGER)) == {}
    assert [p.employee_id for p in proposals(plannable) if p.status is ProposalStatus.EDITED] == ["E-LEO"]


BAD_EDITS = [
    pytest.param(values("E-GHOST", "2025-10-05", "11:45"), "employee", id="option-not-offered"),
    pytest.param(values("E-BEN", "2025-02-30", "11:45"), "day", id="impossible-date"),
    pytest.param(values("E-BEN", "2025-10-05", "25:99"), "time", id="impossible-time"),
    pytest.param(values("E-BEN", "2025-10-05", "11:45\x00"), "time", id="nul"),
    pytest.param(values("E-BEN", "2025-10-05", "\u202e11:45"), "time", id="rtl-override"),
    pytest.param(values("E-BEN", "2025-10-05", "1" * 10_000), "time", id="ten-thousand-chars"),
    pytest.param({**values("E-BEN", "2025-10-05", "11:45"), "day": {}}, "day", id="missing-day-block"),
    pytest.param({"time": values("E-BEN", "2025-10-05", "11:45")["time"]}, "employee", id="missing-blocks"),
]


@pytest.mark.parametrize("bad,field", BAD_EDITS)
def test_malformed_edits_show_field_errors_and_store_nothing(flow: Flow, plannable: World, bad: Values,
                                                             field: str) -> None:
    _, review = open_review(flow)
    edit = edit_row(flow, review, "606001-CORE-Super Pretzel")
    before = plannable.state()

    answer = ack_json(flow.submit(edit, bad, user=MANAGER))

    assert answer["response_action"] == "errors" and field in answer["errors"], answer
    assert plannable.state() == before


@pytest.mark.parametrize("meta", ["", "{}", '{"run": "1", "pid": 1}', "not json"])
def test_a_damaged_edit_form_is_refused(flow: Flow, plannable: World, meta: str) -> None:
    open_review(flow)
    before = plannable.state()

    answer = ack_json(flow.submit({"callback_id": EDIT_CALLBACK, "private_metadata": meta},
                                  values("E-BEN", "2025-10-05", "11:45"), user=MANAGER))

    assert answer["response_action"] == "errors"
    assert plannable.state() == before


def test_edits_by_employees_are_refused(flow: Flow, plannable: World) -> None:
    open_review(flow)
    before = plannable.state()
    pid = proposals(plannable)[0].id

    view = {"callback_id": EDIT_CALLBACK, "private_metadata": encode_meta(run=1, pid=pid)}
    answer = ack_json(flow.submit(view, values("E-BEN", "2025-10-05", "11:45"), user="U0ANA"))

    assert answer.get("response_action") in ("push", "errors")
    assert plannable.state() == before
