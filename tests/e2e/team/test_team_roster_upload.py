"""A roster CSV uploaded in a DM to the bot: dry-run report, Apply applies, a bad file applies nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from core.model import (
    Employee,
    Event,
    EventType,
    JobTitle,
    RosterUpload,
    RotationAssignment,
    RotationType,
    SlackLink,
    UploadStatus,
)
from core.rules import detect_event_type
from devtools.fake_slack import FakeSlack
from tests.e2e.team.conftest import MANAGER_ID, Post
from tests.e2e.team.support import FileHost, blocks_text, buttons, file_dm_event, wait_until
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

HEADER = "employee_id,name,rep_id,email,job_title,active,slack_user_id,mon,tue,wed,thu,fri,sat,sun\n"
GOOD = (HEADER
        + "E-ANN,Ann Archer,150001,ann@example.com,Lead Event Specialist,yes,,yes,yes,yes,yes,yes,no,no\n"
        + "E-JUL,Jules Jones,150002,,Juicer Barista,yes,,,,,,,,\n").encode()
BAD = (HEADER + "E-ANN,Ann Archer,150001,not-an-email,Boss,maybe,,yes,yes,yes,yes,yes,no,no\n").encode()


def _state(database: FakeDatabase) -> dict[str, Any]:
    """The team as stored, with its audit trail (the uploads' own staging entries are in ``_uploads``)."""
    with FakeUnitOfWork(database) as uow:
        return {"employees": uow.employees.list(), "weekly": uow.weekly_availability.list(),
                "audit": [a for a in uow.audit.list() if a.entity != "roster_upload"],
                "links": uow.slack_links.list()}


def _uploads(database: FakeDatabase) -> tuple[list[RosterUpload], list[str]]:
    """The staged uploads and the actions of their audit entries."""
    with FakeUnitOfWork(database) as uow:
        return uow.roster_uploads.list(), [a.action for a in uow.audit.list(entity="roster_upload")]


def _upload(post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost, name: str,
            content: bytes, user_id: str = MANAGER_ID) -> list[dict[str, Any]]:
    file_id = files.upload(name, content)
    fake_slack.clear_calls()
    assert post(slack.event(file_dm_event(user_id, [(file_id, name)]))).status_code == 200
    posted = wait_until(lambda: fake_slack.calls("chat.postMessage"))
    return [c.params for c in posted]


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = message.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _click(post: Post, slack: SlackRequests, fake_slack: FakeSlack, button: dict[str, Any],
           user_id: str = MANAGER_ID) -> dict[str, Any]:
    fake_slack.clear_calls()
    post(slack.block_actions(button["action_id"], value=button["value"], user_id=user_id,
                             response_url=fake_slack.response_url()))
    return fake_slack.wait_for("response_url")[0].params


def test_a_csv_in_a_dm_gets_a_dry_run_report_with_apply_and_nothing_is_stored_yet(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    before = _state(database)

    [report] = _upload(post, slack, fake_slack, files, "roster.csv", GOOD)

    assert report["channel"] == "D0BOB"
    text = blocks_text(_blocks(report))
    assert "(dry run)" in text and "2 created" in text and "Nothing is saved until you press Apply" in text
    actions = {b["action_id"]: b["value"] for b in buttons(_blocks(report))}
    assert set(actions) == {"roster_apply", "roster_discard"}
    assert "Ann" not in actions["roster_apply"] and len(actions["roster_apply"]) < 40
    assert files.downloads == [fake_slack.calls("files.info")[0].params["file"]]
    assert _state(database) == before
    [upload], audited = _uploads(database)
    assert upload.id == actions["roster_apply"] == actions["roster_discard"]
    assert upload.status is UploadStatus.PENDING and upload.content == GOOD
    assert upload.uploaded_by == MANAGER_ID
    assert audited == ["roster_upload.stage"]


def test_apply_imports_the_file_once_and_replaces_the_buttons(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    [report] = _upload(post, slack, fake_slack, files, "roster.csv", GOOD)
    apply = next(b for b in buttons(_blocks(report)) if b["action_id"] == "roster_apply")

    applied = _click(post, slack, fake_slack, apply)
    after = _state(database)
    again = _click(post, slack, fake_slack, apply)

    assert applied["replace_original"] in (True, "true")
    assert "Applied by <@U0BOB>" in blocks_text(applied["blocks"]) and not buttons(applied["blocks"])
    people = {e.id: e for e in after["employees"]}
    assert people["E-ANN"].email == "ann@example.com" and people["E-JUL"].job_title.value == "Juicer Barista"
    assert {a.action for a in after["audit"]} >= {"roster.create", "roster.availability"}
    assert "already applied" in again["text"]
    assert _state(database) == after
    [upload], audited = _uploads(database)
    assert upload.status is UploadStatus.APPLIED and upload.content == b""
    assert audited == ["roster_upload.stage", "roster_upload.apply"]


def test_a_bad_file_reports_every_problem_offers_no_apply_and_stores_nothing(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    before = _state(database)

    [report] = _upload(post, slack, fake_slack, files, "roster.csv", BAD)

    text = blocks_text(_blocks(report))
    assert "column email" in text and "column job_title" in text and "column active" in text
    assert "Nothing can be applied" in text and buttons(_blocks(report)) == []
    assert _state(database) == before
    with FakeUnitOfWork(database) as uow:
        assert not [k for k in uow.settings.all(1) if k.startswith("roster_upload.")]
    assert _uploads(database) == ([], [])


@pytest.mark.parametrize(("name", "content", "says"), [
    ("roster.csv", b"\xff\xfe\x00bad", "not UTF-8"),
    ("roster.csv", b"who,what\n1,2\n", "column"),
    ("photo.png", b"\x89PNG....", "not a CSV"),
])
def test_unreadable_files_are_explained_and_apply_nothing(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost, database: FakeDatabase,
        name: str, content: bytes, says: str) -> None:
    before = _state(database)

    [answer] = _upload(post, slack, fake_slack, files, name, content)

    assert says in answer["text"] + blocks_text(_blocks(answer))
    assert not any(b["action_id"] == "roster_apply" for b in buttons(_blocks(answer)))
    assert _state(database) == before


def test_discard_forgets_the_upload_and_apply_then_changes_nothing(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    [report] = _upload(post, slack, fake_slack, files, "roster.csv", GOOD)
    found = {b["action_id"]: b for b in buttons(_blocks(report))}
    before = _state(database)

    discarded = _click(post, slack, fake_slack, found["roster_discard"])
    late = _click(post, slack, fake_slack, found["roster_apply"])

    assert "Discarded" in blocks_text(discarded["blocks"])
    assert "already applied or discarded" in late["text"]
    assert _state(database) == before
    [upload], audited = _uploads(database)
    assert upload.status is UploadStatus.DISCARDED and upload.content == b""
    assert audited == ["roster_upload.stage", "roster_upload.discard"]


def test_an_employee_uploading_a_file_is_told_only_managers_import_and_nothing_is_downloaded(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.employees.add(Employee("E-ANA", "Ana Lopez"))
        uow.slack_links.add(SlackLink("U0ANA", employee_id="E-ANA"))
        uow.commit()

    [answer] = _upload(post, slack, fake_slack, files, "roster.csv", GOOD, user_id="U0ANA")

    assert "Only managers" in answer["text"] and answer["channel"] == "D0ANA"
    assert files.downloads == [] and fake_slack.calls("files.info") == []


def test_the_bots_own_file_messages_and_dms_without_files_are_not_roster_uploads(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost) -> None:
    bots_file = files.upload("export.csv", GOOD)
    fake_slack.clear_calls()

    post(slack.event(file_dm_event(MANAGER_ID, [(bots_file, "export.csv")], bot_id="BBOTSCHED")))
    post(slack.message_im("hello there", user_id=MANAGER_ID, channel="D0BOB"))
    real_file = files.upload("roster.csv", GOOD)
    post(slack.event(file_dm_event(MANAGER_ID, [(real_file, "roster.csv")])))
    wait_until(lambda: [c for c in fake_slack.calls("chat.postMessage")
                        if str(c.params.get("text", "")).startswith("Roster check")])

    assert bots_file not in [c.params["file"] for c in fake_slack.calls("files.info")]
    assert files.downloads == [real_file]


def test_a_download_slack_refuses_is_reported_and_applies_nothing(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, database: FakeDatabase) -> None:
    before = _state(database)
    with FileHost(fake_slack, "xoxb-some-other-workspace") as strict:
        [answer] = _upload(post, slack, fake_slack, strict, "roster.csv", GOOD)

    assert "did not hand me the file" in answer["text"] and strict.downloads == ["unauthorised"]
    assert _state(database) == before


TEAM_CSV = (HEADER + "".join(f"{row},,yes,yes,yes,yes,yes,yes,yes\n" for row in (
    "E-CARA,Cara Cole,150001,,Club Supervisor,yes",
    "E-LENA,Lena Lopez,150002,,Lead Event Specialist,yes",
    "E-JULES,Jules Jones,150003,,Juicer Barista,yes",
    "E-ANN,Ann Archer,150004,,Event Specialist,yes",
))).encode()


def test_after_an_uploaded_roster_is_applied_sched_auto_plans_each_type_to_the_right_titles(
        post: Post, slack: SlackRequests, fake_slack: FakeSlack, files: FileHost,
        database: FakeDatabase) -> None:
    [report] = _upload(post, slack, fake_slack, files, "team.csv", TEAM_CSV)
    apply = next(b for b in buttons(_blocks(report)) if b["action_id"] == "roster_apply")
    _click(post, slack, fake_slack, apply)
    window = (date(2025, 10, 6), date(2025, 10, 12))
    with FakeUnitOfWork(database) as uow:
        for weekday in range(7):
            uow.rotations.add(RotationAssignment(weekday, RotationType.PRIMARY_LEAD, "E-LENA"))
            uow.rotations.add(RotationAssignment(weekday, RotationType.JUICER, "E-JULES"))
        for n, name in enumerate(("606001-CORE-Pretzel", "606001-Supervisor-Pretzel",
                                  "606003-JUICER-PRODUCTION-Orange", "606004-FREEOSK-Snacks",
                                  "606005-DIGITAL SETUP-Fall Savings")):
            uow.events.add(Event(0, 31786000 + n, name, *window, event_type=detect_event_type(name),
                                 location_mvid="157384"))
        uow.commit()

    fake_slack.clear_calls()
    post(slack.slash_command("auto 14", user_id=MANAGER_ID))
    wait_until(lambda: fake_slack.calls("chat.update"), timeout=60)

    with FakeUnitOfWork(database) as uow:
        titles = {e.id: e.job_title for e in uow.employees.list()}
        types = {e.id: e.event_type for e in uow.events.list()}
        [run] = uow.runs.list()
        planned = {types[p.event_id]: titles[p.employee_id] for p in uow.proposals.for_run(run.id)
                   if p.employee_id is not None}
    leaders = {JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR}
    assert set(planned) == set(EventType) - {EventType.OTHER}
    assert planned[EventType.SUPERVISOR] is JobTitle.CLUB_SUPERVISOR
    assert planned[EventType.JUICER] is JobTitle.JUICER_BARISTA
    assert planned[EventType.FREEOSK] in leaders and planned[EventType.DIGITALS] in leaders
    assert planned[EventType.CORE] in {JobTitle.EVENT_SPECIALIST, JobTitle.LEAD, JobTitle.JUICER_BARISTA}
