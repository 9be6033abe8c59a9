"""The small store of the flow tests: a team linked to Slack users and the real core services."""

from __future__ import annotations

from bot.bootstrap import build
from bot.container import Container
from bot.settings import Secret, Settings
from core.model import Role, SlackLink
from core.ports import UnitOfWork
from core.scheduling.solve import SolveOptions
from devtools.fake_slack import FakeSlack, SlackUser
from tests.e2e.flows.harness import ANN, BEN, LEAD, MANAGER, STRANGER
from tests.e2e.slack.support import CANARY_BOT_TOKEN, CANARY_CLIENT_SECRET, CANARY_SIGNING_SECRET
from tests.unit.services.service_world import World, team

USERS = (
    SlackUser(MANAGER, "mia", "Mia Manager", "mia@example.com"),
    SlackUser(ANN, "ann", "Ann Archer", "ann@example.com"),
    SlackUser(BEN, "ben", "Ben Baker", "ben@example.com"),
    SlackUser(LEAD, "lena", "Lena Lopez", "lena@example.com"),
    SlackUser(STRANGER, "nobody", "No Body", "nobody@example.com"),
)


def flow_settings(fake: FakeSlack, *, signed: bool = True) -> Settings:
    """Single-workspace settings aimed at ``fake`` (``signed=False`` for the in-process shell)."""
    return Settings(slack_bot_token=Secret(CANARY_BOT_TOKEN),
                    slack_signing_secret=Secret(CANARY_SIGNING_SECRET if signed else ""),
                    slack_client_secret=Secret(CANARY_CLIENT_SECRET), slack_api_url=fake.base_url,
                    team_channel="C0TEAM")


def flow_world() -> World:
    """Ann, Ben, Lena, Cara and Jules; Mia manages; Ann, Ben and Lena are linked to Slack."""
    store = World()
    team(store)
    links = [SlackLink(MANAGER, Role.MANAGER), SlackLink(ANN, Role.EMPLOYEE, employee_id="E-ANN"),
             SlackLink(BEN, Role.EMPLOYEE, employee_id="E-BEN"),
             SlackLink(LEAD, Role.LEAD, employee_id="E-LEAD")]
    def add_links(uow: UnitOfWork) -> None:
        for link in links:
            uow.slack_links.add(link)

    store.write(add_links)
    return store


FLOW_SOLVE = SolveOptions(max_seconds=5, num_workers=1, max_deterministic_time=2.0)
"""The auto-scheduler solves deterministically on one worker."""


def flow_container(settings: Settings, world: World) -> Container:
    """The app's container over the world's fakes, telling people through the fake Slack unpaced."""
    return build(settings, uow_factory=world.uow_factory, clock=world.clock, crossmark=world.crossmark,
                 retaillink=None, solve_options=FLOW_SOLVE, pace_seconds=0)
