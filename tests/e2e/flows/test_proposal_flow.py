"""/sched auto end to end: plan → proposal message → Approve all / Reject / Retry, twice, by the
wrong person, page by page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.blocks.proposals import (
    APPROVE_ACTION,
    NEXT_ACTION,
    PREV_ACTION,
    REJECT_ACTION,
    RETRY_ACTION,
    REVIEW_ACTION,
    WHAT_IF_ACTION,
    WHY_ACTION,
)
from core.model import EventType, RunStatus
from devtools.fake_slack import Message
from tests.e2e.flows.harness import ANN, LEAD, MANAGER, Flow, has_button, text_of
from tests.unit.services.service_world import World, core_pair, day


@pytest.fixture
def plannable(world: World) -> World:
    """Two Core + Supervisor pairs and a Digitals event to plan; a Freeosk kiosk inside the buffer
    days that cannot be planned."""
    core_pair(world, "606001", 4, 10)
    core_pair(world, "606002", 4, 12)
    world.event("999999-Digital Setup Special", day(5), day(5), event_type=EventType.DIGITALS)
    world.event("Freeosk Sampling Kiosk", day(1), day(2), event_type=EventType.FREEOSK)
    return world


def proposal(flow: Flow, text: str = "auto 14", user: str = MANAGER) -> Message:
    """Run ``/sched auto`` and return the proposal message once drawn."""
    mark = flow.mark()
    flow.command(text, user=user)
    flow.settle(mark, "chat.update")
    return flow.last_to("C0TEAM")


def click_and_wait(flow: Flow, message: Message, action: str, user: str = MANAGER,
                   method: str = "chat.update", count: int = 1) -> None:
    mark = flow.mark()
    flow.click(message, action, user=user)
    flow.settle(mark, method, count)


def runs(world: World) -> list[Any]:
    return world.read(lambda uow: uow.runs.list())  # type: ignore[no-any-return]


def test_auto_posts_a_placeholder_then_the_proposal_with_counts_days_and_buttons(
        flow: Flow, plannable: World) -> None:
    message = proposal(flow)

    text = text_of(message.blocks)
    for field in ("*To schedule*\n6", "*Scheduled*\n5", "*Left unscheduled*\n1", "*Solver*\noptimal"):
        assert field in text
    assert "*Sun 10/05*" in text and "606001-CORE-Super Pretzel" in text
    for action in (APPROVE_ACTION, REJECT_ACTION, REVIEW_ACTION, WHY_ACTION):
        assert has_button(message.blocks, action)
    placeholder = flow.fake.calls("chat.postMessage")[0].params
    assert "Planning the next 14 days" in str(placeholder["text"])
    assert "proposal will appear" in flow.replies()[0].text


def test_approve_all_pushes_and_replaces_the_buttons_with_the_result_line(flow: Flow,
                                                                          plannable: World) -> None:
    message = proposal(flow)

    click_and_wait(flow, message, APPROVE_ACTION, count=2)

    after = flow.message(message.channel, message.ts)
    assert "Approved by <@U0MGR>: 5 pushed" in text_of(after.blocks)
    assert not has_button(after.blocks, APPROVE_ACTION) and not has_button(after.blocks, REJECT_ACTION)
    assert len(plannable.crossmark.calls_to("schedule")) == 5
    assert len(plannable.assignments()) == 5


def test_a_second_approve_click_pushes_nothing_and_says_who_approved(flow: Flow, plannable: World) -> None:
    message = proposal(flow)
    click_and_wait(flow, message, APPROVE_ACTION, count=2)
    before = plannable.state()

    click_and_wait(flow, message, APPROVE_ACTION, method="response_url")

    assert "already approved by <@U0MGR>" in flow.replies()[-1].text
    assert len(plannable.crossmark.calls_to("schedule")) == 5
    assert plannable.state() == before


def test_an_employee_click_is_refused_and_changes_nothing(flow: Flow, plannable: World) -> None:
    message = proposal(flow)
    before = plannable.state()

    for action in (APPROVE_ACTION, REJECT_ACTION):
        click_and_wait(flow, message, action, user=ANN, method="response_url")
        assert "manager" in flow.replies()[-1].text

    assert plannable.state() == before
    assert plannable.crossmark.calls_to("schedule") == []
    assert [r.status for r in runs(plannable)] == [RunStatus.COMPLETED]


def test_reject_leaves_everything_as_before(flow: Flow, plannable: World) -> None:
    assignments = plannable.assignments()
    message = proposal(flow)

    click_and_wait(flow, message, REJECT_ACTION)

    after = flow.message(message.channel, message.ts)
    assert "Rejected by <@U0MGR>: nothing was changed." in text_of(after.blocks)
    assert not has_button(after.blocks, APPROVE_ACTION)
    assert plannable.assignments() == assignments
    assert plannable.crossmark.calls_to("schedule") == []


def test_a_failed_push_offers_retry_which_pushes_only_what_failed(flow: Flow, plannable: World) -> None:
    plannable.crossmark.fail("schedule", skip=0, times=1)
    message = proposal(flow)
    click_and_wait(flow, message, APPROVE_ACTION, count=2)
    after = flow.message(message.channel, message.ts)
    assert " failed" in text_of(after.blocks) and has_button(after.blocks, RETRY_ACTION)

    click_and_wait(flow, after, RETRY_ACTION, count=2)

    final = flow.message(message.channel, message.ts)
    assert "5 pushed" in text_of(final.blocks) and not has_button(final.blocks, RETRY_ACTION)
    assert len(plannable.crossmark.calls_to("schedule")) == 5


def test_why_explains_and_the_what_if_answers(flow: Flow, plannable: World) -> None:
    message = proposal(flow)

    click_and_wait(flow, message, WHY_ACTION, method="response_url")
    why = flow.replies()[-1]
    assert "inside the buffer days" in text_of(why.blocks) and "`buffer`" in text_of(why.blocks)
    assert has_button(why.blocks, WHAT_IF_ACTION)

    mark = flow.mark()
    flow.send(flow.requests.block_actions(WHAT_IF_ACTION, value=why.blocks[-1]["elements"][0]["value"],
                                          user_id=MANAGER))
    flow.settle(mark, "response_url")
    assert "impossible under the hard rules" in text_of(flow.replies()[-1].blocks)


def test_leads_see_why_without_the_what_if_and_employees_are_refused(flow: Flow, plannable: World) -> None:
    message = proposal(flow)

    click_and_wait(flow, message, WHY_ACTION, user=LEAD, method="response_url")
    assert "inside the buffer days" in text_of(flow.replies()[-1].blocks)
    assert not has_button(flow.replies()[-1].blocks, WHAT_IF_ACTION)

    click_and_wait(flow, message, WHY_ACTION, user=ANN, method="response_url")
    assert "Only a lead" in flow.replies()[-1].text


def test_a_big_run_is_paged_within_fifty_blocks(flow: Flow, world: World) -> None:
    for n in range(60):
        world.event(f"Freeosk Kiosk {n:02d}", day(1), day(2), event_type=EventType.FREEOSK)
    core_pair(world, "606001", 4, 10)
    message = proposal(flow)
    assert len(message.blocks) <= 50
    assert has_button(message.blocks, NEXT_ACTION) and not has_button(message.blocks, PREV_ACTION)
    assert "Page 1 of 2" in text_of(message.blocks)

    click_and_wait(flow, message, NEXT_ACTION)

    second = flow.message(message.channel, message.ts)
    assert len(second.blocks) <= 50 and "Page 2 of 2" in text_of(second.blocks)
    assert has_button(second.blocks, PREV_ACTION) and has_button(second.blocks, APPROVE_ACTION)
    assert "Freeosk Kiosk 59" in text_of(second.blocks)


@pytest.mark.parametrize("args", ["auto 0", "auto 63", "auto abc", "auto 7 8", "auto -3"])
def test_bad_day_counts_are_refused_and_nothing_runs(flow: Flow, plannable: World, args: str) -> None:
    mark = flow.mark()
    flow.command(args, user=MANAGER)
    flow.settle(mark, "response_url")

    assert "1 to 62" in flow.replies()[-1].text
    assert runs(plannable) == []


def test_employees_cannot_run_the_auto_scheduler(flow: Flow, plannable: World) -> None:
    mark = flow.mark()
    flow.command("auto", user=ANN)
    flow.settle(mark, "response_url")

    assert "manager" in flow.replies()[-1].text
    assert runs(plannable) == [] and flow.messages_to("C0TEAM") == []


def test_two_simultaneous_approve_clicks_push_each_assignment_once(flow: Flow, plannable: World) -> None:
    message = proposal(flow)
    mark = flow.mark()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: flow.click(message, APPROVE_ACTION, user=MANAGER), range(2)))
    flow.settle(mark, "response_url")

    assert len(plannable.crossmark.calls_to("schedule")) == 5
    assert len(plannable.assignments()) == 5
    told = [r.text for r in flow.replies()]
    assert any("already approved" in t or "is approving run" in t for t in told), told
