"""Acks beat Slack's 3 s deadline under load; a redelivered event has exactly one effect."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bot.bootstrap import build
from bot.container import Container
from bot.edge.asgi import create_asgi_app
from bot.slack.app import build_app
from tests.e2e.slack.conftest import ACK_DEADLINE_SECONDS, add_test_listeners
from tests.e2e.slack.support import Probe, ServerThread
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.uow import FakeDatabase, FakeUnitOfWork

Post = Callable[[SignedRequest], httpx.Response]
USERS = ("U0ANA", "U0BOB", "U0ADMIN", "U0OWNER", "U0GHOST")


def mixed_requests(slack: SlackRequests, n: int) -> list[SignedRequest]:
    """Commands, button clicks and events in turn, each doing 1 s of work after the ack."""
    out = []
    for i in range(n):
        user = USERS[i % len(USERS)]
        kind = i % 3
        if kind == 0:
            out.append(slack.slash_command("nap", user_id=user))
        elif kind == 1:
            out.append(slack.block_actions("nap_button", value=str(i), user_id=user))
        else:
            out.append(
                slack.event(
                    {
                        "type": "app_mention",
                        "user": user,
                        "text": "nap",
                        "channel": "C0TEAM",
                        "ts": f"{int(time.time())}.{i:06d}",
                    }
                )
            )
    return out


async def fire(url: str, requests: list[SignedRequest], concurrency: int) -> list[int]:
    """POST every request with ``concurrency`` in flight; status codes (a timeout raises)."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=ACK_DEADLINE_SECONDS, limits=limits) as client:

        async def one(req: SignedRequest) -> int:
            async with gate:
                response = await client.post(f"{url}/slack/events", content=req.body, headers=req.headers)
                return response.status_code

        return list(await asyncio.gather(*(one(r) for r in requests)))


def test_200_mixed_requests_at_concurrency_20_are_all_acked_within_the_deadline(
    server: ServerThread, slack: SlackRequests, probe: Probe
) -> None:
    statuses = asyncio.run(fire(server.url, mixed_requests(slack, 200), concurrency=20))

    assert statuses == [200] * 200
    probe.wait("nap", 67, timeout=60)
    probe.wait("nap_button", 67, timeout=60)
    probe.wait("app_mention", 66, timeout=60)


class StalledDatabase:
    """A unit-of-work factory whose transactions hang until released (a locked or dead database)."""

    def __init__(self, database: FakeDatabase) -> None:
        self.database = database
        self.release = threading.Event()

    def __call__(self) -> FakeUnitOfWork:
        self.release.wait(timeout=30)
        return FakeUnitOfWork(self.database)


@pytest.fixture
def stalled(
    container: Container, database: FakeDatabase, probe: Probe
) -> Iterator[tuple[ServerThread, StalledDatabase]]:
    stall = StalledDatabase(database)
    stalled_container = build(container.settings, uow_factory=stall, crossmark=None, retaillink=None)
    app = build_app(stalled_container)
    add_test_listeners(app, probe)
    running = ServerThread(create_asgi_app(stalled_container, app)).start()
    yield running, stall
    stall.release.set()
    running.stop()
    stalled_container.close()


def test_requests_are_acked_within_the_deadline_while_the_database_is_stalled(
    stalled: tuple[ServerThread, StalledDatabase], slack: SlackRequests, probe: Probe
) -> None:
    running, stall = stalled

    statuses = asyncio.run(fire(running.url, mixed_requests(slack, 30), concurrency=10))

    assert statuses == [200] * 30
    stall.release.set()
    probe.wait("nap", 10, timeout=60)


def _mention(slack: SlackRequests, event_id: str, retry: int | None = None) -> SignedRequest:
    return slack.event(
        {
            "type": "app_mention",
            "user": "U0ANA",
            "text": "hello",
            "channel": "C0TEAM",
            "ts": "1700000000.000100",
        },
        event_id=event_id,
        retry_num=retry,
    )


def _barrier(post: Post, slack: SlackRequests, probe: Probe) -> None:
    post(
        slack.event(
            {
                "type": "reaction_added",
                "user": "U0ANA",
                "reaction": "thumbsup",
                "item": {"type": "message", "channel": "C0TEAM", "ts": "1700000000.000100"},
            }
        )
    )
    probe.wait("barrier")


def test_event_delivered_four_times_two_concurrently_has_exactly_one_effect(
    post: Post, slack: SlackRequests, probe: Probe, database: FakeDatabase
) -> None:
    async def twice() -> list[int]:
        return [
            status
            for status in await asyncio.gather(
                asyncio.to_thread(lambda: post(_mention(slack, "Ev0DUPLICATE")).status_code),
                asyncio.to_thread(lambda: post(_mention(slack, "Ev0DUPLICATE")).status_code),
            )
        ]

    first_two = asyncio.run(twice())
    third = post(_mention(slack, "Ev0DUPLICATE", retry=1)).status_code
    fourth = post(_mention(slack, "Ev0DUPLICATE", retry=2)).status_code
    _barrier(post, slack, probe)

    assert [*first_two, third, fourth] == [200, 200, 200, 200]
    assert [c["event_id"] for c in probe.of("app_mention")] == ["Ev0DUPLICATE"]
    assert "Ev0DUPLICATE" in database.snapshot("processed_events")


def test_different_events_are_all_processed(post: Post, slack: SlackRequests, probe: Probe) -> None:
    for event_id in ("Ev0A", "Ev0B", "Ev0C"):
        assert post(_mention(slack, event_id)).status_code == 200

    seen: list[Any] = sorted(c["event_id"] for c in probe.wait("app_mention", 3))
    assert seen == ["Ev0A", "Ev0B", "Ev0C"]
