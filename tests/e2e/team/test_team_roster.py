"""``/sched team``: the roster with Edit… buttons for managers, paged within Block Kit's limits."""

from __future__ import annotations

from typing import Any

from core.model import Employee, JobTitle, Role, SlackLink, WeeklyAvailability
from devtools.fake_slack import FakeSlack
from tests.e2e.team.conftest import MANAGER_ID, Post
from tests.e2e.team.support import blocks_text, buttons
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork


def _seed(database: FakeDatabase, *rows: Any) -> None:
    with FakeUnitOfWork(database) as uow:
        for row in rows:
            if isinstance(row, Employee):
                uow.employees.add(row)
            elif isinstance(row, SlackLink):
                uow.slack_links.add(row)
            else:
                uow.weekly_availability.add(row)
        uow.commit()


def _reply(post: Post, slack: SlackRequests, fake_slack: FakeSlack, text: str,
           user_id: str = MANAGER_ID) -> dict[str, Any]:
    fake_slack.clear_calls()
    assert post(slack.slash_command(text, user_id=user_id)).status_code == 200
    return fake_slack.wait_for("response_url")[0].params


def test_managers_see_title_status_repid_slack_link_and_availability_with_an_edit_button(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    _seed(database,
          Employee("E1", "Ann Archer", job_title=JobTitle.LEAD, rep_id="150001"),
          Employee("E2", "Ben Baker", rep_id="150002", is_active=False),
          Employee("E3", "Nora New", rep_id="160001", needs_review=True),
          SlackLink("U0ANN", employee_id="E1"),
          WeeklyAvailability("E1", (True, True, True, True, True, False, False)))

    reply = _reply(post, slack, fake_slack, "team")

    text = blocks_text(reply["blocks"])
    assert reply["response_type"] == "ephemeral"
    assert "*Ann Archer*" in text and "Lead Event Specialist" in text and "RepID 150001" in text
    assert "<@U0ANN>" in text and "available Mon–Fri" in text
    assert "Ben Baker" in text and "Inactive" in text
    assert "needs review" in text and "/sched team review" in text
    assert [(b["action_id"], b["value"]) for b in buttons(reply["blocks"])] == [
        ("team_edit", "E1"), ("team_edit", "E3"), ("team_edit", "E2")]


def test_a_large_team_is_paged_within_fifty_blocks_and_next_shows_the_rest(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    _seed(database, *(Employee(f"E{i:03d}", f"Person {i:03d}") for i in range(95)))

    first = _reply(post, slack, fake_slack, "team")
    nav = [b for b in buttons(first["blocks"]) if b["action_id"].startswith("team_page")]
    fake_slack.clear_calls()
    post(slack.block_actions(nav[0]["action_id"], value=nav[0]["value"], user_id=MANAGER_ID,
                             response_url=fake_slack.response_url()))
    second = fake_slack.wait_for("response_url")[0].params

    assert len(first["blocks"]) <= 50 and len(second["blocks"]) <= 50
    assert second["replace_original"] in (True, "true")
    shown = [b["value"] for page in (first, second) for b in buttons(page["blocks"])
             if b["action_id"] == "team_edit"]
    third = _reply(post, slack, fake_slack, "team page 3")
    shown += [b["value"] for b in buttons(third["blocks"]) if b["action_id"] == "team_edit"]
    assert sorted(shown) == [f"E{i:03d}" for i in range(95)]
    assert "Page 3 of 3" in blocks_text(third["blocks"])


def test_leads_see_the_roster_without_edit_buttons(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    _seed(database, Employee("E1", "Lena Lead", job_title=JobTitle.LEAD),
          SlackLink("U0ANA", Role.LEAD, employee_id="E1"))

    reply = _reply(post, slack, fake_slack, "team", user_id="U0ANA")

    assert "Lena Lead" in blocks_text(reply["blocks"]) and buttons(reply["blocks"]) == []


def test_employees_and_strangers_are_refused_the_roster(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    _seed(database, Employee("E1", "Ana Lopez"), SlackLink("U0ANA", employee_id="E1"))

    employee = _reply(post, slack, fake_slack, "team", user_id="U0ANA")
    stranger = _reply(post, slack, fake_slack, "team", user_id="U0GHOST")

    assert "lead" in employee["text"] and "blocks" not in employee
    assert "link" in stranger["text"]


def test_unknown_team_words_get_the_usage(post: Post, slack: SlackRequests, fake_slack: FakeSlack) -> None:
    assert "/sched team review" in _reply(post, slack, fake_slack, "team frobnicate")["text"]


def test_export_uploads_the_roster_csv_to_the_managers_dm_only(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    _seed(database, Employee("E1", "Ann Archer", rep_id="150001", email="ann@example.com"))

    reply = _reply(post, slack, fake_slack, "team export public")

    [done] = fake_slack.calls("files.completeUploadExternal")
    [uploaded] = [f for f in fake_slack.state.files.values() if f.completed]
    assert "your DM" in reply["text"]
    assert done.params["channel_id"] == "D0BOB" and uploaded.channels == ["D0BOB"]
    lines = uploaded.content.decode().splitlines()
    assert lines[0].startswith("employee_id,name,rep_id,email") and "ann@example.com" in lines[1]


def test_only_managers_export_the_roster(post: Post, slack: SlackRequests, fake_slack: FakeSlack,
                                         database: FakeDatabase) -> None:
    _seed(database, Employee("E1", "Lena Lead", job_title=JobTitle.LEAD),
          SlackLink("U0ANA", Role.LEAD, employee_id="E1"))

    reply = _reply(post, slack, fake_slack, "team export", user_id="U0ANA")

    assert "manager" in reply["text"] and fake_slack.calls("files.getUploadURLExternal") == []
