"""The small store of the flow tests: a team linked to Slack users and the real core services."""

from __future__ import annotations

from bot.fake_slack import FakeSlack, SlackUser
from bot.notify import SlackNotifier, sync_web_client
from bot.services import Services
from bot.settings import Secret, Settings
from core.model import Role, SlackLink
from core.ports import UnitOfWork
from core.scheduling.solve import SolveOptions
from core.services.autoschedule import AutoScheduleService
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.packet import PacketService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.roster import RosterService
from core.services.rotations import RotationService
from core.services.scheduling import SchedulingService
from core.services.time_off import TimeOffService
from integrations.pdf import PdfPacketRenderer
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


def slack_notifier(settings: Settings, world: World) -> SlackNotifier:
    """DMs through the fake Slack, unpaced."""
    return SlackNotifier(lambda: sync_web_client(settings), world.uow_factory, pace_seconds=0)


def auto_service(world: World, notifier: SlackNotifier) -> AutoScheduleService:
    """The auto-scheduler over the world's fakes, solving deterministically on one worker."""
    options = SolveOptions(max_seconds=5, num_workers=1, max_deterministic_time=2.0)
    return AutoScheduleService(world.uow_factory, world.crossmark, world.clock, notifier=notifier,
                               solve_options=options)


def build_services(world: World, notifier: SlackNotifier) -> Services:
    """Every core service over the world's fakes, telling people through the fake Slack."""
    u, clock, crossmark = world.uow_factory, world.clock, world.crossmark
    return Services(
        scheduling=SchedulingService(u, crossmark, notifier, clock),
        time_off=TimeOffService(u, notifier, clock),
        availability=AvailabilityService(u, clock), rotations=RotationService(u, clock),
        holidays=HolidayService(u, clock), people=PeopleService(u, crossmark, notifier, clock),
        queries=QueryService(u, clock), roster=RosterService(u, clock),
        packet=PacketService(u, PdfPacketRenderer(), clock), sync=None, auto=auto_service(world, notifier))
