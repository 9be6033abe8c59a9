"""Composition root: settings → database → adapters → core services. The only bot module that
wires integrations together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.services import Services
from bot.settings import Settings
from core.errors import InvalidInput, RemoteError
from core.model import DEFAULT_STORE_ID, PaperworkTemplate, Store
from core.ports import Clock, CrossmarkPort, Notifier, RetailLinkPort, SecretBox, UnitOfWork
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.unit_of_work import SqlUnitOfWork, UtcClock

if TYPE_CHECKING:
    from bot.container import Container

log = logging.getLogger(__name__)


class MissingKeyBox:
    """Stands in when SETTINGS_ENCRYPTION_KEY is unset: refuses to store or read secrets."""

    def encrypt(self, plaintext: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot store secrets")

    def decrypt(self, token: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot read stored secrets")


@dataclass
class Core:
    """The wired core: database, crypto, remote adapters and services."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    secret_box: SecretBox
    clock: Clock
    crossmark: CrossmarkPort | None
    retaillink: RetailLinkPort | None
    services: Services | Any

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.session_factory, self.secret_box)

    def health_check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("database health check failed", exc_info=True)
            return False


def build_core(settings: Settings, *, clock: Clock | None = None, notifier: Notifier | None = None,
               crossmark: CrossmarkPort | None = None, retaillink: RetailLinkPort | None = None) -> Core:
    """Wire settings → database → adapters → services. Remote adapters are built from the settings
    (environment first, then credentials an admin stored in Slack) unless given."""
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    box = make_secret_box(settings)
    clock = clock or UtcClock()

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(session_factory, box)

    if crossmark is None:
        crossmark = make_crossmark(settings, uow)
    if retaillink is None:
        retaillink = make_retaillink(settings, uow)
    core = Core(settings=settings, engine=engine, session_factory=session_factory, secret_box=box,
                clock=clock, crossmark=crossmark, retaillink=retaillink, services=None)
    core.services = make_services(core, notifier)
    return core


def make_services(core: Core, notifier: Notifier | None) -> Services:
    from core.services.autoschedule import AutoScheduleService
    from core.services.availability import AvailabilityService
    from core.services.holidays import HolidayService
    from core.services.packet import PacketService
    from core.services.people import PeopleService
    from core.services.queries import QueryService
    from core.services.roster import RosterService
    from core.services.rotations import RotationService
    from core.services.scheduling import SchedulingService
    from core.services.sync import SyncService
    from core.services.time_off import TimeOffService
    from core.services.time_settings import load_time_settings
    from integrations.pdf import PdfPacketRenderer

    uow, clock = core.uow, core.clock
    crossmark = core.crossmark or UnconfiguredCrossmark()
    return Services(
        scheduling=SchedulingService(uow, crossmark, notifier, clock),
        time_off=TimeOffService(uow, notifier, clock),
        availability=AvailabilityService(uow, clock),
        rotations=RotationService(uow, clock),
        holidays=HolidayService(uow, clock),
        people=PeopleService(uow, crossmark, notifier, clock),
        queries=QueryService(uow, clock),
        roster=RosterService(uow, clock),
        packet=PacketService(uow, PdfPacketRenderer(), clock, crossmark=core.crossmark,
                             retaillink=core.retaillink, template_loader=load_template_file,
                             time_settings=load_time_settings),
        sync=SyncService(uow, core.crossmark, clock, core.retaillink) if core.crossmark else None,
        auto=AutoScheduleService(uow, crossmark, clock, notifier=notifier),
    )


def stored_credential(uow_factory: Callable[[], UnitOfWork], key: str) -> str:
    """A credential an admin stored from Slack (encrypted), or ''."""
    try:
        with uow_factory() as uow:
            return uow.settings.get(DEFAULT_STORE_ID, key) or ""
    except Exception:
        return ""


def make_crossmark(settings: Settings, uow: Callable[[], UnitOfWork]) -> CrossmarkPort | None:
    from integrations.crossmark.adapter import CrossmarkAdapter

    username = settings.external_api_username or stored_credential(uow, "crossmark_username")
    password = settings.external_api_password.reveal() or stored_credential(uow, "crossmark_password")
    if not (username and password):
        return None
    return CrossmarkAdapter(settings.external_api_base_url, username, password,
                            timezone=settings.external_api_timezone, timeout=settings.external_api_timeout)


def make_retaillink(settings: Settings, uow: Callable[[], UnitOfWork]) -> RetailLinkPort | None:
    from integrations.retaillink.adapter import RetailLinkAdapter
    from integrations.retaillink.settings_store import SettingsSessionStore

    username = settings.walmart_edr_username or stored_credential(uow, "walmart_edr_username")
    password = settings.walmart_edr_password.reveal() or stored_credential(uow, "walmart_edr_password")
    credential = settings.walmart_edr_mfa_credential_id or stored_credential(
        uow, "walmart_edr_mfa_credential_id")
    if not (username and password):
        return None
    return RetailLinkAdapter(settings.walmart_login_base_url, settings.walmart_edr_base_url, username,
                             password, credential, store=SettingsSessionStore(uow))


def load_template_file(path: str) -> bytes | None:
    """Paperwork template bytes: a path relative to the shipped templates folder, or absolute."""
    from integrations.pdf import shipped_templates

    candidates = [Path(path)]
    shipped = {Path(t.path).name: Path(t.path) for t in shipped_templates()}
    if Path(path).name in shipped:
        candidates.append(shipped[Path(path).name])
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_bytes()
    return None


class UnconfiguredCrossmark:
    """Stands in when Crossmark credentials are missing: every remote call says so."""

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise RemoteError("Crossmark is not configured (set EXTERNAL_API_USERNAME and "
                          "EXTERNAL_API_PASSWORD, or /sched settings).")

    schedule = unschedule = reissue = find_schedule = planning_events = reps = sales_tool = _refuse


def make_secret_box(settings: Settings) -> SecretBox:
    keys = settings.settings_encryption_key.reveal()
    if not keys:
        log.warning("SETTINGS_ENCRYPTION_KEY is not set; stored credentials are unavailable")
        return MissingKeyBox()
    return FernetSecretBox(keys)


def ensure_store(core: Core) -> None:
    """Keep the default store's number and timezone in line with the settings, and give a new
    store the paperwork templates that ship with schedbot. A database that is not migrated to the
    shipped revision is refused with the command that fixes it."""
    from integrations.db import migrate

    problem = migrate.pending(core.engine)
    if problem is not None:
        raise InvalidInput(f"The database is not ready ({problem}): run `schedbot db upgrade` first.")
    with core.uow() as uow:
        store = uow.stores.get(DEFAULT_STORE_ID)
        if store is None:
            uow.stores.add(Store(id=DEFAULT_STORE_ID, number=core.settings.store_number,
                                 name=f"Sam's Club {core.settings.store_number}",
                                 timezone=core.settings.store_timezone))
        elif (store.number, store.timezone) != (core.settings.store_number, core.settings.store_timezone):
            store.number = core.settings.store_number
            store.name = f"Sam's Club {core.settings.store_number}"
            store.timezone = core.settings.store_timezone
            uow.stores.update(store)
        if not uow.templates.list(store_id=DEFAULT_STORE_ID):
            from integrations.pdf import shipped_templates

            for t in shipped_templates():
                uow.templates.add(PaperworkTemplate(id=0, name=t.name, path=Path(t.path).name,
                                                    category=t.category, display_order=t.display_order))
        uow.commit()


def build_runtime(settings: Settings, *, migrate_first: bool = False) -> tuple[Core, Container]:
    """The wired core plus the Slack container, with DMs going through a Slack notifier."""
    from bot.container import Container
    from bot.notify import SlackNotifier, sync_web_client

    if migrate_first:
        from integrations.db import migrate

        migrate.upgrade(settings.database_url)
    holder: dict[str, Core] = {}

    def uow() -> UnitOfWork:
        return holder["core"].uow()

    token_provider = slack_token_provider(settings, holder)
    notifier = SlackNotifier(lambda: sync_web_client(settings, token_provider()), uow,
                             admins=settings.schedbot_admins)
    core = build_core(settings, notifier=notifier)
    holder["core"] = core
    ensure_store(core)
    container = Container(settings=settings, uow_factory=core.uow, secret_box=core.secret_box,
                          clock=core.clock, services=core.services, health_check=core.health_check)
    if settings.slack_client_id:
        from integrations.slack_store import DbInstallationStore, DbOAuthStateStore

        container.installation_store = DbInstallationStore(
            core.session_factory, core.secret_box, client_id=settings.slack_client_id)
        container.oauth_state_store = DbOAuthStateStore(core.session_factory)
    return core, container


def slack_token_provider(settings: Settings, holder: dict[str, Core]) -> Callable[[], str]:
    """The bot token for work without an incoming request: SLACK_BOT_TOKEN, or in OAuth mode the
    stored installation's token (refreshed by the installation store when it rotates)."""
    if not settings.slack_client_id:
        return settings.slack_bot_token.reveal

    def from_installation() -> str:
        from bot.jobs.slack_token import InstallationToken
        from integrations.slack_store import DbInstallationStore

        core = holder["core"]
        store = DbInstallationStore(core.session_factory, core.secret_box, client_id=settings.slack_client_id)
        with core.uow() as uow:
            links = uow.slack_links.list(store_id=DEFAULT_STORE_ID)
        team = next((link.team_id for link in links if link.team_id), None)
        return InstallationToken(store, settings, team)()

    return from_installation
