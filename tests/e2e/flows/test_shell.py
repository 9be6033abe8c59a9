"""``schedbot shell``: the real app in-process over the fake Slack, driven by lines of input."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.cli.main import main
from core.model import TimeOffStatus
from devtools.fake_slack import FakeSlack
from devtools.shell.console import ShellSession
from tests.e2e.flows.harness import ANN
from tests.e2e.flows.store import flow_container, flow_settings, flow_world
from tests.unit.services.service_world import World, at, day


@pytest.fixture
def shell_world() -> World:
    store = flow_world()
    core = store.event("606001-CORE-Super Pretzel", day(2), day(8))
    store.assignment(core, "E-ANN", at(6, "10:45"))
    return store


@pytest.fixture
def session(fake_slack: FakeSlack, shell_world: World) -> Iterator[tuple[ShellSession, io.StringIO]]:
    settings = flow_settings(fake_slack, signed=False)
    container = flow_container(settings, shell_world)
    out = io.StringIO()
    shell = ShellSession(container, fake_slack, user=ANN, out=out)
    yield shell, out
    shell.close()


def test_a_scripted_time_off_request_and_approval(session: tuple[ShellSession, io.StringIO],
                                                  shell_world: World) -> None:
    shell, out = session

    shell.run(iter(["/timeoff 10/6-10/8 trip", "fill 2 10/9", "submit", "as mia", "press 7", "quit",
                    "this line is never read"]))

    text = out.getvalue()
    assert "=== form: Request time off" in text
    assert "{5} Last day off [datepicker]: 2025-10-09" in text
    assert "[7] Approve  [8] Deny…" in text and "606001-CORE-Super Pretzel" in text
    assert "*Approved* by @Mia Manager" in text
    assert "Your time off Mon 10/06–Thu 10/09 was approved." in text
    assert "this line is never read" not in text
    [request] = shell_world.read(lambda uow: uow.time_off_requests.list())
    assert request.status is TimeOffStatus.APPROVED and request.reason == "trip"


def test_dm_lines_go_to_the_bot_and_cards_can_be_cancelled(session: tuple[ShellSession, io.StringIO],
                                                           shell_world: World) -> None:
    shell, out = session

    shell.run(iter(["what am I working next week?", "off friday"]))
    cancel = re.findall(r"\[(\d+)\] Cancel", out.getvalue())[-1]
    shell.run(iter([cancel]))

    text = out.getvalue()
    assert "Tue 10/07 10:45 AM" in text
    assert "Cancelled — nothing was sent." in text
    assert shell_world.read(lambda uow: uow.time_off_requests.list()) == []


def test_field_errors_of_a_form_are_printed(session: tuple[ShellSession, io.StringIO]) -> None:
    shell, out = session

    shell.run(iter(["/timeoff 10/8-10/9", "fill 1 10/12", "submit"]))

    assert "! end: The last day is before the first day." in out.getvalue()


def test_console_commands_list_users_switch_and_refuse_bad_numbers(
        session: tuple[ShellSession, io.StringIO]) -> None:
    shell, out = session

    shell.run(iter(["users", "as lena", "press 99", "fill 1 x", "submit", "as ghost"]))

    text = out.getvalue()
    assert "U0MGR  Mia Manager" in text
    assert "you are now Lena Lopez (U0LENA)" in text
    assert "there is no [99] on screen" in text
    assert "no form is open" in text
    assert "no user 'ghost'" in text


def test_schedbot_shell_reads_stdin_on_the_seeded_demo_store(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["users", "home", "/sched auto 3", "as amanda", "what am I working this week?",
             "/timeoff list", "quit"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    bot_logger = logging.getLogger("bot")
    monkeypatch.setattr(bot_logger, "level", logging.INFO)

    assert main(["shell", "--dir", str(tmp_path)]) == 0

    assert bot_logger.level == logging.INFO  # quieted while the console ran, then given back

    out = capsys.readouterr().out
    assert "U0DEMOMGR  Demo Manager" in out
    assert "• 2 new rep(s) to review" in out  # the demo roster is reviewed but for the two newest reps
    assert "== Auto-schedule #1:" in out and "Approve all" in out and "*Solver*: optimal" in out
    assert "you are now Amanda Lee" in out
    assert "Your schedule this week" in out or "You're not scheduled this week" in out
    assert "time-off request" in out.lower()


def test_app_home_is_rendered_and_its_buttons_can_be_pressed(
        session: tuple[ShellSession, io.StringIO]) -> None:
    shell, out = session

    shell.run(iter(["home"]))
    button = re.findall(r"\[(\d+)\] Request time off", out.getvalue())
    shell.run(iter([f"press {button[-1]}"]))

    text = out.getvalue()
    assert "=== App Home ===" in text
    assert "=== form: Request time off" in text
