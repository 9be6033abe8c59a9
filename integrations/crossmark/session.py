"""The MVRetail session: PHPSESSID login, re-login when the session expires, JSON decoding.

MVRetail shows an expired session in several ways: 401/403, a redirect to ``/login``, or a 200 HTML
page (its login form, or a "your session has ended" page) in place of the JSON a call expects. It
does not execute a request it answers that way, so the request is sent again, once, after a fresh
login — even a non-idempotent one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from core.errors import RemoteError, RemoteOutcomeUnknown
from integrations.crossmark.wire import answer_message
from integrations.http.breaker import Monotonic
from integrations.http.resilience import ResilientHttp, decode_json

log = logging.getLogger("integrations.crossmark")

UPSTREAM = "Crossmark"
SESSION_COOKIE = "PHPSESSID"
BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")
LOGIN_PATH = "/login/authenticate"
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body")
HTML_SNIFF_BYTES = 4096


class MVRetailSession:
    """Authenticated access to MVRetail.

    Logs in lazily, re-logs in when the session is older than ``max_age`` seconds, and repeats a call
    once after a fresh login when MVRetail answers 401/403, redirects to its login page, serves the
    login form, or — for a call that expects JSON — answers 200 with any HTML page. The password
    lives only in this object and in the login request body.
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

    def send(self, method: str, url: str, *, idempotent: bool, expect_json: bool = False,
             referer: str = "/planning/", params: Mapping[str, Any] | None = None,
             data: Mapping[str, Any] | None = None,
             files: Mapping[str, Any] | None = None) -> httpx.Response:
        """A call inside the session; re-logs in and repeats it once when the session has expired.

        With ``expect_json`` (an AJAX endpoint) a 2xx HTML page also means the session ended; without
        it (documents such as sales-tool PDFs, whose error pages are HTML) only MVRetail's login form
        does. Concurrent callers share one login: a caller whose session was already renewed by
        another thread just repeats the call with the new cookie.
        """
        with self._lock:
            if not self.active:
                self._login()
            used = self._session_id
        response = self._send_once(method, url, idempotent, referer, params, data, files)
        if not _session_expired(response, expect_json):
            return response
        log.info("Crossmark: session expired (%s %s -> %d); logging in again", method,
                 response.request.url.path, response.status_code)
        with self._lock:
            if self._session_id == used or not self.active:
                self._login()
        response = self._send_once(method, url, idempotent, referer, params, data, files)
        if _session_expired(response, expect_json):
            if 200 <= response.status_code < 300:
                raise RemoteError("Crossmark keeps answering with its login page right after a fresh "
                                  f"login ({method} {response.request.url.path})")
            raise RemoteError("Crossmark keeps refusing the session right after a fresh login")
        return response

    def call(self, method: str, url: str, *, idempotent: bool, referer: str = "/planning/",
             params: Mapping[str, Any] | None = None, data: Mapping[str, Any] | None = None,
             files: Mapping[str, Any] | None = None) -> Any:
        """:meth:`send`, then require a 2xx and decode its JSON body (labelled text/html or not).

        An unreadable 2xx body is a ``RemoteError`` for an idempotent call, but a
        ``RemoteOutcomeUnknown`` for a non-idempotent one: MVRetail answered, so it may have applied it.
        """
        response = self.send(method, url, idempotent=idempotent, expect_json=True, referer=referer,
                             params=params, data=data, files=files)
        if not 200 <= response.status_code < 300:
            detail = _failure_detail(response)
            raise RemoteError(f"Crossmark refused {method} {response.request.url.path} "
                              f"({response.status_code}){detail}")
        try:
            return decode_json(response, UPSTREAM)
        except RemoteError as exc:
            if idempotent:
                raise
            raise RemoteOutcomeUnknown(f"Crossmark's answer to {method} {response.request.url.path} "
                                       "could not be read; it may have been applied") from exc

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


def _session_expired(response: httpx.Response, expect_json: bool) -> bool:
    status = response.status_code
    if status in (401, 403):
        return True
    if 300 <= status < 400:
        return "login" in response.headers.get("location", "").lower()
    if not 200 <= status < 300 or not is_html_page(response):
        return False
    if expect_json:
        return True
    if "html" not in response.headers.get("content-type", "").lower():
        return False
    body = response.content.lower()
    return LOGIN_PATH.encode() in body and b'type="password"' in body


def is_html_page(response: httpx.Response) -> bool:
    """True when the body is an HTML document rather than JSON (whatever the Content-Type says).

    A body opening with ``{`` or ``[`` is JSON, perhaps truncated, never a page; a bare fragment
    (a PHP notice before the JSON, plain text) is not a page either — it is an unreadable answer.
    """
    head = response.content[:HTML_SNIFF_BYTES].lstrip().lower()
    if not head or head.startswith((b"{", b"[")):
        return False
    return any(marker in head for marker in HTML_MARKERS)


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
