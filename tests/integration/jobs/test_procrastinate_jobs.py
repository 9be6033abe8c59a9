"""The approval job on PostgreSQL through procrastinate: the schema comes with our migrations, a
worker pushes each proposal exactly once and redraws the message, and a job left ``doing`` by a
dead worker (mid-approval) is queued again and finished without booking anything twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import text

from bot.bootstrap import build
from bot.container import Container
from bot.jobs.tasks import enqueue_approval
from bot.settings import Secret, Settings
from core.errors import Conflict
from core.model import ProposalStatus, RunStatus
from core.services.approvals import ApprovalResult
from devtools.fake_slack import FakeSlack
from integrations.crypto import FernetSecretBox
from integrations.db.engine import make_engine
from integrations.jobs.procrastinate_queue import ProcrastinateQueue
from tests.fakes.clock import FixedClock
from tests.fakes.crossmark import FakeCrossmark, RemoteSchedule
from tests.fakes.notifier import FakeNotifier
from tests.integration.scheduling.test_sql_autoschedule import _club
from tests.unit.scheduling.builders import FAST, MANAGER, NOW, at

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("migrated_url", ["postgres"], indirect=True)]

CHANNEL = "C0TEAM"
PROPOSALS = 10


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(users=[]) as fake:
        yield fake


@pytest.fixture
def container(migrated_url: str, fake_slack: FakeSlack, secret_box: FernetSecretBox) -> Iterator[Container]:
    settings = Settings(database_url=migrated_url, slack_bot_token=Secret("xoxb-test"),
                        slack_api_url=fake_slack.base_url)
    crossmark = FakeCrossmark()  # the club's confirmed Freeosk event, which the run releases
    crossmark.schedules["X20"] = RemoteSchedule("X20", 31000020, "1576", at(5, "10:00"), at(5, "10:30"))
    box = build(settings, secret_box=secret_box, clock=FixedClock(NOW), crossmark=crossmark,
                retaillink=None, notifier=FakeNotifier(), solve_options=FAST, prepare_store=False)
    _club().seed(box.uow_factory)
    yield box
    box.close()


def queue_of(container: Container) -> ProcrastinateQueue:
    assert isinstance(container.jobs, ProcrastinateQueue)
    return container.jobs


def crossmark_of(container: Container) -> FakeCrossmark:
    assert isinstance(container.crossmark, FakeCrossmark)
    return container.crossmark


def run_worker_until_empty(container: Container, timeout: float = 90.0) -> None:
    """A worker in a thread that stops once the queue is empty (as another process would run)."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            queue_of(container).run_worker(concurrency=2, wait=False)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work, name="test-worker")
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the worker did not drain the queue"
    assert not errors, errors


def sql(container: Container, query: str, **params: Any) -> list[Any]:
    engine = make_engine(container.settings.database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(query), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def post_proposal(fake: FakeSlack) -> tuple[str, str]:
    """The proposal message the job redraws: (channel, ts)."""
    answer = WebClient(token="xoxb-test", base_url=fake.base_url).chat_postMessage(channel=CHANNEL,
                                                                                    text="proposal")
    return str(answer["channel"]), str(answer["ts"])


def test_the_migrations_create_the_job_queue_schema(container: Container) -> None:
    tables = {row[0] for row in sql(container, "SELECT tablename FROM pg_tables "
                                               "WHERE tablename LIKE 'procr%'")}
    assert {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"} <= tables
    assert not container.jobs_in_process


def test_a_worker_runs_the_approval_job_pushing_each_proposal_once(container: Container,
                                                                   fake_slack: FakeSlack) -> None:
    run_id = container.services.auto.run(MANAGER).run_id
    enqueue_approval(container, MANAGER, run_id, None, post_proposal(fake_slack))
    [(state, lock)] = sql(container, "SELECT status::text, lock FROM procrastinate_jobs")
    assert (state, lock) == ("todo", "store-1")
    assert crossmark_of(container).calls_to("schedule") == []  # the web side only enqueued

    run_worker_until_empty(container)

    summary = container.services.auto.summary(run_id)
    assert summary.status == RunStatus.APPROVED.value
    assert len(crossmark_of(container).calls_to("schedule")) == PROPOSALS
    with container.uow_factory() as uow:
        assert sum(p.status is ProposalStatus.PUSHED for p in uow.proposals.for_run(run_id)) == PROPOSALS
        assert len(uow.assignments.list()) == PROPOSALS
    assert sql(container, "SELECT id FROM procrastinate_jobs WHERE status IN ('todo', 'doing')") == []
    final = fake_slack.wait_for("chat.update", 1, timeout=10)[-1]
    assert "Approving" not in str(final.params.get("blocks"))


class Crash(BaseException):
    """The worker process dies (nothing in the approval catches it)."""


class DieAfter:
    """An approval progress that kills its "process" after ``units`` units are settled."""

    def __init__(self, units: int) -> None:
        self.units = units

    def done(self, settled: int, total: int) -> None:
        if settled >= self.units:
            raise Crash

    def finished(self, result: ApprovalResult) -> None:
        ...


def test_a_job_whose_worker_died_mid_approval_is_run_again_without_double_booking(
        container: Container) -> None:
    service = container.services.auto
    run_id = service.run(MANAGER).run_id
    enqueue_approval(container, MANAGER, run_id, None, None)
    # a worker took the job, pushed 4 proposals, and died; its heartbeat stopped an hour ago
    [(worker_id,)] = sql(container, "INSERT INTO procrastinate_workers (last_heartbeat) "
                                    "VALUES (NOW() - INTERVAL '1 hour') RETURNING id")
    sql(container, "UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w, attempts = 0",
        w=worker_id)
    with pytest.raises(Crash):
        service.approve(MANAGER, run_id, progress=DieAfter(4))
    assert service.summary(run_id).status == RunStatus.APPROVING.value
    pushed_before = len(crossmark_of(container).calls_to("schedule"))
    assert 0 < pushed_before < PROPOSALS

    run_worker_until_empty(container)  # recovers the stalled job at start, then runs it

    assert service.summary(run_id).status == RunStatus.APPROVED.value
    calls = crossmark_of(container).calls_to("schedule")
    assert len(calls) == PROPOSALS  # the 4 already pushed were not sent again
    with container.uow_factory() as uow:
        props = uow.proposals.for_run(run_id)
        assert sum(p.status is ProposalStatus.PUSHED for p in props) == PROPOSALS
        assert len(uow.assignments.list()) == PROPOSALS
    assert sql(container, "SELECT id FROM procrastinate_jobs WHERE status IN ('todo', 'doing')") == []
    with pytest.raises(Conflict):
        service.approve(MANAGER, run_id)

