"""Slack user → Actor: admins, stored links, email auto-link, unknown users."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.slack.identity import ProfileCache
from bot.slack.parsing import unslack
from core.model import Actor, Employee, JobTitle, Role, SlackLink
from core.services.identity import NOT_LINKED_MESSAGE, SlackProfile, resolve_actor
from devtools.fake_slack import FakeSlack, SlackUser
from tests.e2e.slack.conftest import ADMIN_ID
from tests.e2e.slack.support import Probe
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

Post = Callable[[SignedRequest], httpx.Response]


def _seed(database: FakeDatabase, *employees: Employee, links: tuple[SlackLink, ...] = ()) -> None:
    with FakeUnitOfWork(database) as uow:
        for employee in employees:
            uow.employees.add(employee)
        for link in links:
            uow.slack_links.add(link)
        uow.commit()


def _whoami(post: Post, slack: SlackRequests, probe: Probe, user_id: str) -> Actor | None:
    post(slack.slash_command("whoami", user_id=user_id))
    actor: Actor | None = probe.wait("whoami")[-1]["actor"]
    return actor


def test_new_user_whose_slack_email_matches_one_employee_is_linked_and_audited(
    post: Post, slack: SlackRequests, probe: Probe, database: FakeDatabase
) -> None:
    _seed(database, Employee("E1", "Ana Lopez", email="Ana@Example.com"))

    actor = _whoami(post, slack, probe, "U0ANA")

    assert actor == Actor("U0ANA", Role.EMPLOYEE, "E1")
    with FakeUnitOfWork(database) as uow:
        link = uow.slack_links.get("U0ANA")
        audit = uow.audit.list(entity="slack_link")
    assert link is not None and link.employee_id == "E1" and link.team_id == "T0STORE"
    assert [(a.action, a.entity_id, a.actor) for a in audit] == [("slack_link.auto", "U0ANA", "U0ANA")]


def test_user_listed_in_schedbot_admins_is_admin(
    post: Post, slack: SlackRequests, probe: Probe, fake_slack: FakeSlack
) -> None:
    actor = _whoami(post, slack, probe, ADMIN_ID)

    assert actor is not None and actor.role is Role.ADMIN
    assert fake_slack.calls("users.info") == []


def test_workspace_owner_is_admin(post: Post, slack: SlackRequests, probe: Probe) -> None:
    actor = _whoami(post, slack, probe, "U0OWNER")

    assert actor is not None and actor.role is Role.ADMIN


def test_unknown_user_is_an_unlinked_employee_and_is_told_to_ask_a_manager(
    post: Post, slack: SlackRequests, probe: Probe, fake_slack: FakeSlack
) -> None:
    actor = _whoami(post, slack, probe, "U0GHOST")
    assert actor == Actor("U0GHOST", Role.EMPLOYEE, None)
    fake_slack.wait_for("response_url")  # the whoami reply, sent after its ack

    fake_slack.clear_calls()
    post(slack.slash_command("mine", user_id="U0GHOST"))

    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["text"] != NOT_LINKED_MESSAGE  # its <employee> placeholder is escaped for mrkdwn …
    assert unslack(str(reply["text"])) == NOT_LINKED_MESSAGE  # … and Slack shows it as written
    assert reply["response_type"] == "ephemeral"


def test_stored_link_gives_its_role_and_employee(
    post: Post, slack: SlackRequests, probe: Probe, database: FakeDatabase
) -> None:
    _seed(
        database,
        Employee("E2", "Bob Stone"),
        links=(SlackLink("U0BOB", Role.MANAGER, "T0STORE", employee_id="E2"),),
    )

    assert _whoami(post, slack, probe, "U0BOB") == Actor("U0BOB", Role.MANAGER, "E2")


def test_users_info_is_fetched_once_per_user_while_cached(
    post: Post, slack: SlackRequests, probe: Probe, fake_slack: FakeSlack
) -> None:
    for _ in range(3):
        post(slack.slash_command("whoami", user_id="U0GHOST"))
    probe.wait("whoami", 3)

    assert len(fake_slack.calls("users.info")) == 1


class _Profiles:
    def __init__(self, *profiles: SlackProfile) -> None:
        self.by_id = {p.user_id: p for p in profiles}
        self.asked: list[str] = []

    def __call__(self, user_id: str) -> SlackProfile | None:
        self.asked.append(user_id)
        return self.by_id.get(user_id)


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


def _resolve(
    db: FakeDatabase, user_id: str, profiles: _Profiles, admins: tuple[str, ...] = ()
) -> Actor | None:
    return resolve_actor(
        lambda: FakeUnitOfWork(db), user_id, team_id="T1", admins=admins, profile_lookup=profiles
    )


def test_email_shared_by_two_employees_links_nobody(db: FakeDatabase) -> None:
    _seed(
        db,
        Employee("E1", "Ana A", email="ana@x.com", store_id=1),
        Employee("E2", "Ana B", email="ANA@x.com ", store_id=1, is_active=True),
    )

    actor = _resolve(db, "U1", _Profiles(SlackProfile("U1", email="ana@x.com")))

    assert actor == Actor("U1", Role.EMPLOYEE, None)
    with FakeUnitOfWork(db) as uow:
        assert uow.slack_links.list() == []


def test_employee_already_linked_to_another_slack_user_is_not_relinked(db: FakeDatabase) -> None:
    _seed(db, Employee("E1", "Ana", email="ana@x.com"), links=(SlackLink("U0OTHER", employee_id="E1"),))

    actor = _resolve(db, "U1", _Profiles(SlackProfile("U1", email="ana@x.com")))

    assert actor == Actor("U1", Role.EMPLOYEE, None)


def test_inactive_employee_is_not_linked_by_email(db: FakeDatabase) -> None:
    _seed(db, Employee("E1", "Ana", email="ana@x.com", is_active=False))

    assert _resolve(db, "U1", _Profiles(SlackProfile("U1", email="ana@x.com"))) == Actor("U1", Role.EMPLOYEE)


def test_lead_event_specialist_linked_by_email_starts_as_lead(db: FakeDatabase) -> None:
    _seed(db, Employee("E9", "Lea", email="lea@x.com", job_title=JobTitle.LEAD))

    assert _resolve(db, "U9", _Profiles(SlackProfile("U9", email="lea@x.com"))) == Actor(
        "U9", Role.LEAD, "E9"
    )


def test_admin_keeps_the_employee_of_their_link_and_needs_no_profile(db: FakeDatabase) -> None:
    _seed(db, Employee("E1", "Ana"), links=(SlackLink("U1", Role.EMPLOYEE, employee_id="E1"),))
    profiles = _Profiles()

    assert _resolve(db, "U1", profiles, admins=("U1",)) == Actor("U1", Role.ADMIN, "E1")
    assert profiles.asked == []


def test_bot_users_and_empty_ids_resolve_to_nobody(db: FakeDatabase) -> None:
    profiles = _Profiles(SlackProfile("UBOT", is_bot=True))

    assert _resolve(db, "UBOT", profiles) is None
    assert _resolve(db, "", profiles) is None


def test_user_slack_cannot_describe_is_an_unlinked_employee(db: FakeDatabase) -> None:
    assert _resolve(db, "U404", _Profiles()) == Actor("U404", Role.EMPLOYEE, None)


def test_user_whose_email_matches_no_employee_costs_two_transactions_not_three(db: FakeDatabase) -> None:
    _seed(db, Employee("E1", "Ana", email="ana@x.com"))
    opened: list[str] = []

    def counting() -> FakeUnitOfWork:
        opened.append("uow")
        return FakeUnitOfWork(db)

    actor = resolve_actor(counting, "U1", team_id="T1", admins=(),
                          profile_lookup=_Profiles(SlackProfile("U1", email="nobody@x.com")))

    assert actor == Actor("U1", Role.EMPLOYEE, None)
    assert len(opened) == 2


async def test_profile_cache_expires_after_its_ttl(fake_slack: FakeSlack) -> None:
    from bot.bootstrap import build
    from bot.settings import Settings

    fake_slack.add_user(SlackUser("U0TTL", "ttl", email="ttl@example.com"))
    now = [1000.0]
    cache = ProfileCache(ttl_seconds=300, monotonic=lambda: now[0])
    client = build(Settings(slack_api_url=fake_slack.base_url), uow_factory=FakeUnitOfWork
                   ).web_client(token="xoxb-test")

    first = await cache.get(client, "T0STORE", "U0TTL")
    await cache.get(client, "T0STORE", "U0TTL")
    now[0] += 301
    await cache.get(client, "T0STORE", "U0TTL")

    assert first is not None and first.email == "ttl@example.com"
    assert len(fake_slack.calls("users.info")) == 2
