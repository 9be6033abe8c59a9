"""Who may do what: every command, button and modal of the schedule views, for an employee, a lead, a
manager, an admin and an unlinked user. A denial answers plainly and changes nothing; an allowed
change does."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from bot.blocks.events import ASSIGN_OPEN_ACTION, CONFIRM_ACTION
from bot.blocks.modals import (
    ASSIGN_CALLBACK,
    AVAILABILITY_CALLBACK,
    DAY_BLOCK,
    EMPLOYEE_BLOCK,
    ROTATION_CALLBACK,
    TIME_BLOCK,
    WEEKLY_BLOCK,
    AssignPrefill,
    rotation_block_id,
)
from bot.listeners.commands.sched_admin import LINK_CHOOSE_ACTION
from bot.slack.flows.schedule_changes import ChangeOp, ChangeRequest
from core.model import Holiday, JobTitle, RotationType
from tests.e2e.views.support import (
    ACTORS,
    EMPLOYEE,
    OTHER_EMPLOYEE,
    WAIT_SECONDS,
    Driver,
    Seeded,
    Store,
    boxes,
    picked_date,
    rendered,
    select,
    view_param,
)

DENIALS = ("Only a", "not linked", "don't know which team member")
EVERYONE = frozenset({"employee", "lead", "manager", "admin"})
LEADS_UP = frozenset({"lead", "manager", "admin"})
MANAGERS = frozenset({"manager", "admin"})
ADMINS = frozenset({"admin"})
ANN = f"<@{EMPLOYEE}|ann>"
BEN = f"<@{OTHER_EMPLOYEE}|ben>"

Run = Callable[[Driver, Seeded, str], str]


def command(text: str | Callable[[Seeded], str]) -> Run:
    def run(driver: Driver, seeded: Seeded, user: str) -> str:
        return rendered(driver.command(text(seeded) if callable(text) else text, user))
    return run


def submit(callback: str, values: Callable[[Seeded], dict[str, object]],
           metadata: Callable[[Seeded], str]) -> Run:
    def run(driver: Driver, seeded: Seeded, user: str) -> str:
        response = driver.submit(callback, values(seeded), user, metadata=metadata(seeded))
        assert response.status_code == 200
        return json.dumps(response.json(), ensure_ascii=False)
    return run


def open_assign(driver: Driver, seeded: Seeded, user: str) -> str:
    response, key = driver.click(ASSIGN_OPEN_ACTION, AssignPrefill(seeded.open_core.id).encode(), user)
    assert response.status_code == 200
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        answered = driver.fake.messages(f"response:{key}")
        if answered:
            return answered[0].text
        opened = driver.fake.calls("views.open")
        if opened:
            return json.dumps(view_param(opened[0].params))
        time.sleep(0.02)
    raise TimeoutError("no answer to the Assign… click")


def click(action_id: str, value: Callable[[Seeded], str]) -> Run:
    def run(driver: Driver, seeded: Seeded, user: str) -> str:
        response, key = driver.click(action_id, value(seeded), user)
        assert response.status_code == 200
        return rendered(driver.responses(key)[0])
    return run


def confirm_value(seeded: Seeded) -> str:
    start = datetime(2025, 10, 3, 10, 45)
    return ChangeRequest(ChangeOp.ASSIGN, seeded.open_core.id, "E-ANN", start).encode()


def rotation_values(seeded: Seeded) -> dict[str, object]:
    return {rotation_block_id(r, d): select("E-JO" if r is RotationType.JUICER else "E-LEAD")
            for r in RotationType for d in range(7)}


def add_holiday(store: Store) -> None:
    store.write(lambda uow: uow.holidays.add(Holiday(0, "Founders Day", date(2025, 11, 3))))


def add_unlinked_employee(store: Store) -> None:
    store.person("E-NEW", "Nia Newman", JobTitle.EVENT_SPECIALIST)


@dataclass(frozen=True)
class Case:
    name: str
    run: Run
    allowed: frozenset[str]
    mutates: bool = False
    setup: Callable[[Store], None] | None = None


CASES = (
    Case("today", command("today"), EVERYONE),
    Case("week", command("week"), EVERYONE),
    Case("date", command("fri"), EVERYONE),
    Case("@user", command(BEN), EVERYONE),
    Case("events", command("events"), EVERYONE),
    Case("assign", command(f"assign 606001 core {ANN} fri"), MANAGERS, True),
    Case("unassign", command("unassign 606002 core"), MANAGERS, True),
    Case("move", command("move 606002 core fri"), MANAGERS, True),
    Case("swap", command("swap 606002 606004"), MANAGERS, True),
    Case("reissue", command(lambda s: f"reissue #{s.booked_core.id}"), MANAGERS, True),
    Case("assign modal open", open_assign, MANAGERS),
    Case("assign modal submit", submit(ASSIGN_CALLBACK, lambda s: {
        EMPLOYEE_BLOCK: select("E-ANN"), DAY_BLOCK: picked_date("2025-10-03"), TIME_BLOCK: select("10:45")},
        lambda s: json.dumps({"e": s.open_core.id})), MANAGERS, True),
    Case("availability of someone", command(f"availability {BEN}"), LEADS_UP),
    Case("availability save for someone",
         submit(AVAILABILITY_CALLBACK, lambda s: {WEEKLY_BLOCK: boxes("mon")}, lambda s: "E-BEN"),
         MANAGERS, True),
    Case("rotation", command("rotation"), EVERYONE),
    Case("rotation exception", command("rotation 10/3 juicer <@U0JO|jo>"), MANAGERS, True),
    Case("rotation save", submit(ROTATION_CALLBACK, rotation_values, lambda s: ""), MANAGERS, True),
    Case("holidays", command("holidays"), EVERYONE),
    Case("holidays add", command("holidays add 11/27 Thanksgiving"), MANAGERS, True),
    Case("holidays remove", command("holidays remove #1"), MANAGERS, True, add_holiday),
    Case("role", command(f"role {BEN} lead"), ADMINS, True),
    Case("link", command("link <@U0NOBODY|nobody> Nia Newman"), MANAGERS, True, add_unlinked_employee),
    Case("confirm button", click(CONFIRM_ACTION, confirm_value), MANAGERS, True),
    Case("link choice button", click(LINK_CHOOSE_ACTION, lambda s: '{"u":"U0NOBODY","e":"E-NEW"}'), MANAGERS,
         True, add_unlinked_employee),
)


@pytest.mark.parametrize("actor", sorted(ACTORS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_authorization_matrix(driver: Driver, store: Store, seeded: Seeded, case: Case, actor: str) -> None:
    if case.setup is not None:
        case.setup(store)
    before = store.state()

    shown = case.run(driver, seeded, ACTORS[actor])

    denied = any(phrase in shown for phrase in DENIALS)
    if actor in case.allowed:
        assert not denied, shown
        if case.mutates:
            assert store.state() != before
    else:
        assert denied, shown
        assert "Something went wrong" not in shown
        assert store.state() == before
