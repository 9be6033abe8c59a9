"""Time off end to end: /timeoff → modal → managers' card → Approve / Deny… → the requester is told."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.time_off import (
    APPROVE_ACTION,
    DENY_ACTION,
    FIND_REPLACEMENT_ACTION,
    UNASSIGN_ACTION,
)
from core.model import TimeOffStatus
from devtools.fake_slack import Message
from tests.e2e.flows.harness import ANN, BEN, MANAGER, Flow, ack_json, has_button, text_of
from tests.unit.services.service_world import World, at, day


def dates(start: str, end: str, reason: str | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Values of the time-off modal."""
    values: dict[str, dict[str, dict[str, Any]]] = {
        "start": {"start_date": {"type": "datepicker", "selected_date": start}},
        "end": {"end_date": {"type": "datepicker", "selected_date": end}},
    }
    if reason is not None:
        values["reason"] = {"reason_text": {"type": "plain_text_input", "value": reason}}
    return values


@pytest.fixture
def anns_core(world: World) -> int:
    """Ann works a Core on Tue 10/07 at 10:45; its id."""
    core = world.event("606001-CORE-Super Pretzel", day(2), day(8))
    world.assignment(core, "E-ANN", at(6, "10:45"))
    return core.id


def request_by(flow: Flow, user: str, start: str, end: str, reason: str | None = None) -> Message:
    """``/timeoff`` → submit the modal; the card the manager got."""
    mark = flow.mark()
    flow.command("", command="/timeoff", user=user)
    flow.wait(mark, "views.open")
    mark = flow.mark()
    assert ack_json(flow.submit(flow.last_view(), dates(start, end, reason), user=user)) == {}
    flow.settle(mark, "chat.postMessage", 2)
    return flow.last_to(MANAGER)


def requests(world: World) -> list[Any]:
    return world.read(lambda uow: uow.time_off_requests.list())  # type: ignore[no-any-return]


def test_timeoff_with_dates_opens_the_modal_prefilled(flow: Flow) -> None:
    mark = flow.mark()
    flow.command("10/6-10/8 family trip", command="/timeoff", user=ANN)

    view = flow.wait(mark, "views.open")[0].params["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["start"]["element"]["initial_date"] == "2025-10-06"
    assert blocks["end"]["element"]["initial_date"] == "2025-10-08"
    assert blocks["reason"]["element"]["initial_value"] == "family trip"
    assert "employee" not in blocks


def test_timeoff_with_words_that_are_not_dates_opens_the_modal_and_says_so(flow: Flow) -> None:
    mark = flow.mark()
    flow.command("<!channel> banana", command="/timeoff", user=ANN)

    view = flow.wait(mark, "views.open")[0].params["view"]
    note = text_of(view["blocks"])
    assert "&lt;!channel&gt; banana" in note and "<!channel>" not in note


def test_managers_open_the_modal_with_a_choice_of_who_is_off(flow: Flow) -> None:
    mark = flow.mark()
    flow.command("", command="/timeoff", user=MANAGER)

    view = flow.wait(mark, "views.open")[0].params["view"]
    select = next(b for b in view["blocks"] if b.get("block_id") == "employee")["element"]
    assert {o["value"] for o in select["options"]} >= {"E-ANN", "E-BEN", "E-JULES"}


def test_request_reaches_the_manager_with_the_work_inside_the_range(flow: Flow, world: World,
                                                                    anns_core: int) -> None:
    card = request_by(flow, ANN, "2025-10-06", "2025-10-08", "family trip")

    text = text_of(card.blocks)
    assert "Ann Archer" in text and "Mon 10/06 – Wed 10/08 (3 days)" in text and "family trip" in text
    assert "606001-CORE-Super Pretzel" in text and "Tue 10/07 at 10:45 AM" in text
    assert has_button(card.blocks, APPROVE_ACTION) and has_button(card.blocks, DENY_ACTION)
    assert "sent to your managers" in flow.last_to(ANN).text
    assert [r.status for r in requests(world)] == [TimeOffStatus.PENDING]


def test_approval_records_the_time_off_tells_the_requester_and_offers_replacements(
        flow: Flow, world: World, anns_core: int) -> None:
    card = request_by(flow, ANN, "2025-10-06", "2025-10-08")

    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")

    updated = flow.message(card.channel, card.ts)
    text = text_of(updated.blocks)
    assert "Approved* by <@U0MGR>" in text
    assert not has_button(updated.blocks, APPROVE_ACTION)
    assert has_button(updated.blocks, FIND_REPLACEMENT_ACTION) and has_button(updated.blocks, UNASSIGN_ACTION)
    assert "was approved" in flow.last_to(ANN).text
    assert len(world.read(lambda uow: uow.time_off.list())) == 1


def test_a_second_approve_changes_nothing_and_says_who_decided(flow: Flow, world: World) -> None:
    card = request_by(flow, ANN, "2025-10-06", "2025-10-06")
    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")
    before = world.state()

    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=MANAGER, value=str(requests(world)[0].id))
    flow.settle(mark, "response_url")

    assert "already approved by <@U0MGR>" in flow.replies()[-1].text
    assert world.state() == before


def test_an_employee_cannot_approve_and_nothing_changes(flow: Flow, world: World) -> None:
    card = request_by(flow, BEN, "2025-10-06", "2025-10-06")
    before = world.state()

    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=ANN)
    flow.settle(mark, "response_url")

    assert "manager" in flow.replies()[-1].text
    assert world.state() == before


def test_deny_with_a_note_tells_the_requester_the_reason(flow: Flow, world: World) -> None:
    card = request_by(flow, BEN, "2025-10-06", "2025-10-07")
    mark = flow.mark()
    flow.click(card, DENY_ACTION, user=MANAGER)
    flow.wait(mark, "views.open")

    mark = flow.mark()
    note = {"note": {"note_text": {"type": "plain_text_input", "value": "Inventory week <!here>"}}}
    assert ack_json(flow.submit(flow.last_view(), note, user=MANAGER)) == {}
    flow.settle(mark, "chat.update")

    assert requests(world)[0].status is TimeOffStatus.DENIED
    told = flow.last_to(BEN).text
    assert "was denied" in told and "Inventory week" in told
    text = text_of(flow.message(card.channel, card.ts).blocks)
    assert "Denied* by <@U0MGR>" in text and "&lt;!here&gt;" in text
    assert world.read(lambda uow: uow.time_off.list()) == []


def test_unassign_after_approval_takes_the_work_away(flow: Flow, world: World, anns_core: int) -> None:
    card = request_by(flow, ANN, "2025-10-06", "2025-10-08")
    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")

    mark = flow.mark()
    flow.click(flow.message(card.channel, card.ts), UNASSIGN_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")

    assert world.assignments_of(anns_core) == []
    updated = flow.message(card.channel, card.ts)
    assert "Unassigned by <@U0MGR>" in text_of(updated.blocks)
    assert not has_button(updated.blocks, UNASSIGN_ACTION)


def test_timeoff_list_and_cancel(flow: Flow, world: World) -> None:
    request_by(flow, ANN, "2025-10-06", "2025-10-06")
    request_id = requests(world)[0].id

    mark = flow.mark()
    flow.command("list", command="/timeoff", user=ANN)
    flow.settle(mark, "response_url")
    assert f"#{request_id}" in text_of(flow.replies()[-1].blocks)

    mark = flow.mark()
    flow.command(f"cancel {request_id}", command="/timeoff", user=ANN)
    flow.settle(mark, "response_url")
    assert "cancelled" in flow.replies()[-1].text
    assert requests(world)[0].status is TimeOffStatus.CANCELLED


def test_timeoff_cancel_of_someone_elses_request_is_refused(flow: Flow, world: World) -> None:
    request_by(flow, BEN, "2025-10-06", "2025-10-06")
    before = world.state()

    mark = flow.mark()
    flow.command(f"cancel {requests(world)[0].id}", command="/timeoff", user=ANN)
    flow.settle(mark, "response_url")

    assert world.state() == before


def test_find_replacement_proposes_someone_else_for_exactly_that_event(flow: Flow, world: World,
                                                                      anns_core: int) -> None:
    world.event("606009-CORE-Other Demo", day(4), day(10))
    card = request_by(flow, ANN, "2025-10-06", "2025-10-08")
    mark = flow.mark()
    flow.click(card, APPROVE_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")

    mark = flow.mark()
    flow.click(flow.message(card.channel, card.ts), FIND_REPLACEMENT_ACTION, user=MANAGER)
    flow.settle(mark, "chat.update")

    proposal = flow.last_to(MANAGER)
    text = text_of(proposal.blocks)
    assert "Auto-schedule #" in text and "606001-CORE-Super Pretzel" in text
    assert "606009-CORE-Other Demo" not in text
    [run] = world.read(lambda uow: uow.runs.list())
    assert run.options["only_event_ids"] == [anns_core]
    placed = [p for p in world.read(lambda uow: uow.proposals.list()) if p.employee_id]
    assert placed and all(p.employee_id != "E-ANN" for p in placed)


def test_without_managers_in_slack_the_card_goes_to_the_team_channel(flow: Flow, world: World) -> None:
    world.write(lambda uow: uow.slack_links.delete(MANAGER))

    mark = flow.mark()
    day = {"type": "datepicker", "selected_date": "2025-10-06"}
    values = {"start": {"start_date": day}, "end": {"end_date": day}}
    assert ack_json(flow.submit({"callback_id": "time_off_request"}, values, user=ANN)) == {}
    flow.settle(mark, "chat.postMessage", 2)

    assert has_button(flow.last_to("C0TEAM").blocks, APPROVE_ACTION)
    assert flow.messages_to(MANAGER) == []


def test_the_app_home_button_opens_the_time_off_form(flow: Flow) -> None:
    mark = flow.mark()
    flow.send(flow.requests.app_home_opened(ANN))
    flow.wait(mark, "views.publish")
    home = flow.fake.state.home[ANN]

    mark = flow.mark()
    flow.click_in_view(home, "home_request_time_off", user=ANN)

    view = flow.wait(mark, "views.open")[0].params["view"]
    assert view["callback_id"] == "time_off_request"


def test_unlinked_people_are_asked_to_get_linked_and_no_form_opens(flow: Flow) -> None:
    mark = flow.mark()
    flow.command("fri", command="/timeoff", user="U0NOBODY")
    flow.settle(mark, "response_url")

    assert "link" in flow.replies()[-1].text
    assert flow.fake.calls("views.open") == []
