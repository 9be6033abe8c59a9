"""``core.ports.RetailLinkPort``: Walmart Retail Link login with SMS MFA, EDR reports and browse."""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

import httpx

from core.errors import InvalidInput, NeedsMfaCode, NotFound, RemoteError
from core.ports import EdrReport
from integrations.http.breaker import CircuitBreaker, Monotonic
from integrations.http.resilience import (
    OutcomeUnknown,
    ResilientHttp,
    RetryPolicy,
    Sleep,
    WallClock,
    decode_json,
)
from integrations.retaillink.session_store import (
    InMemoryRetailLinkSessionStore,
    RetailLinkSession,
    RetailLinkSessionStore,
    token_expiry,
)
from integrations.retaillink.wire import browse_reports, browse_request, edr_report

log = logging.getLogger("integrations.retaillink")

UPSTREAM = "Retail Link"
BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")
TOKEN_COOKIE = "auth-token"  # noqa: S105 - a cookie name
KEPT_COOKIES = frozenset({"_auth", "_refreshAuth", "RLSESSION", "RETAILLINKSESSION", "fcnRealm",
                          "TS01b1e5a6", "TS0111a950", "TS04fe286f027"})
PORTAL_WARMUP = (
    ("/rl_portal_services/api/Site/InsertRlPageDetails",
     {"pageId": "6", "pageSubId": "w6040", "pageSubDesc": "Event Management System"}),
    ("/rl_portal/", None),
    ("/EventManagement/", None),
)
SIX_DIGITS = re.compile(r"\d{6}")
MFA_FIELD = {"code": "Enter the 6-digit code from the SMS"}


class RetailLinkAdapter:
    """Retail Link Event Management client implementing ``RetailLinkPort``.

    :meth:`request_code` runs login steps 1-3 (the SMS is sent), :meth:`submit_code` steps 4-6 and
    keeps the bearer token with its expiry in ``store``. Without a valid token, :meth:`edr_report`
    and :meth:`browse` raise ``NeedsMfaCode``; so does a token Retail Link no longer accepts.
    """

    def __init__(self, login_base_url: str, edr_base_url: str, username: str, password: str,
                 mfa_credential_id: str, *, store: RetailLinkSessionStore | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None,
                 sleep: Sleep = time.sleep, monotonic: Monotonic = time.monotonic,
                 now: WallClock | None = None, policy: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None, rng: random.Random | None = None,
                 session_ttl: timedelta = timedelta(hours=4)) -> None:
        self.login_base_url = login_base_url.rstrip("/")
        self.edr_base_url = edr_base_url.rstrip("/")
        self.username = username
        self._password = password
        self.mfa_credential_id = mfa_credential_id
        self.store: RetailLinkSessionStore = store or InMemoryRetailLinkSessionStore()
        self.session_ttl = session_ttl
        self._now = now or (lambda: datetime.now(UTC))
        client = httpx.Client(timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False,
                              headers={"user-agent": BROWSER_UA})
        self.http = ResilientHttp(UPSTREAM, client, policy=policy,
                                  breaker=breaker or CircuitBreaker(UPSTREAM, monotonic=monotonic),
                                  sleep=sleep, rng=rng, wall_clock=self._now)
        self._code_pending = False
        self._failed_codes = 0

    def __repr__(self) -> str:
        return f"RetailLinkAdapter(login_base_url={self.login_base_url!r}, username={self.username!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections; the stored session stays in the store."""
        self.http.client.close()

    def has_session(self) -> bool:
        """True when the store holds a token that is not about to expire."""
        session = self.store.load()
        return session is not None and session.valid_at(self._now())

    def request_code(self) -> None:
        """Steps 1-3: open the login page, submit the password, have the SMS code sent."""
        self.http.client.cookies.clear()
        self._code_pending = False
        self._failed_codes = 0
        page = self.http.send("GET", f"{self.login_base_url}/login", idempotent=True,
                              headers={"accept": "text/html"})
        if page.status_code >= 400:
            raise RemoteError(f"Retail Link login page is unavailable ({page.status_code})")
        answer = self.http.send("POST", f"{self.login_base_url}/api/login", idempotent=True,
                                headers=self._json_headers(self.login_base_url),
                                json_body={"username": self.username, "password": self._password,
                                           "language": "en"})
        if answer.status_code in (401, 403):
            raise RemoteError("Retail Link rejected the username or password")
        if not 200 <= answer.status_code < 300:
            raise RemoteError(f"Retail Link login failed ({answer.status_code})")
        try:
            sent = self.http.send("POST", f"{self.login_base_url}/api/mfa/sendCode", idempotent=False,
                                  headers=self._json_headers(self.login_base_url),
                                  json_body={"type": "SMS_OTP", "credid": self.mfa_credential_id})
        except OutcomeUnknown as exc:
            raise RemoteError("Retail Link did not confirm sending the SMS code; ask for a new one") from exc
        if not 200 <= sent.status_code < 300:
            raise RemoteError(f"Retail Link could not send the SMS code ({sent.status_code})")
        self._code_pending = True
        self.store.save_pending({c.name: c.value for c in self.http.client.cookies.jar
                                 if c.value is not None})
        log.info("Retail Link: SMS code requested for %s", self.username)

    def submit_code(self, code: str) -> None:
        """Steps 4-6: check the code, open Event Management, keep the token. Wrong code → InvalidInput."""
        cleaned = re.sub(r"[\s-]", "", code or "")
        if not SIX_DIGITS.fullmatch(cleaned):
            raise InvalidInput("Invalid MFA code", MFA_FIELD)
        if not self._code_pending:
            self._resume_pending_login()
        if not self._code_pending:
            raise InvalidInput("No Retail Link code is pending; request a new code first", MFA_FIELD)
        try:
            checked = self.http.send("POST", f"{self.login_base_url}/api/mfa/validateCode", idempotent=False,
                                     headers=self._json_headers(self.login_base_url),
                                     json_body={"type": "SMS_OTP", "credid": self.mfa_credential_id,
                                                "code": cleaned, "failureCount": self._failed_codes})
        except OutcomeUnknown as exc:
            raise RemoteError("Retail Link did not answer the code check; request a new code") from exc
        if 400 <= checked.status_code < 500 or _says_invalid(checked):
            self._failed_codes += 1
            raise InvalidInput("Invalid MFA code", MFA_FIELD)
        if not 200 <= checked.status_code < 300:
            raise RemoteError(f"Retail Link could not check the code ({checked.status_code})")
        self._warm_up_portal()
        token = self._authenticate()
        now = self._now()
        expires_at = token_expiry(token) or now + self.session_ttl
        cookies = {c.name: c.value for c in self.http.client.cookies.jar
                   if c.name in KEPT_COOKIES and c.value is not None}
        self.store.save(RetailLinkSession(token=token, expires_at=expires_at, cookies=cookies))
        self.store.save_pending(None)
        self._code_pending = False
        self._failed_codes = 0
        log.info("Retail Link: session opened, valid until %s", expires_at.isoformat())

    def edr_report(self, event_number: str) -> EdrReport:
        """The Event Detail Report of one 6-digit event number."""
        number = event_number.strip()
        if not SIX_DIGITS.fullmatch(number):
            raise InvalidInput(f"{event_number!r} is not a 6-digit Walmart event number")
        session = self._valid_session()
        response = self.http.send("GET", f"{self.edr_base_url}/EventManagement/api/edrReport",
                                  idempotent=True, params={"id": number}, headers=self._bearer(session))
        self._require_authorized(response)
        if response.status_code == 404:
            raise NotFound(f"Retail Link has no event {number}")
        payload = self._json_2xx(response, "the EDR report")
        if not isinstance(payload, Mapping):
            raise RemoteError(f"Retail Link sent no report for event {number}")
        return edr_report(payload, number, self._now())

    def browse(self, start: date, end: date, store_number: str) -> list[EdrReport]:
        """Every event of a club between two dates (one bulk call), as reports with their items."""
        session = self._valid_session()
        response = self.http.send("POST", f"{self.edr_base_url}/EventManagement/api/browse-event/browse-data",
                                  idempotent=True, headers=self._bearer(session),
                                  json_body=browse_request(start, end, store_number))
        self._require_authorized(response)
        payload = self._json_2xx(response, "the event list")
        rows = payload.get("data") if isinstance(payload, Mapping) else payload
        if not isinstance(rows, list):
            raise RemoteError("Retail Link sent an event list in an unknown shape")
        return browse_reports(rows, self._now())

    # ---- helpers -------------------------------------------------------------------------------

    def _resume_pending_login(self) -> None:
        """Continue a login whose SMS code another process requested (the clock asks for the code,
        the web process receives it from a manager's modal)."""
        cookies = self.store.load_pending()
        if not cookies:
            return
        self.http.client.cookies.clear()
        for name, value in cookies.items():
            self.http.client.cookies.set(name, value)
        self._code_pending = True
        self._failed_codes = 0

    def _warm_up_portal(self) -> None:
        for path, params in PORTAL_WARMUP:
            try:
                self.http.send("GET", f"{self.edr_base_url}{path}", idempotent=True, params=params,
                               headers={"accept": "text/html,application/json"})
            except RemoteError:
                log.info("Retail Link: %s skipped", path)

    def _authenticate(self) -> str:
        response = self.http.send("GET", f"{self.edr_base_url}/EventManagement/api/authenticate",
                                  idempotent=True, headers=self._json_headers(self.edr_base_url))
        if not 200 <= response.status_code < 300:
            raise RemoteError(f"Retail Link refused to open Event Management ({response.status_code})")
        token = _token_from_cookie(response.cookies.get(TOKEN_COOKIE))
        if token is None:
            try:
                body = decode_json(response, UPSTREAM)
            except RemoteError:
                body = None
            if isinstance(body, Mapping) and isinstance(body.get("token"), str) and body["token"]:
                token = str(body["token"])
        if token is None:
            raise RemoteError("Retail Link did not hand out a session token")
        return token

    def _valid_session(self) -> RetailLinkSession:
        session = self.store.load()
        if session is None or not session.valid_at(self._now()):
            raise NeedsMfaCode("Retail Link needs a new SMS code before EDRs can be fetched")
        return session

    def _require_authorized(self, response: httpx.Response) -> None:
        if response.status_code in (401, 403):
            self.store.clear()
            raise NeedsMfaCode("Retail Link ended the session; it needs a new SMS code")

    def _json_2xx(self, response: httpx.Response, what: str) -> Any:
        if not 200 <= response.status_code < 300:
            raise RemoteError(f"Retail Link could not deliver {what} ({response.status_code})")
        return decode_json(response, UPSTREAM)

    def _bearer(self, session: RetailLinkSession) -> dict[str, str]:
        headers = self._json_headers(self.edr_base_url)
        headers["authorization"] = f"Bearer {session.token}"
        headers["referer"] = f"{self.edr_base_url}/EventManagement/browse-event"
        if session.cookies:
            pairs = sorted(session.cookies.items())
            headers["cookie"] = "; ".join(f"{name}={value}" for name, value in pairs)
        return headers

    @staticmethod
    def _json_headers(base: str) -> dict[str, str]:
        return {"accept": "application/json, text/plain, */*", "origin": base, "referer": f"{base}/"}


def _token_from_cookie(raw: str | None) -> str | None:
    if not raw:
        return None
    text = unquote(raw.strip().strip('"'))
    try:
        data = json.loads(text)
    except ValueError:
        return None
    token = data.get("token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def _says_invalid(response: httpx.Response) -> bool:
    try:
        payload = decode_json(response, UPSTREAM)
    except RemoteError:
        return False
    return isinstance(payload, Mapping) and (payload.get("valid") is False or payload.get("success") is False)
