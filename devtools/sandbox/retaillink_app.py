"""The Walmart Retail Link sandbox: login host (steps 1-4) and retaillink2 (steps 5-6, EDR, browse).

One Starlette app carries both path sets, so ``WALMART_LOGIN_BASE_URL`` and ``WALMART_EDR_BASE_URL``
may point at the same server (or at two servers of the same sandbox object). The SMS code is the
configurable ``expected_code``; ``edrReport`` and ``browse-data`` require ``Authorization: Bearer``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from devtools.sandbox.catalog import EVENT_CLASSES, EVENT_STATUSES
from devtools.sandbox.dataset import SandboxDataset, SandboxEdrEvent, department_name, sandbox_dataset
from devtools.sandbox.faults import FaultInjector
from devtools.sandbox.server import ServerHandle, serve_in_thread

SANDBOX_EDR_USERNAME = "demo.edr"
SANDBOX_EDR_PASSWORD = "sandbox-edr-password"  # noqa: S105 - the sandbox's own fixed demo password
SANDBOX_MFA_CREDENTIAL_ID = "sandbox-sms-1"
SANDBOX_MFA_CODE = "123456"
STATE_COOKIE = "rl_login_state"


class RetailLinkSandbox:
    """A local Retail Link. ``tokens`` maps issued bearer tokens to their expiry (epoch seconds)."""

    def __init__(self, dataset: SandboxDataset | None = None, *, username: str = SANDBOX_EDR_USERNAME,
                 password: str = SANDBOX_EDR_PASSWORD, credential_id: str = SANDBOX_MFA_CREDENTIAL_ID,
                 expected_code: str = SANDBOX_MFA_CODE, token_ttl: float = 4 * 3600.0,
                 token_in_cookie: bool = True, wall_clock: Callable[[], float] = time.time) -> None:
        self.data = dataset or sandbox_dataset(date.today())
        self.username = username
        self._password = password
        self.credential_id = credential_id
        self.expected_code = expected_code
        self.token_ttl = token_ttl
        self.token_in_cookie = token_in_cookie
        self._clock = wall_clock
        self._lock = threading.Lock()
        self.logins: dict[str, str] = {}
        """login-state cookie → stage (password, code_sent, validated)."""
        self.auth_cookies: set[str] = set()
        self.tokens: dict[str, float] = {}
        self.issued_tokens: list[str] = []
        self.codes_sent = 0
        self.faults = FaultInjector(Starlette(routes=self._routes()), login_path="/login")
        self.app = self.faults

    def serve(self) -> ServerHandle:
        """Serve on 127.0.0.1 at a free port (use its URL for both base URLs)."""
        return serve_in_thread(self.app)

    def expire_tokens(self) -> None:
        """Invalidate every bearer token, as a Retail Link session timeout does."""
        with self._lock:
            self.tokens.clear()

    def _routes(self) -> list[Route]:
        return [
            Route("/login", self.login_page, methods=["GET"]),
            Route("/api/login", self.password, methods=["POST"]),
            Route("/api/mfa/sendCode", self.send_code, methods=["POST"]),
            Route("/api/mfa/validateCode", self.validate_code, methods=["POST"]),
            Route("/rl_portal_services/api/Site/InsertRlPageDetails", self.page_details, methods=["GET"]),
            Route("/rl_portal/", self.portal_page, methods=["GET"]),
            Route("/EventManagement/", self.portal_page, methods=["GET"]),
            Route("/EventManagement/api/authenticate", self.authenticate, methods=["GET"]),
            Route("/EventManagement/api/edrReport", self.edr_report, methods=["GET"]),
            Route("/EventManagement/api/browse-event/browse-data", self.browse, methods=["POST"]),
        ]

    # ---- login host ----------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        response = HTMLResponse("<html><body><div id='login-root'>Retail Link</div></body></html>")
        response.set_cookie("TS01b1e5a6", secrets.token_hex(8), path="/")
        return response

    async def password(self, request: Request) -> Response:
        body = await _json(request)
        if not (secrets.compare_digest(str(body.get("username", "")), self.username)
                and secrets.compare_digest(str(body.get("password", "")), self._password)):
            return _error(401, "INVALID_CREDENTIALS", "Invalid user ID or password")
        state = secrets.token_hex(12)
        with self._lock:
            self.logins[state] = "password"
        response = JSONResponse({"status": "MFA_REQUIRED", "mfaOptions": [
            {"type": "SMS_OTP", "credid": self.credential_id, "maskedPhone": "***-***-0135"}]})
        response.set_cookie(STATE_COOKIE, state, path="/", httponly=True)
        return response

    async def send_code(self, request: Request) -> Response:
        state = request.cookies.get(STATE_COOKIE, "")
        body = await _json(request)
        if self.logins.get(state) not in ("password", "code_sent"):
            return _error(401, "LOGIN_REQUIRED", "Sign in with your password first")
        if body.get("credid") != self.credential_id or body.get("type") != "SMS_OTP":
            return _error(400, "UNKNOWN_CREDENTIAL", "Unknown MFA credential")
        with self._lock:
            self.logins[state] = "code_sent"
            self.codes_sent += 1
        return JSONResponse({"status": "CODE_SENT"})

    async def validate_code(self, request: Request) -> Response:
        state = request.cookies.get(STATE_COOKIE, "")
        body = await _json(request)
        if self.logins.get(state) != "code_sent":
            return _error(401, "LOGIN_REQUIRED", "Request a code first")
        if not secrets.compare_digest(str(body.get("code", "")), self.expected_code):
            return _error(400, "INVALID_OTP", "The code is not valid")
        auth = secrets.token_hex(16)
        with self._lock:
            self.logins[state] = "validated"
            self.auth_cookies.add(auth)
        response = JSONResponse({"status": "VALID"})
        response.set_cookie("_auth", auth, path="/", httponly=True)
        response.set_cookie("RETAILLINKSESSION", secrets.token_hex(8), path="/", httponly=True)
        return response

    # ---- retaillink2 ---------------------------------------------------------------------------

    async def page_details(self, request: Request) -> Response:
        return JSONResponse({"success": True})

    async def portal_page(self, request: Request) -> Response:
        return HTMLResponse("<html><body><div id='root'>Event Management</div></body></html>")

    async def authenticate(self, request: Request) -> Response:
        if request.cookies.get("_auth", "") not in self.auth_cookies:
            return _error(401, "UNAUTHORIZED", "Not signed in")
        token = self._issue_token()
        if not self.token_in_cookie:
            return JSONResponse({"authenticated": True, "token": token})
        response = JSONResponse({"authenticated": True})
        response.set_cookie("auth-token", quote(json.dumps({"token": token})), path="/")
        return response

    async def edr_report(self, request: Request) -> Response:
        if not self._authorized(request):
            return _error(401, "UNAUTHORIZED", "Bearer token missing or expired")
        event = self.data.edr_events.get(request.query_params.get("id", ""))
        if event is None:
            return _error(404, "NOT_FOUND", "No such event")
        return JSONResponse(_edr_json(event))

    async def browse(self, request: Request) -> Response:
        if not self._authorized(request):
            return _error(401, "UNAUTHORIZED", "Bearer token missing or expired")
        body = await _json(request)
        try:
            start, end = date.fromisoformat(body["startDate"]), date.fromisoformat(body["endDate"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "BAD_REQUEST", "startDate and endDate are required (YYYY-MM-DD)")
        if str(body.get("storeNbr") or self.data.store_number) != self.data.store_number:
            return JSONResponse([])
        types = body.get("eventType")
        rows = [row for event in self.data.edr_events.values()
                if start <= event.event_date <= end and (not types or event.class_code in types)
                for row in _browse_rows(event)]
        return JSONResponse(rows)

    def _issue_token(self) -> str:
        expires = self._clock() + self.token_ttl
        header = _b64({"alg": "none", "typ": "JWT"})
        claims = _b64({"sub": self.username, "exp": int(expires), "iat": int(self._clock())})
        token = f"{header}.{claims}.{secrets.token_urlsafe(16)}"
        with self._lock:
            self.tokens[token] = expires
            self.issued_tokens.append(token)
        return token

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return False
        expires = self.tokens.get(header.removeprefix("Bearer ").strip())
        return expires is not None and expires > self._clock()


def _edr_json(event: SandboxEdrEvent) -> dict[str, Any]:
    items = [{"itemNbr": int(i.item_number), "gtin": i.gtin, "itemDesc": i.description,
              "vendorNbr": int(i.vendor_number), "vendorDesc": i.vendor_name, "deptNbr": i.dept_number,
              "deptDesc": department_name(i.dept_number), "featuredItemInd": "Y" if i.featured else "N"}
             for i in event.items]
    return {"demoId": int(event.event_number), "demoName": event.name,
            "demoDate": event.event_date.isoformat(), "demoClassCode": event.class_code,
            "demoStatusCode": event.status_code, "demoLockInd": "Y" if event.locked else "N",
            "demoInstructions": {"demoPrepnTxt": event.prep_text, "demoPortnTxt": event.portion_text},
            "itemDetails": items or None}


def _browse_rows(event: SandboxEdrEvent) -> list[dict[str, Any]]:
    return [{"eventId": int(event.event_number),
             "eventType": f"Event Type {EVENT_CLASSES.get(event.class_code, event.class_code)}",
             "eventDate": event.event_date.isoformat(), "billType": "SUPPLIER",
             "eventStatus": f"Status {EVENT_STATUSES.get(event.status_code, event.status_code)}",
             "lockDate": (event.event_date - timedelta(days=2)).isoformat(), "eventFee": 75.0,
             "itemNbr": int(i.item_number), "featuredItemInd": "Y" if i.featured else "N",
             "itemDesc": i.description, "upcNbr": i.gtin, "deptNbr": i.dept_number,
             "deptDesc": department_name(i.dept_number), "vendorNbr": int(i.vendor_number),
             "vendorDesc": i.vendor_name, "vendorBilledNbr": int(i.billed_vendor_number),
             "vendorBilledDesc": i.vendor_name, "targetClubCnt": 1, "subCatNbr": i.dept_number * 10,
             "subCatDesc": department_name(i.dept_number), "eventName": event.name, "country": "US",
             "lastChangeUser": "svc-events", "claimNbr": []}
            for i in event.items]


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"code": code, "message": message}]}, status_code=status)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
