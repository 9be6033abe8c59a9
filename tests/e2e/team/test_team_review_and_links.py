"""New reps needing review, linking by email on first contact, name-match suggestions (never an
automatic link by name), and ``/sched link`` resolution."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blocks.team import needs_review_blocks
from bot.container import Container
from core.model import Actor, Employee, Role
from core.ports import RemoteRep
from devtools.fake_slack import FakeSlack
from tests.e2e.team.conftest import MANAGER_ID, Post
from tests.e2e.team.support import blocks_text, buttons, wait_until
from tests.fakes.crossmark import FakeCrossmark
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

MANAGER = Actor(MANAGER_ID, Role.MANAGER)


@pytest.fixture(autouse=True)
def synced(container: Container, crossmark: FakeCrossmark) -> None:
    """A reps sync brought Nora New and Abe Arrival (new) and two people called Sam Twin."""
    crossmark.rep_list = [RemoteRep("160001", "Nora New", "US160001"),
                          RemoteRep("160002", "Abe Arrival", "US160002"),
                          RemoteRep("160003", "Sam Twin", "US160003"),
                          RemoteRep("160004", "Sam Twin", "US160004")]
    container.services.sync.sync_reps(MANAGER)


def _employee(database: FakeDatabase, name: str) -> Employee:
    with FakeUnitOfWork(database) as uow:
        return next(e for e in uow.employees.list() if e.name == name)


def _links(database: FakeDatabase) -> dict[str, str | None]:
    with FakeUnitOfWork(database) as uow:
        return {link.slack_user_id: link.employee_id for link in uow.slack_links.list()}


def _command(post: Post, slack: SlackRequests, fake_slack: FakeSlack, text: str,
             user_id: str = MANAGER_ID) -> dict[str, Any]:
    fake_slack.clear_calls()
    post(slack.slash_command(text, user_id=user_id))
    return fake_slack.wait_for("response_url")[0].params


def _click(post: Post, slack: SlackRequests, fake_slack: FakeSlack, button: dict[str, Any]) -> dict[str, Any]:
    fake_slack.clear_calls()
    post(slack.block_actions(button["action_id"], value=button["value"], user_id=MANAGER_ID,
                             response_url=fake_slack.response_url()))
    return fake_slack.wait_for("response_url")[0].params


def test_new_reps_are_event_specialists_listed_until_a_manager_presses_reviewed(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    nora = _employee(database, "Nora New")

    listing = _command(post, slack, fake_slack, "team review")
    reviewed = [b for b in buttons(listing["blocks"]) if b["action_id"] == "team_reviewed"]
    first = _click(post, slack, fake_slack, next(b for b in reviewed if b["value"] == nora.id))
    again = _click(post, slack, fake_slack, next(b for b in reviewed if b["value"] == nora.id))
    after = _command(post, slack, fake_slack, "team review")

    assert "*Nora New* · Event Specialist · RepID 160001" in blocks_text(listing["blocks"])
    assert len(reviewed) == 4
    assert "reviewed" in first["text"] and "already reviewed" in again["text"]
    still = {b["value"] for b in buttons(after["blocks"]) if b["action_id"] == "team_reviewed"}
    assert nora.id not in still and _employee(database, "Abe Arrival").id in still
    with FakeUnitOfWork(database) as uow:
        actions = [(a.action, a.actor) for a in uow.audit.list(entity="employee", entity_id=nora.id)]
    assert actions[-1] == ("employee.review", MANAGER_ID)
    assert [a for a, _ in actions].count("employee.review") == 1


def test_the_app_home_builder_lists_people_needing_review_with_edit_and_reviewed_buttons(
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        people = sorted((e for e in uow.employees.list() if e.needs_review), key=lambda e: e.name)

    blocks = needs_review_blocks(people)

    assert "4 new team member(s) need review" in blocks_text(blocks)
    assert [b["action_id"] for b in buttons(blocks)] == ["team_edit", "team_reviewed"] * 4
    assert needs_review_blocks([]) == []
    assert len(needs_review_blocks(people * 30)) <= 50


def test_a_unique_full_name_match_is_only_suggested_and_the_link_button_links(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    nora = _employee(database, "Nora New")
    _command(post, slack, fake_slack, "team", user_id="U0NORA")
    assert "U0NORA" not in _links(database) or _links(database)["U0NORA"] is None

    listing = _command(post, slack, fake_slack, "team review")
    links = [b for b in buttons(listing["blocks"]) if b["action_id"] == "team_link"]
    answer = _click(post, slack, fake_slack, links[0])

    assert [b["value"] for b in links] == [f"U0NORA|{nora.id}"]
    shown = blocks_text(listing["blocks"])
    assert "U0TWIN1" not in shown and "U0HELPER" not in shown
    assert "linked to Nora New" in answer["text"]
    assert _links(database)["U0NORA"] == nora.id
    dm = wait_until(lambda: [c for c in fake_slack.calls("chat.postMessage")
                             if c.params["channel"] == "D0NORA"])
    assert "Nora New" in dm[0].params["text"]
    with FakeUnitOfWork(database) as uow:
        assert [(a.action, a.actor) for a in uow.audit.list(entity="slack_link")] == [
            ("slack_link.link", MANAGER_ID)]


def test_a_slack_user_whose_email_matches_an_employee_is_linked_on_first_contact(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.employees.add(Employee("E-ANN", "Ann Archer", email="Ann.Archer@example.com"))
        uow.commit()

    _command(post, slack, fake_slack, "team", user_id="U0ANN")

    assert _links(database)["U0ANN"] == "E-ANN"


def test_sched_link_finds_the_employee_by_repid_or_unique_name(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    abe = _employee(database, "Abe Arrival")

    by_rep = _command(post, slack, fake_slack, "link <@U0NORA|nora> 160001")
    by_name = _command(post, slack, fake_slack, "link <@U0ANA|ana> abe arrival")

    assert "Nora New" in by_rep["text"] and "Abe Arrival" in by_name["text"]
    assert _links(database)["U0NORA"] == _employee(database, "Nora New").id
    assert _links(database)["U0ANA"] == abe.id


def test_sched_link_with_an_ambiguous_name_offers_the_choices_and_links_nobody(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    reply = _command(post, slack, fake_slack, "link <@U0TWIN1|twin1> Sam Twin")

    choices = [b["value"] for b in buttons(reply.get("blocks") or [])]
    assert len(choices) == 2 and all("U0TWIN1" in c for c in choices)
    assert "U0TWIN1" not in _links(database)
