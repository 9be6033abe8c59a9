"""The Crossmark MVRetail sandbox: a Starlette app that behaves like the real session API.

JSON is served labelled ``text/html`` (as production does), sessions ride on ``PHPSESSID``, an
expired or missing session gets 401 (or a 302 to ``/login``), and faults can be injected per path
through ``sandbox.faults`` (see :mod:`devtools.sandbox.faults`) — among them the 200 HTML "session
ended" page (``FaultKind.SESSION_ENDED``, which also ends that session here), a late handler
(``LATE``) and an unreadable 2xx answer (``UNREADABLE``, with ``after_handler=True`` after the change).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from devtools.sandbox.crossmark_state import (
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    CrossmarkState,
    SandboxRefusal,
)
from devtools.sandbox.dataset import SandboxDataset, sandbox_dataset
from devtools.sandbox.faults import FaultInjector
from devtools.sandbox.salestools import BROKEN_PAGE, sales_tool_pdf
from devtools.sandbox.server import ServerHandle, serve_in_thread

Handler = Callable[[Request], Awaitable[Response]]
LOGIN_PAGE = (b"<!DOCTYPE html><html><head><title>MVRetail Login</title></head><body>"
              b"<form method=\"post\" action=\"/login/authenticate\"><input name=\"UserID\">"
              b"<input type=\"password\" name=\"Password\"><button>Sign in</button></form></body></html>")


def html_json(payload: Any, status: int = 200) -> Response:
    """JSON body labelled ``text/html``, the way MVRetail answers."""
    return Response(json.dumps(payload), status_code=status, media_type="text/html; charset=UTF-8")


class CrossmarkSandbox:
    """A local MVRetail. ``state`` holds the data; ``app`` is the ASGI app (with fault injection).

    ``expired_status`` is what a request without a valid session gets: 401 (default) or 302.
    """

    def __init__(self, dataset: SandboxDataset | None = None, *, username: str = SANDBOX_USERNAME,
                 password: str = SANDBOX_PASSWORD, session_ttl: float = 3600.0, expired_status: int = 401,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        data = copy.deepcopy(dataset) if dataset is not None else sandbox_dataset(date.today())
        self.state = CrossmarkState(data, username=username, password=password, session_ttl=session_ttl,
                                    monotonic=monotonic)
        self.expired_status = expired_status
        self._pdfs: dict[int, bytes] = {}
        self.faults = FaultInjector(Starlette(routes=self._routes()), login_path="/login",
                                    session_cookie="PHPSESSID", end_session=self.state.logout)
        self.app = self.faults

    def serve(self) -> ServerHandle:
        """Serve on 127.0.0.1 at a free port."""
        return serve_in_thread(self.app)

    def _routes(self) -> list[Route]:
        s = self._session
        return [
            Route("/login", self.login_page, methods=["GET"]),
            Route("/login/authenticate", self.authenticate, methods=["POST"]),
            Route("/logout", self.logout, methods=["GET"]),
            Route("/planning/", s(self.planning_page), methods=["GET"]),
            Route("/users/getUserInfo", s(self.user_info), methods=["POST"]),
            Route("/planningextcontroller/getPlanningMplans", s(self.planning), methods=["GET"]),
            Route("/schedulingcontroller/getAvailableReps", s(self.available_reps), methods=["POST"]),
            Route("/planningextcontroller/getQualifiedRepsForScheduling", s(self.qualified_reps),
                  methods=["GET"]),
            Route("/planningextcontroller/scheduleMplanEvent", s(self.schedule), methods=["POST"]),
            Route("/planningextcontroller/deleteScheduledMplanEvent", s(self.unschedule), methods=["POST"]),
            Route("/pendingworkextcontroller/createPendingWork/", s(self.reissue), methods=["POST"]),
            Route("/pendingworkextcontroller/createPendingWork", s(self.reissue), methods=["POST"]),
            Route("/planningextcontroller/getmPlanLocationCondition", s(self.location_condition),
                  methods=["POST"]),
            Route("/planningextcontroller/getDefaultScheduleLengthInMinutes", s(self.default_lengths),
                  methods=["GET"]),
            Route("/salestools/{name}", self.sales_tool, methods=["GET"]),
        ]

    def _session(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> Response:
            if not self.state.session_valid(request.cookies.get("PHPSESSID")):
                if self.expired_status in (301, 302, 303, 307):
                    return RedirectResponse("/login", status_code=self.expired_status)
                return html_json({"success": False, "message": "Session expired, please log in again"},
                                 self.expired_status)
            try:
                return await handler(request)
            except SandboxRefusal as refusal:
                return html_json({"ok": 0, "success": False, "message": refusal.message}, refusal.status)
        return guarded

    async def login_page(self, request: Request) -> Response:
        return Response(LOGIN_PAGE, media_type="text/html")

    async def authenticate(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = dict(await request.form())
        session_id = self.state.login(str(body.get("UserID", "")), str(body.get("Password", "")))
        if session_id is None:
            return html_json({"success": False, "message": "Invalid username or password"}, 401)
        response = html_json({"success": True, "redirectUrl": "/planning/"})
        response.set_cookie("PHPSESSID", session_id, path="/", httponly=True)
        return response

    async def logout(self, request: Request) -> Response:
        self.state.logout(request.cookies.get("PHPSESSID"))
        return RedirectResponse("/login", status_code=302)

    async def planning_page(self, request: Request) -> Response:
        return Response("<html><body><h1>Scheduling</h1></body></html>", media_type="text/html")

    async def user_info(self, request: Request) -> Response:
        return html_json({"username": self.state.username, "firstName": "Demo", "lastName": "Manager",
                          "name": "Demo Manager", "email": "demo.manager@example.com"})

    async def planning(self, request: Request) -> Response:
        q = request.query_params
        rows = self.state.search(_iso_date(q.get("intervalStart")), _iso_date(q.get("intervalEnd")),
                                 q.get("searchFields", ""), q.get("sort", ""))
        start, limit = _int(q.get("start"), 0), _int(q.get("limit"), 5000)
        page = [self.state.record(m, str(request.base_url)) for m in rows[start:start + limit]]
        return html_json({"success": True, "total": len(rows), "mplans": page, "records": page})

    async def available_reps(self, request: Request) -> Response:
        form = await request.form()
        if not str(form.get("project", "")).count(","):
            raise SandboxRefusal("project must be 'start,end'")
        return html_json({"reps": self.state.available_reps()})

    async def qualified_reps(self, request: Request) -> Response:
        q = request.query_params
        reps = self.state.qualified_reps(_int(q.get("mPlanID"), 0))
        start, limit = _int(q.get("start"), 0), _int(q.get("limit"), 25)
        rows = [{"ID": r.rep_id, "FirstName": r.first_name, "LastName": r.last_name,
                 "Timezone": self.state.data.timezone, "OfflineHash": ""} for r in reps[start:start + limit]]
        return html_json({"reps": rows, "total": len(reps)})

    async def schedule(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        return html_json(self.state.schedule(form))

    async def unschedule(self, request: Request) -> Response:
        form = await request.form()
        return html_json(self.state.unschedule(str(form.get("id", "")).strip()))

    async def reissue(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        return html_json(self.state.reissue(form))

    async def location_condition(self, request: Request) -> Response:
        form = await request.form()
        return html_json(self.state.location_condition(str(form.get("mPlanID", "")),
                                                       str(form.get("storeID", ""))))

    async def default_lengths(self, request: Request) -> Response:
        return html_json({"defaults": []})

    async def sales_tool(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name.startswith("broken-"):
            return Response(BROKEN_PAGE, media_type="text/html")
        raw_id = name.removesuffix(".pdf")
        mplan = self.state.data.mplan(int(raw_id)) if raw_id.isdigit() else None
        if mplan is None or mplan.sales_tool_path is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        if mplan.mplan_id not in self._pdfs:
            self._pdfs[mplan.mplan_id] = sales_tool_pdf(mplan.mplan_id, mplan.name, mplan.start_date,
                                                        mplan.end_date)
        return Response(self._pdfs[mplan.mplan_id], media_type="application/pdf")


def _iso_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise SandboxRefusal("interval dates must be YYYY-MM-DD") from exc


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text not in (None, "") else default
    except ValueError as exc:
        raise SandboxRefusal("paging values must be integers") from exc
