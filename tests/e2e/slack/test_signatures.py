"""Request verification: only correctly signed, fresh requests reach a listener."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from bot.edge.asgi import header_problem
from tests.e2e.slack.support import CANARY_SIGNING_SECRET, Probe
from tests.fakes.slack_requests import (
    EXAMPLE_BODY,
    EXAMPLE_SECRET,
    EXAMPLE_SIGNATURE,
    EXAMPLE_TIMESTAMP,
    SignedRequest,
    SlackRequests,
    sign,
)

Post = Callable[[SignedRequest], httpx.Response]


class _FrozenClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_slacks_published_example_passes_the_verifier() -> None:
    verifier = SignatureVerifier(EXAMPLE_SECRET, clock=_FrozenClock(float(EXAMPLE_TIMESTAMP)))

    assert sign(EXAMPLE_SECRET, EXAMPLE_TIMESTAMP, EXAMPLE_BODY) == EXAMPLE_SIGNATURE
    assert verifier.is_valid(EXAMPLE_BODY, EXAMPLE_TIMESTAMP, EXAMPLE_SIGNATURE)
    headers = {"x-slack-request-timestamp": EXAMPLE_TIMESTAMP, "x-slack-signature": EXAMPLE_SIGNATURE}
    assert header_problem(headers, now=float(EXAMPLE_TIMESTAMP)) is None


def _now() -> int:
    return int(time.time())


def _bad_requests(slack: SlackRequests) -> dict[str, SignedRequest]:
    good = slack.slash_command("probe")
    return {
        "missing timestamp": good.with_headers(x_slack_request_timestamp=None),
        "missing signature": good.with_headers(x_slack_signature=None),
        "old by 301 s": slack.signed(good.body, "application/x-www-form-urlencoded", timestamp=_now() - 301),
        "future by 330 s": slack.signed(
            good.body, "application/x-www-form-urlencoded", timestamp=_now() + 330
        ),
        "non-numeric timestamp": good.with_headers(x_slack_request_timestamp="12:30pm"),
        "negative timestamp": good.with_headers(x_slack_request_timestamp="-5"),
        "tampered body": good.with_body(good.body.replace(b"probe", b"probf")),
        "wrong prefix": good.with_headers(
            x_slack_signature=good.headers["x-slack-signature"].replace("v0=", "v1=")
        ),
        "old secret": slack.signed(
            good.body, "application/x-www-form-urlencoded", secret="an-old-rotated-signing-secret"
        ),
        "empty signature hash": good.with_headers(x_slack_signature="v0="),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing timestamp",
        "missing signature",
        "old by 301 s",
        "future by 330 s",
        "non-numeric timestamp",
        "negative timestamp",
        "tampered body",
        "wrong prefix",
        "old secret",
        "empty signature hash",
    ],
)
def test_badly_signed_request_is_refused_401_and_reaches_no_listener(
    case: str, post: Post, slack: SlackRequests, probe: Probe
) -> None:
    response = post(_bad_requests(slack)[case])

    assert response.status_code == 401
    post(slack.slash_command("probe barrier"))
    calls = probe.wait("probe")
    assert [c["args"] for c in calls] == [("barrier",)]


def test_request_signed_290_seconds_ago_is_accepted(post: Post, slack: SlackRequests, probe: Probe) -> None:
    good = slack.slash_command("probe")
    response = post(slack.signed(good.body, "application/x-www-form-urlencoded", timestamp=_now() - 290))

    assert response.status_code == 200
    probe.wait("probe")


def test_url_verification_echoes_the_challenge(post: Post, slack: SlackRequests) -> None:
    response = post(slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))

    assert response.status_code == 200
    assert json.loads(response.text) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_unsigned_url_verification_is_refused(post: Post, slack: SlackRequests) -> None:
    request = slack.url_verification("abc").with_headers(x_slack_signature=None)

    assert post(request).status_code == 401


def test_signature_made_with_the_current_secret_is_what_the_builder_produces(slack: SlackRequests) -> None:
    request = slack.slash_command("help")
    ts = request.headers["x-slack-request-timestamp"]

    assert request.headers["x-slack-signature"] == sign(CANARY_SIGNING_SECRET, ts, request.body)


def test_oversized_body_is_refused_before_verification(post: Post, slack: SlackRequests) -> None:
    big = slack.signed(b"x" * 1_000_001, "application/x-www-form-urlencoded")

    assert post(big).status_code == 413
