"""Plain-language DMs: a confirmation card first, the request only on Submit; questions answered."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.time_off import APPROVE_ACTION, DM_CANCEL_ACTION, DM_EDIT_ACTION, DM_SUBMIT_ACTION
from bot.listeners.messages.dm import SWAP_SUBMIT_ACTION
from core.model import TimeOffStatus
from devtools.fake_slack import BOT_ID, BOT_USER_ID
from tests.e2e.flows.harness import ANN, MANAGER, STRANGER, Flow, has_button, text_of
from tests.unit.services.service_world import World, at, day


def requests(world: World) -> list[Any]:
    return world.read(lambda uow: uow.time_off_requests.list())  # type: ignore[no-any-return]


def ask(flow: Flow, text: str, user: str = ANN) -> Any:
    """DM the bot and return its answer (a copy)."""
    mark = flow.mark()
    flow.dm(text, user=user)
    flow.settle(mark, "chat.postMessage")
    return flow.last_to(user)


@pytest.fixture
def saturday_work(world: World) -> int:
    """Ann works Sat 10/04 at 10:45; the event id."""
    core = world.event("606002-CORE-Cheese Tasting", day(0), day(6))
    world.assignment(core, "E-ANN", at(3, "10:45"))
    return core.id


def test_off_friday_answers_with_a_card_and_stores_nothing(flow: Flow, world: World) -> None:
    card = ask(flow, "off friday")

    assert "Fri 10/03" in text_of(card.blocks)
    for action in (DM_SUBMIT_ACTION, DM_EDIT_ACTION, DM_CANCEL_ACTION):
        assert has_button(card.blocks, action)
    assert requests(world) == []


def test_submit_on_the_card_files_the_request_and_tells_the_managers(flow: Flow, world: World) -> None:
    card = ask(flow, "time off 12/24-12/26 family trip")

    mark = flow.mark()
    flow.click(card, DM_SUBMIT_ACTION, user=ANN)
    flow.settle(mark, "chat.update")

    [request] = requests(world)
    assert (request.start_date.isoformat(), request.end_date.isoformat()) == ("2025-12-24", "2025-12-26")
    assert request.reason == "family trip" and request.status is TimeOffStatus.PENDING
    assert has_button(flow.last_to(MANAGER).blocks, APPROVE_ACTION)
    closed = flow.message(card.channel, card.ts)
    assert f"request #{request.id}" in text_of(closed.blocks)
    assert not has_button(closed.blocks, DM_SUBMIT_ACTION)


def test_cancel_on_the_card_creates_nothing(flow: Flow, world: World) -> None:
    card = ask(flow, "off friday")
    before = world.state()

    mark = flow.mark()
    flow.click(card, DM_CANCEL_ACTION, user=ANN)
    flow.settle(mark, "chat.update")

    assert "nothing was sent" in text_of(flow.message(card.channel, card.ts).blocks)
    assert world.state() == before
    assert flow.messages_to(MANAGER) == []


def test_edit_on_the_card_opens_the_form_with_the_understood_dates(flow: Flow) -> None:
    card = ask(flow, "off 10/6-10/8 dentist")

    mark = flow.mark()
    flow.click(card, DM_EDIT_ACTION, user=ANN)
    view = flow.wait(mark, "views.open")[0].params["view"]

    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["start"]["element"]["initial_date"] == "2025-10-06"
    assert blocks["reason"]["element"]["initial_value"] == "dentist"
    assert card.ts in view["private_metadata"]


def test_a_forged_card_value_is_refused_and_stores_nothing(flow: Flow, world: World) -> None:
    card = ask(flow, "off friday")
    before = world.state()

    mark = flow.mark()
    flow.click(card, DM_SUBMIT_ACTION, user=ANN, value='{"s":"2025-13-01"}')
    flow.settle(mark, "response_url")

    assert "damaged" in flow.replies()[-1].text
    assert world.state() == before


def test_past_dates_are_answered_without_a_card(flow: Flow) -> None:
    answer = ask(flow, "off yesterday")

    assert "in the past" in answer.text
    assert not has_button(answer.blocks, DM_SUBMIT_ACTION)


def test_what_am_i_working_answers_directly(flow: Flow, world: World, saturday_work: int) -> None:
    before = world.state()

    answer = ask(flow, "what am I working this week?")

    text = text_of(answer.blocks)
    assert "Sat 10/04 10:45 AM" in text and "606002-CORE-Cheese Tasting" in text
    assert world.state() == before


def test_swap_card_submit_tells_the_managers(flow: Flow, saturday_work: int) -> None:
    card = ask(flow, "swap my saturday")
    assert "606002-CORE-Cheese Tasting" in text_of(card.blocks)

    mark = flow.mark()
    flow.click(card, SWAP_SUBMIT_ACTION, user=ANN)
    flow.settle(mark, "chat.update")

    told = text_of(flow.last_to(MANAGER).blocks)
    assert "Ann Archer" in told and "Sat 10/04" in told
    assert "Sent to your managers" in text_of(flow.message(card.channel, card.ts).blocks)


def test_swap_of_a_free_day_says_there_is_nothing_to_swap(flow: Flow) -> None:
    answer = ask(flow, "swap my sunday")

    assert "nothing to swap" in answer.text


@pytest.mark.parametrize("text", ["help", "banana", "<!channel> hi all"])
def test_help_and_unknown_text_get_the_short_help(flow: Flow, text: str) -> None:
    answer = ask(flow, text)

    shown = text_of(answer.blocks)
    assert "off friday" in shown
    assert "<!channel>" not in shown


def test_unlinked_people_are_asked_to_get_linked(flow: Flow, world: World) -> None:
    before = world.state()

    answer = ask(flow, "off friday", user=STRANGER)

    assert "link" in answer.text
    assert requests(world) == []
    assert world.state()["requests"] == before["requests"]


@pytest.mark.parametrize("extra", [
    {"subtype": "message_changed"},
    {"bot_id": BOT_ID},
    {"user": BOT_USER_ID},
    {"files": [{"id": "F1", "name": "roster.csv"}]},
    {"channel_type": "channel"},
])
def test_edits_bots_files_and_channel_messages_are_ignored(flow: Flow, extra: dict[str, Any]) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "D0ANA", "user": ANN, "text": "off friday",
             "ts": "1700000000.000100", **extra}
    flow.send(flow.requests.event(event))

    ask(flow, "help")

    cards = [m for m in flow.fake.messages() if has_button(m.blocks, DM_SUBMIT_ACTION)]
    assert cards == []


def test_a_dm_delivered_again_by_slack_is_answered_once(flow: Flow, world: World) -> None:
    first = flow.requests.message_im("off friday", user_id=ANN, channel="D0ANA", event_id="EvRETRY1")
    mark = flow.mark()
    flow.send(first)
    flow.send(first.with_headers(x_slack_retry_num="1", x_slack_retry_reason="http_timeout"))
    ask(flow, "help")

    cards = [m for m in flow.messages_to(ANN) if has_button(m.blocks, DM_SUBMIT_ACTION)]
    assert len(cards) == 1
    assert len(flow.fake.calls("chat.postMessage")) - mark.counts.get("chat.postMessage", 0) == 2
