"""Composition root: settings → database → adapters → core services → ``Container``.

``build(settings, **overrides)`` is the one way to wire schedbot: ``serve`` (HTTP and Socket Mode),
``clock``, every CLI command, the shell, the demo and the tests all call it; tests pass fakes as
overrides. It is the only bot module that imports ``integrations``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.packet import packet_message
from bot.container import (
    DEFAULT_BLOCKING_WORKERS,
    BindableQueue,
    Container,
    PacketPublisher,
    Services,
    SlackClientFactory,
)
from bot.jobs.in_process import InProcessQueue
from bot.jobs.tasks import run_job
from bot.settings import Settings
from core.errors import InvalidInput, RemoteError
from core.model import DEFAULT_STORE_ID, PaperworkTemplate, Store
from core.ports import (
    Clock,
    CrossmarkPort,
    JobQueue,
    Notifier,
    RetailLinkPort,
    SecretBox,
    UnitOfWork,
    UnitOfWorkFactory,
)
from core.scheduling.solve import SolveOptions
from core.services.approvals import IN_FLIGHT_LEASE
from core.services.autoschedule import AutoScheduleService
from core.services.availability import AvailabilityService
from core.services.holidays import HolidayService
from core.services.legacy_import_values import LegacyData
from core.services.packet import PacketService
from core.services.people import PeopleService
from core.services.queries import QueryService
from core.services.roster import RosterService
from core.services.rotations import RotationService
from core.services.scheduling import SchedulingService
from core.services.store_settings import StoreSettingsService
from core.services.sync import SyncService
from core.services.team_review import TeamReviewService
from core.services.time_off import TimeOffService
from core.services.time_settings import load_time_settings
from integrations.crypto import FernetSecretBox
from integrations.db import migrate
from integrations.db.engine import make_engine, make_session_factory
from integrations.db.unit_of_work import SqlUnitOfWork, UtcClock
from integrations.pdf import PdfPacketRenderer, shipped_templates
from integrations.slack.notifier import PACE_SECONDS, SlackNotifier, sync_web_client
from integrations.slack.packet_poster import PacketPoster

if TYPE_CHECKING:
    from integrations.jobs.procrastinate_queue import ProcrastinateQueue

log = logging.getLogger(__name__)


class _Unset:
    """Marks an override that was not given (``None`` means "not configured")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class MissingKeyBox:
    """Stands in when SETTINGS_ENCRYPTION_KEY is unset: refuses to store or read secrets."""

    def encrypt(self, plaintext: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot store secrets")

    def decrypt(self, token: str) -> str:
        raise RuntimeError("SETTINGS_ENCRYPTION_KEY is not set: cannot read stored secrets")


class UnconfiguredCrossmark:
    """Stands in when Crossmark credentials are missing: every remote call says so."""

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise RemoteError("Crossmark is not configured: an admin can set its login with /sched settings.")

    schedule = unschedule = reissue = find_schedule = scheduled_event_of = planning_events = reps = _refuse
    sales_tool = _refuse


@dataclass
class Database:
    """The SQL side of a container: the engine and its sessions."""

    engine: Engine
    session_factory: sessionmaker[Session]
    secret_box: SecretBox

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


def build(settings: Settings, *,
          uow_factory: UnitOfWorkFactory | None = None,
          clock: Clock | None = None,
          secret_box: SecretBox | None = None,
          crossmark: CrossmarkPort | _Unset | None = UNSET,
          retaillink: RetailLinkPort | _Unset | None = UNSET,
          notifier: Notifier | None = None,
          solve_options: SolveOptions | None = None,
          pace_seconds: float = PACE_SECONDS,
          installation_store: AsyncInstallationStore | None = None,
          oauth_state_store: AsyncOAuthStateStore | None = None,
          blocking_workers: int = DEFAULT_BLOCKING_WORKERS,
          health_check: Callable[[], bool] | None = None,
          jobs: JobQueue | None = None,
          migrate_first: bool = False,
          prepare_store: bool | None = None) -> Container:
    """Wire schedbot from ``settings``; every keyword replaces one part (tests pass fakes).

    - ``uow_factory``: the database (default: SQLAlchemy on ``DATABASE_URL``);
    - ``crossmark`` / ``retaillink``: remote ports (default: built from the settings, then from the
      credentials an admin stored in Slack; ``None`` means not configured);
    - ``notifier``: DMs (default: the Slack notifier, paced ``pace_seconds`` per channel);
    - ``jobs``: the job queue (default: procrastinate when the SQL database is PostgreSQL, else a
      thread pool of this process); a queue with ``bind`` is given the job dispatcher;
    - ``migrate_first``: apply migrations before anything reads the database;
    - ``prepare_store``: create or refresh the default store row and its templates (default: on for
      the SQL database, which is also checked to be at the shipped revision).
    """
    box = secret_box or make_secret_box(settings)
    clock = clock or UtcClock()
    closers: list[Callable[[], None]] = []
    database: Database | None = None
    if uow_factory is None:
        if migrate_first:
            migrate.upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        database = Database(engine, make_session_factory(engine), box)
        closers.append(engine.dispose)
        uow_factory = database.uow
    uow = uow_factory
    if prepare_store if prepare_store is not None else database is not None:
        ensure_store(settings, uow, database.engine if database is not None else None)

    if settings.slack_client_id and database is not None:
        from integrations.slack.installation_store import DbInstallationStore, DbOAuthStateStore

        installation_store = installation_store or DbInstallationStore(
            database.session_factory, box, client_id=settings.slack_client_id)
        oauth_state_store = oauth_state_store or DbOAuthStateStore(database.session_factory)
    bot_token = slack_token_provider(settings, uow, installation_store)

    def sync_client(token: str | None = None) -> WebClient:
        return sync_web_client(settings.slack_api_url, token if token is not None else bot_token())

    if notifier is None:
        notifier = SlackNotifier(sync_client, uow, admins=settings.schedbot_admins, pace_seconds=pace_seconds)
    cm = make_crossmark(settings, uow) if isinstance(crossmark, _Unset) else crossmark
    rl = make_retaillink(settings, uow) if isinstance(retaillink, _Unset) else retaillink
    for built, given in ((cm, crossmark), (rl, retaillink)):
        close = getattr(built, "close", None)
        if isinstance(given, _Unset) and callable(close):
            closers.append(close)

    def packet_publisher(client: SlackClientFactory, store_id: int) -> PacketPublisher:
        return PacketPoster(client, uow, clock, store_id=store_id, message=packet_message)

    def health() -> bool:
        if database is not None:
            return database.health_check()
        try:
            with uow():
                return True
        except Exception:
            return False

    queue: JobQueue
    if jobs is None:
        own_queue = make_job_queue(settings, database)
        closers.append(own_queue.close)
        queue = own_queue
    else:
        queue = jobs

    container = Container(
        settings=settings, uow_factory=uow, clock=clock, secret_box=box,
        services=make_services(uow, clock, cm, rl, notifier, solve_options, in_flight_lease(settings)),
        notifier=notifier,
        crossmark=cm, retaillink=rl, bot_token=bot_token, sync_client=sync_client,
        packet_publisher=packet_publisher, health_check=health_check or health, jobs=queue,
        installation_store=installation_store, oauth_state_store=oauth_state_store,
        blocking_workers=blocking_workers, closers=closers)
    if isinstance(queue, BindableQueue):
        queue.bind(lambda job, store_id, args: run_job(container, job, store_id, args))
    return container


def make_job_queue(settings: Settings, database: Database | None) -> InProcessQueue | ProcrastinateQueue:
    """procrastinate on a PostgreSQL database (jobs run in ``schedbot worker``); otherwise — SQLite, or
    a unit of work given by a test — the thread pool of this process."""
    if database is not None and database.engine.dialect.name == "postgresql":
        from integrations.jobs.procrastinate_queue import ProcrastinateQueue

        return ProcrastinateQueue(settings.database_url,
                                  retry_wait_seconds=int(in_flight_lease(settings).total_seconds()))
    return InProcessQueue()


def make_services(uow: UnitOfWorkFactory, clock: Clock, crossmark: CrossmarkPort | None,
                  retaillink: RetailLinkPort | None, notifier: Notifier,
                  solve_options: SolveOptions | None = None,
                  in_flight_lease: timedelta = IN_FLIGHT_LEASE) -> Services:
    """One instance of each core service over the given ports."""
    remote: CrossmarkPort = crossmark or UnconfiguredCrossmark()
    return Services(
        scheduling=SchedulingService(uow, remote, notifier, clock),
        time_off=TimeOffService(uow, notifier, clock),
        availability=AvailabilityService(uow, clock),
        rotations=RotationService(uow, clock),
        holidays=HolidayService(uow, clock),
        people=PeopleService(uow, remote, notifier, clock),
        queries=QueryService(uow, clock),
        roster=RosterService(uow, clock),
        packet=PacketService(uow, PdfPacketRenderer(), clock, crossmark=crossmark, retaillink=retaillink,
                             template_loader=load_template_file, time_settings=load_time_settings),
        auto=AutoScheduleService(uow, remote, clock, notifier=notifier, solve_options=solve_options,
                                 in_flight_lease=in_flight_lease),
        sync=SyncService(uow, crossmark, clock, retaillink) if crossmark is not None else None,
        team_review=TeamReviewService(uow, clock),
        store_settings=StoreSettingsService(uow, clock),
    )


CROSSMARK_KEYS = ("crossmark_username", "crossmark_password")
RETAILLINK_KEYS = ("walmart_edr_username", "walmart_edr_password", "walmart_edr_mfa_credential_id")


def in_flight_lease(settings: Settings) -> timedelta:
    """How long a Crossmark change being sent is left to its sender: two call timeouts and a margin
    (a push is sent once; its answer can take at most the timeout)."""
    return timedelta(seconds=2 * settings.external_api_timeout + 2)


def stored_credentials(uow_factory: UnitOfWorkFactory, keys: tuple[str, ...]) -> dict[str, str]:
    """Credentials an admin stored from Slack (decrypted), read in one transaction; {} when the
    database or the key cannot give them."""
    try:
        with uow_factory() as uow:
            stored = uow.settings.all(DEFAULT_STORE_ID)
    except Exception:
        log.warning("stored credentials could not be read", exc_info=True)
        return {}
    return {key: stored[key] for key in keys if stored.get(key)}


def make_crossmark(settings: Settings, uow: UnitOfWorkFactory) -> CrossmarkPort | None:
    """The Crossmark adapter from the environment, else from stored credentials; None without both."""
    from integrations.crossmark.adapter import CrossmarkAdapter

    username, password = settings.external_api_username, settings.external_api_password.reveal()
    if not (username and password):
        stored = stored_credentials(uow, CROSSMARK_KEYS)
        username = username or stored.get("crossmark_username", "")
        password = password or stored.get("crossmark_password", "")
    if not (username and password):
        return None
    return CrossmarkAdapter(settings.external_api_base_url, username, password,
                            timezone=settings.external_api_timezone, timeout=settings.external_api_timeout)


def make_retaillink(settings: Settings, uow: UnitOfWorkFactory) -> RetailLinkPort | None:
    """The Retail Link adapter (session kept encrypted in the settings table); None without a login."""
    from integrations.retaillink.adapter import RetailLinkAdapter
    from integrations.retaillink.settings_store import SettingsSessionStore

    username, password = settings.walmart_edr_username, settings.walmart_edr_password.reveal()
    credential = settings.walmart_edr_mfa_credential_id
    if not (username and password and credential):
        stored = stored_credentials(uow, RETAILLINK_KEYS)
        username = username or stored.get("walmart_edr_username", "")
        password = password or stored.get("walmart_edr_password", "")
        credential = credential or stored.get("walmart_edr_mfa_credential_id", "")
    if not (username and password):
        return None
    return RetailLinkAdapter(settings.walmart_login_base_url, settings.walmart_edr_base_url, username,
                             password, credential, store=SettingsSessionStore(uow))


def load_template_file(path: str) -> bytes | None:
    """Paperwork template bytes: a path relative to the shipped templates folder, or absolute."""
    candidates = [Path(path)]
    shipped = {Path(t.path).name: Path(t.path) for t in shipped_templates()}
    if Path(path).name in shipped:
        candidates.append(shipped[Path(path).name])
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_bytes()
    return None


def make_secret_box(settings: Settings) -> SecretBox:
    """The MultiFernet box of ``SETTINGS_ENCRYPTION_KEY``, or a box that refuses when it is unset."""
    keys = settings.settings_encryption_key.reveal()
    if not keys:
        log.warning("SETTINGS_ENCRYPTION_KEY is not set; stored credentials are unavailable")
        return MissingKeyBox()
    return FernetSecretBox(keys)


def ensure_store(settings: Settings, uow_factory: UnitOfWorkFactory, engine: Engine | None = None) -> None:
    """Keep the default store's number and timezone in line with the settings, and give a new
    store the paperwork templates that ship with schedbot. A SQL database that is not migrated to
    the shipped revision is refused with the command that fixes it."""
    if engine is not None:
        problem = migrate.pending(engine)
        if problem is not None:
            raise InvalidInput(f"The database is not ready ({problem}): run `schedbot db upgrade` first.")
    with uow_factory() as uow:
        store = uow.stores.get(DEFAULT_STORE_ID)
        if store is None:
            uow.stores.add(Store(id=DEFAULT_STORE_ID, number=settings.store_number,
                                 name=f"Sam's Club {settings.store_number}",
                                 timezone=settings.store_timezone))
        elif (store.number, store.timezone) != (settings.store_number, settings.store_timezone):
            store.number = settings.store_number
            store.name = f"Sam's Club {settings.store_number}"
            store.timezone = settings.store_timezone
            uow.stores.update(store)
        if not uow.templates.list(store_id=DEFAULT_STORE_ID):
            for t in shipped_templates():
                uow.templates.add(PaperworkTemplate(id=0, name=t.name, path=Path(t.path).name,
                                                    category=t.category, display_order=t.display_order))
        uow.commit()


def slack_token_provider(settings: Settings, uow: UnitOfWorkFactory,
                         installations: AsyncInstallationStore | None) -> Callable[[], str]:
    """The bot token for work without an incoming request: SLACK_BOT_TOKEN, or in OAuth mode the
    stored installation's token (refreshed by the installation store when it rotates)."""
    if not settings.slack_client_id or installations is None:
        return settings.slack_bot_token.reveal

    def from_installation() -> str:
        from bot.jobs.slack_token import InstallationToken

        with uow() as unit:
            links = unit.slack_links.list(store_id=DEFAULT_STORE_ID)
        team = next((link.team_id for link in links if link.team_id), None)
        return InstallationToken(installations, settings, team)()

    return from_installation


def migrate_database(url: str, action: str, revision: str | None) -> str:
    """``schedbot db upgrade|downgrade|current``: the revision the database is at afterwards."""
    if action == "upgrade":
        migrate.upgrade(url, revision or "head")
    elif action == "downgrade":
        if not revision:
            raise InvalidInput("schedbot db downgrade needs a revision (e.g. base)")
        migrate.downgrade(url, revision)
    return migrate.current(url) or "base"


def require_schema(url: str) -> None:
    """Refuse a database that has no schedbot schema yet, with the command that fixes it."""
    from integrations.legacy.reader import describe

    if migrate.current(url) is None:
        raise InvalidInput(f"The schedbot database {describe(url)} has no schema yet: run "
                           "`schedbot db upgrade` first.")


def read_legacy_database(url: str) -> tuple[LegacyData, str]:
    """The legacy web app's data (read-only) and a printable name of where it came from."""
    from integrations.legacy.reader import describe, read_legacy

    return read_legacy(url), describe(url)


def legacy_secret_box(key: str | None) -> SecretBox | None:
    """The box that decrypts the legacy app's stored credentials, when its key is given."""
    if not key:
        return None
    try:
        return FernetSecretBox(key)
    except ValueError as exc:
        raise InvalidInput(f"--legacy-key: {exc}", {"legacy_key": str(exc)}) from None


def rotate_stored_secrets(settings: Settings) -> int:
    """Re-encrypt every stored secret under the first key of ``SETTINGS_ENCRYPTION_KEY``."""
    from integrations.db.secret_rotation import rotate_secrets

    box = make_secret_box(settings)
    if not isinstance(box, FernetSecretBox):
        raise InvalidInput("SETTINGS_ENCRYPTION_KEY is not set.")
    engine = make_engine(settings.database_url)
    try:
        return rotate_secrets(make_session_factory(engine), box)
    finally:
        engine.dispose()
