"""The Edit… modal end to end: opening it, field errors (nothing stored), saving, audit and DMs."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from core.model import (
    Assignment,
    Condition,
    Employee,
    Event,
    EventType,
    JobTitle,
    SlackLink,
    TimeOff,
    WeeklyAvailability,
)
from devtools.fake_slack import FakeSlack
from tests.e2e.team.conftest import MANAGER_ID, Post
from tests.e2e.team.support import blocks_text, view_state, wait_until
from tests.fakes.crossmark import FakeCrossmark, RemoteSchedule
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@pytest.fixture(autouse=True)
def team(database: FakeDatabase, crossmark: FakeCrossmark) -> None:
    """Ann (linked to U0ANN, with two Core assignments next week), Ben, and Cara the Club Supervisor."""
    with FakeUnitOfWork(database) as uow:
        uow.employees.add(Employee("E-ANN", "Ann Archer", rep_id="150001", needs_review=True))
        uow.employees.add(Employee("E-BEN", "Ben Baker", rep_id="150002"))
        uow.employees.add(Employee("E-CARA", "Cara Cole", job_title=JobTitle.CLUB_SUPERVISOR,
                                   rep_id="150003"))
        uow.slack_links.add(SlackLink("U0ANN", employee_id="E-ANN"))
        for n, day in ((1, 6), (2, 8)):
            event = uow.events.add(Event(0, 31785000 + n, f"60600{n}-CORE-Pretzel", date(2025, 10, 2),
                                         date(2025, 10, 12), event_type=EventType.CORE,
                                         condition=Condition.SCHEDULED, location_mvid="157384"))
            start = datetime(2025, 10, day, 10, 45)
            uow.assignments.add(Assignment(0, event.id, "E-ANN", start, external_id=f"4389870{n}"))
            remote_id = f"4389870{n}"
            crossmark.schedules[remote_id] = RemoteSchedule(remote_id, event.mplan_id, "150001", start,
                                                            start + timedelta(minutes=390))
        uow.commit()


def _state(database: FakeDatabase) -> dict[str, Any]:
    with FakeUnitOfWork(database) as uow:
        return {"employees": uow.employees.list(), "links": uow.slack_links.list(),
                "weekly": uow.weekly_availability.list(), "assignments": uow.assignments.list(),
                "audit": uow.audit.list()}


def _open(post: Post, slack: SlackRequests, fake_slack: FakeSlack, employee_id: str = "E-ANN",
          user_id: str = MANAGER_ID) -> dict[str, Any]:
    post(slack.block_actions("team_edit", value=employee_id, user_id=user_id,
                             response_url=fake_slack.response_url()))
    update = fake_slack.wait_for("views.update")[-1].params
    view = update["view"] if isinstance(update["view"], dict) else json.loads(update["view"])
    return {"id": update["view_id"], **view}


def _form(**changes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any] | None] = {
        "job_title": {"type": "static_select", "selected_option": {"value": "Event Specialist"}},
        "active": {"type": "radio_buttons", "selected_option": {"value": "active"}},
        "email": {"type": "plain_text_input", "value": None},
        "weekly": {"type": "checkboxes", "selected_options": [{"value": d} for d in ALL_DAYS]},
        "slack_user": {"type": "users_select", "selected_user": "U0ANN"},
        "last_day": {"type": "datepicker", "selected_date": None},
        "strategy": {"type": "radio_buttons", "selected_option": {"value": "unassign"}},
        "reassign_to": {"type": "plain_text_input", "value": None},
    }
    values.update(changes)
    return view_state({k: v for k, v in values.items() if v is not None})


def _submit(post: Post, slack: SlackRequests, values: dict[str, dict[str, Any]], *, view_id: str = "V0MODAL",
            employee_id: str = "E-ANN", user_id: str = MANAGER_ID, metadata: str | None = None) -> Any:
    meta = metadata or json.dumps({"employee_id": employee_id})
    answer = post(slack.view_submission("team_edit", values, user_id=user_id, view_id=view_id,
                                        private_metadata=meta))
    assert answer.status_code == 200
    return answer.json() if answer.content else {}


def test_edit_opens_a_modal_prefilled_with_the_person(post: Post, slack: SlackRequests,
                                                       fake_slack: FakeSlack) -> None:
    view = _open(post, slack, fake_slack)

    opened = fake_slack.calls("views.open")[0].params
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert "Loading" in json.dumps(opened["view"])
    assert view["callback_id"] == "team_edit"
    assert json.loads(view["private_metadata"]) == {"employee_id": "E-ANN"}
    assert blocks["job_title"]["element"]["initial_option"]["value"] == "Event Specialist"
    assert blocks["slack_user"]["element"]["initial_user"] == "U0ANN"
    assert len(blocks["weekly"]["element"]["initial_options"]) == 7
    assert "New from Crossmark" in blocks_text(view["blocks"])


def test_employees_cannot_open_the_edit_modal(post: Post, slack: SlackRequests,
                                              fake_slack: FakeSlack) -> None:
    post(slack.block_actions("team_edit", value="E-ANN", user_id="U0ANN",
                             response_url=fake_slack.response_url()))

    reply = fake_slack.wait_for("response_url")[0].params
    assert "manager" in reply["text"] and fake_slack.calls("views.open") == []


def test_saving_stores_every_field_audits_and_dms_the_person(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    view = _open(post, slack, fake_slack)
    fake_slack.clear_calls()

    answer = _submit(post, slack, _form(
        job_title={"type": "static_select", "selected_option": {"value": "Lead Event Specialist"}},
        email={"type": "plain_text_input", "value": "ann.archer@example.com"},
        weekly={"type": "checkboxes", "selected_options": [{"value": d} for d in ALL_DAYS[:5]]}),
        view_id=view["id"])

    assert answer["response_action"] == "update" and "Saving" in json.dumps(answer["view"])
    result = wait_until(lambda: fake_slack.calls("views.update"))[-1].params
    assert "Saved" in json.dumps(result["view"], ensure_ascii=False)
    dm = wait_until(lambda: [c for c in fake_slack.calls("chat.postMessage")
                             if c.params["channel"] == "D0ANN"])
    assert "Lead Event Specialist" in dm[0].params["text"] and "Mon–Fri" in dm[0].params["text"]
    state = _state(database)
    ann = next(e for e in state["employees"] if e.id == "E-ANN")
    assert (ann.job_title, ann.email, ann.needs_review) == (JobTitle.LEAD, "ann.archer@example.com", False)
    assert state["weekly"] == [WeeklyAvailability("E-ANN", (True, True, True, True, True, False, False))]
    assert [(a.action, a.actor) for a in state["audit"]] == [("employee.update", MANAGER_ID),
                                                              ("availability.weekly", MANAGER_ID)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"email": {"type": "plain_text_input", "value": "not an email"}}, "email"),
    ({"email": {"type": "plain_text_input", "value": "x" * 10_000}}, "email"),
    ({"email": {"type": "plain_text_input", "value": "ann@example.com\u202e"}}, "email"),
    ({"job_title": {"type": "static_select", "selected_option": {"value": "Store Manager"}}}, "job_title"),
    ({"active": {"type": "radio_buttons", "selected_option": {"value": "maybe"}}}, "active"),
    ({"weekly": {"type": "checkboxes", "selected_options": [{"value": "funday"}]}}, "weekly"),
    ({"slack_user": {"type": "users_select", "selected_user": "<!channel>"}}, "slack_user"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-09-30"}}, "last_day"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-02-30"}}, "last_day"),
    ({"reassign_to": {"type": "plain_text_input", "value": "Ben Baker"}}, "last_day"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-10-03"},
      "strategy": {"type": "radio_buttons", "selected_option": {"value": "vanish"}}}, "strategy"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-10-03"},
      "strategy": {"type": "radio_buttons", "selected_option": {"value": "reassign"}}}, "reassign_to"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-10-03"},
      "strategy": {"type": "radio_buttons", "selected_option": {"value": "reassign"}},
      "reassign_to": {"type": "plain_text_input", "value": "Cara Cole"}}, "reassign_to"),
    ({"last_day": {"type": "datepicker", "selected_date": "2025-10-03"},
      "strategy": {"type": "radio_buttons", "selected_option": {"value": "reassign"}},
      "reassign_to": {"type": "plain_text_input", "value": "<!channel> \u0000"}}, "reassign_to"),
])
def test_bad_fields_are_shown_on_the_field_and_nothing_is_stored(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase,
        changes: dict[str, dict[str, Any]], field: str) -> None:
    before = _state(database)

    answer = _submit(post, slack, _form(**changes))

    assert answer["response_action"] == "errors" and field in answer["errors"]
    assert set(answer["errors"]) <= {"job_title", "active", "email", "weekly", "slack_user", "last_day",
                                     "strategy", "reassign_to"}
    assert _state(database) == before
    assert fake_slack.calls("chat.postMessage") == []


def test_reassigning_to_someone_off_that_day_names_the_assignment_on_the_field(
        post: Post, slack: SlackRequests, database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.time_off.add(TimeOff(0, "E-BEN", date(2025, 10, 8), date(2025, 10, 8)))
        uow.commit()
    before = _state(database)

    answer = _submit(post, slack, _form(
        last_day={"type": "datepicker", "selected_date": "2025-10-03"},
        strategy={"type": "radio_buttons", "selected_option": {"value": "reassign"}},
        reassign_to={"type": "plain_text_input", "value": "ben baker"}))

    assert "606002-CORE-Pretzel" in answer["errors"]["reassign_to"]
    assert _state(database) == before


def test_terminating_with_reassign_hands_the_later_work_over_and_tells_both(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    view = _open(post, slack, fake_slack)
    fake_slack.clear_calls()

    answer = _submit(post, slack, _form(
        last_day={"type": "datepicker", "selected_date": "2025-10-03"},
        strategy={"type": "radio_buttons", "selected_option": {"value": "reassign"}},
        reassign_to={"type": "plain_text_input", "value": "150002"}), view_id=view["id"])

    assert answer["response_action"] == "update"
    saved = wait_until(lambda: fake_slack.calls("views.update"))[-1].params["view"]
    assert "Crossmark" not in json.dumps(saved)
    owners = {a.start.day: a.employee_id for a in _state(database)["assignments"]}
    assert owners == {6: "E-BEN", 8: "E-BEN"}
    ann = next(e for e in _state(database)["employees"] if e.id == "E-ANN")
    assert ann.termination_date == date(2025, 10, 3)
    dm = wait_until(lambda: [c.params["text"] for c in fake_slack.calls("chat.postMessage")
                             if c.params["channel"] == "D0ANN" and "last working day" in c.params["text"]])
    assert "10/03/2025" in dm[0]
    assert "employee.terminate" in [a.action for a in _state(database)["audit"]]


def test_a_damaged_form_or_a_non_manager_gets_an_error_modal_and_nothing_is_stored(
        post: Post, slack: SlackRequests, database: FakeDatabase) -> None:
    before = _state(database)

    damaged = _submit(post, slack, _form(), metadata="{not json")
    unknown = _submit(post, slack, _form(), employee_id="E-NOBODY")
    employee = _submit(post, slack, _form(), user_id="U0ANN")

    for answer in (damaged, unknown, employee):
        assert answer["response_action"] == "push" and answer["view"]["type"] == "modal"
    assert "manager" in json.dumps(employee["view"])
    assert _state(database) == before


def test_an_empty_submission_keeps_everything_but_clears_the_review_flag(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    view = _open(post, slack, fake_slack)

    answer = _submit(post, slack, view_state({}), view_id=view["id"])

    assert answer["response_action"] == "update"
    wait_until(lambda: not next(e for e in _state(database)["employees"] if e.id == "E-ANN").needs_review)
    assert [a.action for a in _state(database)["audit"]] == ["employee.update"]


def test_terminating_with_propose_keeps_the_work_and_posts_a_replacement_proposal_to_the_manager(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    view = _open(post, slack, fake_slack)
    fake_slack.clear_calls()

    answer = _submit(post, slack, _form(
        last_day={"type": "datepicker", "selected_date": "2025-10-03"},
        strategy={"type": "radio_buttons", "selected_option": {"value": "propose"}}), view_id=view["id"])

    assert answer["response_action"] == "update"
    proposal = wait_until(lambda: [c.params for c in fake_slack.calls("chat.update")
                                   if c.params["channel"] == "D0BOB"], timeout=60)
    saved = json.dumps(fake_slack.calls("views.update")[-1].params["view"], ensure_ascii=False)
    assert "planning replacements for 2 event(s)" in saved
    assert {a.employee_id for a in _state(database)["assignments"]} == {"E-ANN"}
    with FakeUnitOfWork(database) as uow:
        [run] = uow.runs.list()
        planned = {p.event_id: p.employee_id for p in uow.proposals.for_run(run.id)}
        events = {e.id for e in uow.events.list()}
    assert run.options["only_event_ids"] == sorted(events)
    assert planned == {event_id: "E-BEN" for event_id in events}
    assert "Ben Baker" in json.dumps(proposal[-1]["blocks"])
