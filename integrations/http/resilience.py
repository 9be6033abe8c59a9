"""Resilient HTTP calls: timeouts, retries with jittered backoff, Retry-After and a circuit breaker.

Rules (product.md §4, architecture.md §6):

* every call has the client's timeout;
* connect errors are retried for every call, since the request never left;
* 429/500/502/503/504, read timeouts and dropped connections are retried for idempotent calls only,
  with exponential backoff and jitter, honouring ``Retry-After`` (seconds or an HTTP date);
* a non-idempotent call whose outcome is unknown raises :class:`OutcomeUnknown` (a
  ``core.errors.RemoteOutcomeUnknown``) so the caller can check the remote state before deciding
  anything; it is never re-sent here (a 429 is the exception: nothing was done);
* only method, path, status and attempt are logged, never headers, cookies, tokens or bodies.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from core.errors import RemoteError, RemoteOutcomeUnknown
from integrations.http.breaker import CircuitBreaker
from integrations.http.redaction import install_header_redaction

log = logging.getLogger("integrations.http")

Sleep = Callable[[float], None]
WallClock = Callable[[], datetime]

NOT_SENT_ERRORS: tuple[type[httpx.HTTPError], ...] = (httpx.ConnectError, httpx.ConnectTimeout,
                                                     httpx.PoolTimeout)
MAYBE_SENT_ERRORS: tuple[type[httpx.HTTPError], ...] = (httpx.TimeoutException, httpx.NetworkError,
                                                       httpx.RemoteProtocolError)


class OutcomeUnknown(RemoteOutcomeUnknown):
    """A non-idempotent request may or may not have been applied (timeout, dropped reply, 5xx).

    A ``core.errors.RemoteOutcomeUnknown``, so core can catch it without knowing about HTTP.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry. ``max_attempts`` counts the first try."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 10.0
    max_retry_after: float = 120.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before retry number ``attempt`` (1-based): half fixed, half jitter, capped."""
        ceiling = min(self.max_delay, self.base_delay * float(2 ** (attempt - 1)))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), if valid."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def decode_json(response: httpx.Response, upstream: str) -> Any:
    """The JSON body whatever the Content-Type says (MVRetail labels JSON as text/html)."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RemoteError(
            f"{upstream} sent an unreadable answer to {response.request.method} {response.request.url.path}"
        ) from exc


class ResilientHttp:
    """Sends requests through one ``httpx.Client`` with the retry rules above and a circuit breaker."""

    def __init__(self, upstream: str, client: httpx.Client, *, policy: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None, sleep: Sleep = time.sleep,
                 rng: random.Random | None = None,
                 wall_clock: WallClock = lambda: datetime.now(UTC)) -> None:
        install_header_redaction()
        self.upstream = upstream
        self.client = client
        self.policy = policy or RetryPolicy()
        self.breaker = breaker or CircuitBreaker(upstream)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._wall_clock = wall_clock

    def send(self, method: str, url: str, *, idempotent: bool,
             headers: Mapping[str, str] | None = None, params: Mapping[str, Any] | None = None,
             data: Mapping[str, Any] | None = None, files: Mapping[str, Any] | None = None,
             json_body: Any = None) -> httpx.Response:
        """One logical call; returns the final response (any status not retried) or raises RemoteError.

        Retryable statuses that persist raise ``RemoteError``; other statuses (2xx, 3xx, 4xx) are
        returned for the caller to interpret.
        """
        attempt = 0
        while True:
            attempt += 1
            request = self.client.build_request(method, url, headers=headers, params=params, data=data,
                                                files=files, json=json_body)
            label = f"{method} {request.url.path}"
            self.breaker.before_call()
            try:
                response = self.client.send(request)
            except NOT_SENT_ERRORS as exc:
                self._failed(label, attempt, type(exc).__name__)
                if attempt >= self.policy.max_attempts:
                    raise RemoteError(f"{self.upstream} could not be reached ({label})") from exc
                self._wait(self.policy.backoff(attempt, self._rng))
                continue
            except MAYBE_SENT_ERRORS as exc:
                self._failed(label, attempt, type(exc).__name__)
                if not idempotent:
                    raise OutcomeUnknown(f"{self.upstream} did not answer {label}") from exc
                if attempt >= self.policy.max_attempts:
                    raise RemoteError(
                        f"{self.upstream} did not answer {label} after {attempt} attempts") from exc
                self._wait(self.policy.backoff(attempt, self._rng))
                continue
            except httpx.HTTPError as exc:
                self.breaker.record_failure()
                raise RemoteError(f"{self.upstream} request failed ({label})") from exc

            status = response.status_code
            if status not in self.policy.retry_statuses:
                self.breaker.record_success()
                log.debug("%s %s -> %d", self.upstream, label, status)
                return response
            self._failed(label, attempt, str(status))
            if status != 429 and not idempotent:
                raise OutcomeUnknown(f"{self.upstream} answered {status} to {label}")
            if attempt >= self.policy.max_attempts:
                raise RemoteError(f"{self.upstream} answered {status} to {label} after {attempt} attempts")
            delay = self._delay_for(response, attempt)
            if delay > self.policy.max_retry_after:
                raise RemoteError(f"{self.upstream} asked to wait {delay:.0f} s before retrying {label}")
            self._wait(delay)

    def _delay_for(self, response: httpx.Response, attempt: int) -> float:
        if response.status_code in (429, 503):
            hinted = parse_retry_after(response.headers.get("retry-after"), self._wall_clock())
            if hinted is not None:
                return hinted
        return self.policy.backoff(attempt, self._rng)

    def _failed(self, label: str, attempt: int, what: str) -> None:
        self.breaker.record_failure()
        log.warning("%s %s failed with %s (attempt %d/%d)", self.upstream, label, what, attempt,
                    self.policy.max_attempts)

    def _wait(self, seconds: float) -> None:
        log.info("%s: retrying in %.2f s", self.upstream, seconds)
        self._sleep(seconds)
