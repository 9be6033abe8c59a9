"""The MVRetail session: PHPSESSID login, re-login when the session expires, JSON decoding."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from core.errors import RemoteError
from integrations.crossmark.wire import answer_message
from integrations.http.breaker import Monotonic
from integrations.http.resilience import ResilientHttp, decode_json

log = logging.getLogger("integrations.crossmark")

UPSTREAM = "Crossmark"
SESSION_COOKIE = "PHPSESSID"
BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")
LOGIN_PATH = "/login/authenticate"


class MVRetailSession:
    """Authenticated access to MVRetail.

    Logs in lazily, re-logs in when the session is older than ``max_age`` seconds, and retries a call
    once after a fresh login when MVRetail answers 401/403, redirects to its login page or serves the
    login form. The password lives only in this object and in the login request body.
    """

    def __init__(self, http: ResilientHttp, base_url: str, username: str, password: str, *,
                 login_timezone: str, max_age: float = 3600.0,
                 monotonic: Monotonic = time.monotonic) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password = password
        self.login_timezone = login_timezone
        self.max_age = max_age
        self._monotonic = monotonic
        self._session_id: str | None = None
        self._logged_in_at = 0.0
        self._lock = threading.RLock()
        self.logins = 0

    def __repr__(self) -> str:
        return f"MVRetailSession(base_url={self.base_url!r}, username={self.username!r})"

    @property
    def active(self) -> bool:
        """True while a session cookie is held and younger than ``max_age``."""
        return self._session_id is not None and self._monotonic() - self._logged_in_at < self.max_age

    def login(self) -> None:
        """``POST /login/authenticate``; keeps the PHPSESSID. Raises RemoteError on refusal."""
        with self._lock:
            self._login()

    def _login(self) -> None:
        self._session_id = None
        response = self.http.send("POST", LOGIN_PATH, idempotent=True, headers=self._headers("/login"),
                                  json_body={"UserType": "MVEntityUser", "UserID": self.username,
                                             "Password": self._password, "Timezone": self.login_timezone})
        status = response.status_code
        if status in (401, 403):
            raise RemoteError("Crossmark rejected the username or password")
        redirected_to_login = 300 <= status < 400 and "login" in response.headers.get("location", "").lower()
        if not (200 <= status < 400) or redirected_to_login:
            raise RemoteError(f"Crossmark login failed ({status})")
        if _json_says_failed(response):
            raise RemoteError("Crossmark rejected the username or password")
        session_id = response.cookies.get(SESSION_COOKIE) or self.http.client.cookies.get(SESSION_COOKIE)
        if not session_id:
            raise RemoteError("Crossmark login returned no session")
        self._session_id = session_id
        self._logged_in_at = self._monotonic()
        self.logins += 1
        log.info("Crossmark: logged in as %s", self.username)

    def logout(self) -> None:
        """``GET /logout`` (errors ignored) and forget the session."""
        if self._session_id is not None:
            try:
                self._send_once("GET", "/logout", True, "/planning/", None, None, None)
            except RemoteError:
                log.info("Crossmark: logout failed; session dropped locally")
        self._session_id = None

    def send(self, method: str, url: str, *, idempotent: bool, referer: str = "/planning/",
             params: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None,
             files: Mapping[str, Any] | None = None) -> httpx.Response:
        """A call inside the session; re-logs in and retries once when the session has expired.

        Concurrent callers share one login: a caller whose session was already renewed by another
        thread just retries with the new cookie.
        """
        with self._lock:
            if not self.active:
                self._login()
            used = self._session_id
        response = self._send_once(method, url, idempotent, referer, params, data, files)
        if not _session_expired(response):
            return response
        log.info("Crossmark: session expired (%s %s -> %d); logging in again", method,
                 response.request.url.path, response.status_code)
        with self._lock:
            if self._session_id == used or not self.active:
                self._login()
        response = self._send_once(method, url, idempotent, referer, params, data, files)
        if _session_expired(response):
            raise RemoteError("Crossmark keeps refusing the session right after a fresh login")
        return response

    def call(self, method: str, url: str, *, idempotent: bool, referer: str = "/planning/",
             params: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None,
             files: Mapping[str, Any] | None = None) -> Any:
        """:meth:`send`, then require a 2xx and decode its JSON body (labelled text/html or not)."""
        response = self.send(method, url, idempotent=idempotent, referer=referer, params=params,
                             data=data, files=files)
        if not 200 <= response.status_code < 300:
            detail = _failure_detail(response)
            raise RemoteError(f"Crossmark refused {method} {response.request.url.path} "
                              f"({response.status_code}){detail}")
        return decode_json(response, UPSTREAM)

    def _send_once(self, method: str, url: str, idempotent: bool, referer: str,
                   params: Mapping[str, Any] | None, data: Mapping[str, Any] | None,
                   files: Mapping[str, Any] | None) -> httpx.Response:
        headers = self._headers(referer)
        if self._session_id:
            headers["cookie"] = f"{SESSION_COOKIE}={self._session_id}"
        response = self.http.send(method, url, idempotent=idempotent, headers=headers, params=params,
                                  data=data, files=files)
        rotated = response.cookies.get(SESSION_COOKIE)
        if rotated:
            self._session_id = rotated
        return response

    def _headers(self, referer: str) -> dict[str, str]:
        return {"accept": "application/json, text/javascript, */*; q=0.01", "user-agent": BROWSER_UA,
                "x-requested-with": "XMLHttpRequest", "origin": self.base_url,
                "referer": f"{self.base_url}{referer}"}


def _session_expired(response: httpx.Response) -> bool:
    status = response.status_code
    if status in (401, 403):
        return True
    if 300 <= status < 400:
        return "login" in response.headers.get("location", "").lower()
    content_type = response.headers.get("content-type", "")
    if status == 200 and "html" in content_type and not response.content.lstrip().startswith((b"{", b"[")):
        body = response.content.lower()
        return LOGIN_PATH.encode() in body and b'type="password"' in body
    return False


def _failure_detail(response: httpx.Response) -> str:
    try:
        message = answer_message(decode_json(response, UPSTREAM))
    except RemoteError:
        return ""
    return f": {message}" if message else ""


def _json_says_failed(response: httpx.Response) -> bool:
    try:
        payload = decode_json(response, UPSTREAM)
    except RemoteError:
        return False
    return isinstance(payload, Mapping) and payload.get("success") is False
