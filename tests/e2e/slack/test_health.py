"""``GET /health``: 200 with the scheduler's last runs when the database answers, else 503."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import app_version, create_asgi_app, header_problem
from tests.e2e.slack.support import ServerThread
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork


def test_health_is_ok_with_unknown_scheduler_before_any_job_ran(server: ServerThread) -> None:
    response = httpx.get(f"{server.url}/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": "unknown",
        "version": app_version(),
    }


def test_health_lists_the_last_run_of_each_job(server: ServerThread, database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        assert uow.job_ledger.claim("packet", "2025-10-01", 1)
        uow.job_ledger.finish("packet", "2025-10-01", 1, "completed", None)
        uow.commit()

    scheduler = httpx.get(f"{server.url}/health").json()["scheduler"]

    assert scheduler["packet"]["period"] == "2025-10-01"
    assert scheduler["packet"]["status"] == "completed"
    assert datetime.fromisoformat(scheduler["packet"]["finished_at"]).tzinfo is not None


@pytest.fixture
def unhealthy(container: Container, bolt_app: object) -> Iterator[ServerThread]:
    def broken() -> bool:
        raise ConnectionError("database is down")

    sick = build(container.settings, uow_factory=container.uow_factory, health_check=broken)
    running = ServerThread(create_asgi_app(sick, bolt_app)).start()  # type: ignore[arg-type]
    yield running
    running.stop()
    sick.close()


def test_health_is_503_when_the_database_does_not_answer(unhealthy: ServerThread) -> None:
    response = httpx.get(f"{unhealthy.url}/health")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "unavailable"


def test_health_check_callable_returning_false_is_unhealthy(container: Container, bolt_app: object) -> None:
    sick = build(container.settings, uow_factory=container.uow_factory, health_check=lambda: False)
    running = ServerThread(create_asgi_app(sick, bolt_app)).start()  # type: ignore[arg-type]
    try:
        assert httpx.get(f"{running.url}/health").status_code == 503
    finally:
        running.stop()
        sick.close()


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({}, "missing timestamp"),
        ({"x-slack-request-timestamp": "abc"}, "malformed timestamp"),
        ({"x-slack-request-timestamp": "1000"}, "stale timestamp"),
        ({"x-slack-request-timestamp": "2000"}, "missing signature"),
        ({"x-slack-request-timestamp": "2000", "x-slack-signature": "sha256=ab"}, "malformed signature"),
        ({"x-slack-request-timestamp": "2000", "x-slack-signature": "v0=ab"}, None),
    ],
)
def test_header_precheck_names_the_problem(headers: dict[str, str], problem: str | None) -> None:
    assert header_problem(headers, now=2100.0) == problem
