"""``schedbot shell``: a local Slack console over the real Bolt app and the built-in fake Web API.

Type ``/sched today``, ``/timeoff fri`` or any line of a DM to the bot; what the bot posts, the
modals it opens and the App Home are printed as text with numbers on buttons and inputs:
``press 3``, ``fill 4 12/26``, ``submit``, ``close``, ``home``, ``as <user>``, ``users``, ``quit``.
Requests go to the app in-process (no network, no signatures); the bot's Web API calls go to the
fake Slack on loopback, which keeps every message and view for rendering.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.container import Container
from bot.slack.app import build_app
from core.textdates import parse_date
from devtools.fake_slack import BOT_USER_ID, TEAM_ID, FakeSlack, Message, View
from devtools.shell.render import Renderer, Target, Where

QUIET_TIMEOUT_SECONDS = 180.0
FORM = "application/x-www-form-urlencoded"
HELP = """Type a slash command (/sched today, /sched auto 7, /timeoff fri, /timeoff list) or any other
line to DM the bot. Then:  press N · fill N VALUE · submit · close · home · as USER · users · quit"""


@dataclass
class OpenView:
    """A modal on the stack with the values typed into it so far."""

    view_id: str
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def initial_values(blocks: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``state.values`` Slack reports for a modal nobody has typed into yet."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in blocks:
        element = block.get("element") or {}
        if block.get("type") != "input" or "action_id" not in element:
            continue
        kind = element.get("type")
        state: dict[str, Any] = {"type": kind}
        if "initial_date" in element:
            state["selected_date"] = element["initial_date"]
        elif "initial_option" in element:
            state["selected_option"] = element["initial_option"]
        elif "initial_value" in element:
            state["value"] = element["initial_value"]
        elif "initial_options" in element:
            state["selected_options"] = element["initial_options"]
        values[str(block.get("block_id") or "")] = {element["action_id"]: state}
    return values


class ShellSession:
    """One console over a container (its database and services) and a running fake Slack."""

    def __init__(self, container: Container, fake: FakeSlack, *, user: str, out: TextIO,
                 today: date | None = None) -> None:
        self.container = container
        self.fake = fake
        self.user = user
        self.out = out
        self.today = today
        self.app = build_app(container, socket_mode=True)
        self.renderer = Renderer()
        self.stack: list[OpenView] = []
        self._seen: dict[tuple[str, str], str] = {}
        self._home_seen = ""
        self._form_seen = ""
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="shell-loop", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the event loop and the worker pool."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self.container.close()

    def say(self, text: str) -> None:
        """Print a line to the console."""
        print(text, file=self.out, flush=True)

    def run(self, lines: Iterable[str]) -> None:
        """Handle lines until ``quit`` or the end of input."""
        self.say(HELP)
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            self.say(f"{self._names().get(self.user, self.user)}> {line}")
            if not self.handle(line):
                break

    def handle(self, line: str) -> bool:
        """Act on one line; False to stop."""
        word, _, rest = line.partition(" ")
        word = word.lower()
        if word in ("quit", "exit"):
            return False
        try:
            if word == "help":
                self.say(HELP)
            elif word == "users":
                self._list_users()
            elif word == "as":
                self._switch(rest.strip())
            elif line.startswith("/"):
                self._command(word, rest)
            elif word == "press" or line.isdigit():
                self._press(int((rest if word == "press" else line).strip() or 0))
            elif word == "fill":
                number, _, value = rest.strip().partition(" ")
                self._fill(int(number), value)
            elif word == "submit":
                self._submit()
            elif word == "close":
                self._close_view()
            elif word == "home":
                self._dispatch_json(self._event({"type": "app_home_opened", "user": self.user, "tab": "home",
                                                 "channel": "D" + self.user[1:]}))
            else:
                self._dm(line)
        except (ValueError, KeyError) as exc:
            self.say(f"  ! {exc}")
        return True

    # ---- talking to the app -------------------------------------------------------------------

    def _call(self, body: str, content_type: str) -> BoltResponse:
        request = AsyncBoltRequest(body=body, headers={"content-type": [content_type]})
        future = asyncio.run_coroutine_threadsafe(self._dispatch_and_settle(request), self._loop)
        response = future.result(timeout=QUIET_TIMEOUT_SECONDS + 10)
        return response

    async def _dispatch_and_settle(self, request: AsyncBoltRequest) -> BoltResponse:
        response = await self.app.async_dispatch(request)
        deadline = time.monotonic() + QUIET_TIMEOUT_SECONDS
        me = asyncio.current_task()
        while time.monotonic() < deadline:
            pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
            if not pending:
                break
            await asyncio.wait(pending, timeout=0.5)
        return response

    def _form(self, fields: Mapping[str, str]) -> BoltResponse:
        response = self._call(urlencode(fields), FORM)
        self._show(response)
        return response

    def _interactive(self, payload: Mapping[str, Any]) -> BoltResponse:
        return self._form({"payload": json.dumps(payload)})

    def _dispatch_json(self, body: Mapping[str, Any]) -> None:
        self._show(self._call(json.dumps(body), "application/json"))

    def _base(self) -> dict[str, Any]:
        return {"team": {"id": TEAM_ID, "domain": "shell"}, "api_app_id": "AAPPSCHED", "token": "shell",
                "user": {"id": self.user, "username": self.user, "team_id": TEAM_ID},
                "trigger_id": f"shell.{next(self._ids)}", "is_enterprise_install": False}

    def _event(self, event: Mapping[str, Any]) -> dict[str, Any]:
        return {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "AAPPSCHED",
                "event_id": f"EvShell{next(self._ids):06d}", "event_time": int(time.time()),
                "event": {**event, "event_ts": f"{time.time():.6f}"},
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}

    def _command(self, command: str, text: str) -> None:
        self._form({"command": command, "text": text, "user_id": self.user, "user_name": self.user,
                    "team_id": TEAM_ID, "channel_id": self.container.settings.team_channel or "C0TEAM",
                    "channel_name": "team", "response_url": self.fake.response_url(),
                    "trigger_id": f"shell.{next(self._ids)}", "api_app_id": "AAPPSCHED"})

    def _dm(self, text: str) -> None:
        channel = "D" + self.user[1:]
        self._dispatch_json(self._event({"type": "message", "channel_type": "im", "channel": channel,
                                         "user": self.user, "text": text, "ts": f"{time.time():.6f}"}))

    # ---- buttons and modals -------------------------------------------------------------------

    def _target(self, number: int) -> Target:
        target = self.renderer.targets.get(number)
        if target is None:
            raise KeyError(f"there is no [{number}] on screen")
        return target

    def _press(self, number: int) -> None:
        target = self._target(number)
        if target.is_input:
            raise ValueError(f"{{{number}}} is an input: use fill {number} VALUE")
        element = target.element
        if element.get("confirm"):
            self.say(f"  (confirming: {element['confirm'].get('title', {}).get('text', 'sure?')})")
        action = {"type": element.get("type", "button"), "action_id": element["action_id"],
                  "block_id": target.block_id, "value": element.get("value"),
                  "action_ts": f"{time.time():.6f}"}
        payload: dict[str, Any] = {**self._base(), "type": "block_actions", "actions": [action]}
        if target.where.view_id is not None:
            view = self.fake.state.views.get(target.where.view_id) or self.fake.state.home.get(self.user)
            record: dict[str, Any] = (view.payload(TEAM_ID) if view is not None
                                      else {"id": target.where.view_id})
            open_view = self._open(target.where.view_id)
            record["state"] = {"values": open_view.values if open_view else {}}
            payload.update(container={"type": "view", "view_id": target.where.view_id}, view=record)
        else:
            message = {"type": "message", "ts": target.where.ts, "text": ""}
            payload.update(container={"type": "message", "channel_id": target.where.channel,
                                      "message_ts": target.where.ts, "is_ephemeral": False},
                           channel={"id": target.where.channel}, message=message,
                           response_url=self.fake.response_url())
        self._interactive(payload)

    def _open(self, view_id: str) -> OpenView | None:
        return next((v for v in self.stack if v.view_id == view_id), None)

    def _fill(self, number: int, value: str) -> None:
        target = self._target(number)
        open_view = self._open(target.where.view_id or "")
        if not target.is_input or open_view is None:
            raise ValueError(f"[{number}] is not an input of the open form")
        element = target.element
        open_view.values.setdefault(target.block_id, {})[element["action_id"]] = self._state(element, value)
        self._show(None, always=True)

    def _state(self, element: Mapping[str, Any], value: str) -> dict[str, Any]:
        kind = element.get("type")
        if kind == "datepicker":
            return {"type": kind, "selected_date": parse_date(value, self._today()).isoformat()}
        if kind in ("static_select", "radio_buttons"):
            options = list(element.get("options") or [])
            chosen = (options[int(value) - 1] if value.isdigit() and 0 < int(value) <= len(options)
                      else next((o for o in options if o["text"]["text"].lower() == value.lower()
                                 or o["value"] == value), None))
            if chosen is None:
                raise ValueError(f"no choice {value!r}")
            return {"type": kind, "selected_option": chosen}
        if kind == "users_select":
            return {"type": kind, "selected_user": value}
        return {"type": kind, "value": value}

    def _today(self) -> date:
        if self.today is not None:
            return self.today
        return self.container.clock.now().astimezone(ZoneInfo(self.container.settings.store_timezone)).date()

    def _submit(self) -> None:
        if not self.stack:
            raise ValueError("no form is open")
        top = self.stack[-1]
        record = self.fake.state.views[top.view_id]
        view = {**record.payload(TEAM_ID), "state": {"values": top.values}}
        response = self._interactive({**self._base(), "type": "view_submission", "view": view,
                                      "response_urls": []})
        self._after_submit(top, response)

    def _after_submit(self, top: OpenView, response: BoltResponse) -> None:
        answer: dict[str, Any] = {}
        if response.body:
            try:
                answer = json.loads(response.body)
            except ValueError:
                answer = {}
        action = answer.get("response_action")
        if action == "errors":
            for block_id, problem in (answer.get("errors") or {}).items():
                self.say(f"  ! {block_id}: {problem}")
            self._show(None, always=True)
            return
        if action == "update":
            self.fake.state.views[top.view_id].view = answer["view"]
        elif action == "push":
            self._push_view(answer["view"])
        else:
            self._close_view(everything=action == "clear")
        self._show(None)

    def _push_view(self, view: dict[str, Any]) -> None:
        with self.fake.state.lock:
            record = View(self.fake.state.next_id("V"), view, hash=self.fake.state.next_ts())
            self.fake.state.views[record.id] = record

    def _close_view(self, *, everything: bool = False) -> None:
        while self.stack:
            top = self.stack.pop()
            self.fake.state.views[top.view_id].closed = True
            if not everything:
                break

    # ---- showing what changed -----------------------------------------------------------------

    def _names(self) -> dict[str, str]:
        return {u.id: u.real_name or u.name for u in self.fake.state.users.values()}

    def _show(self, response: BoltResponse | None, *, always: bool = False) -> None:
        self.renderer.names = self._names()
        if response is not None and response.status >= 400:
            self.say(f"  ! the app answered {response.status}")
        if response is not None and response.body and response.body.startswith("{"):
            answer = json.loads(response.body)
            if answer.get("text"):
                self.say(f"  (reply) {answer['text']}")
        for message in self._changed_messages():
            self._print_message(message)
        self._print_views(always=always)

    def _changed_messages(self) -> list[Message]:
        changed = []
        with self.fake.state.lock:
            for message in self.fake.state.messages:
                if message.ephemeral_to not in (None, self.user):
                    continue
                key = (message.channel, message.ts)
                fingerprint = json.dumps([message.text, message.blocks], sort_keys=True, default=str)
                if self._seen.get(key) != fingerprint:
                    self._seen[key] = fingerprint
                    changed.append(message)
        return changed

    def _label(self, message: Message) -> str:
        if message.channel.startswith("response:"):
            return "only you" if message.response_type != "in_channel" else "in channel"
        channel = self.fake.state.channels.get(message.channel)
        if channel is not None and channel.is_im:
            who = channel.members[0] if channel.members else "?"
            return "DM to you" if who == self.user else f"DM to {self._names().get(who, who)}"
        return f"#{channel.name}" if channel is not None else message.channel

    def _print_message(self, message: Message) -> None:
        self.say(f"--- [{self._label(message)}] ---")
        where = Where(channel=message.channel, ts=message.ts)
        lines = self.renderer.blocks(message.blocks, where) if message.blocks else [message.text]
        self._say_lines(lines)

    def _say_lines(self, lines: list[str]) -> None:
        for line in lines:
            for part in line.split("\n"):
                self.say(f"  {part}")

    def _print_views(self, *, always: bool = False) -> None:
        with self.fake.state.lock:
            for record in self.fake.state.views.values():
                if not record.closed and self._open(record.id) is None:
                    self.stack.append(OpenView(record.id, initial_values(record.view.get("blocks") or [])))
            home = self.fake.state.home.get(self.user)
        if self.stack:
            top = self.stack[-1]
            record = self.fake.state.views[top.view_id]
            fingerprint = json.dumps([top.view_id, record.view, top.values], sort_keys=True, default=str)
            if fingerprint == self._form_seen and not always:
                return self._print_home(home)
            self._form_seen = fingerprint
            title = record.view.get("title", {}).get("text", "form")
            self.say(f"=== form: {title} (submit / close) ===")
            self._say_lines(self.renderer.blocks(record.view.get("blocks") or [], Where(view_id=record.id),
                                                 top.values))
        self._print_home(home)

    def _print_home(self, home: View | None) -> None:
        if home is not None:
            fingerprint = json.dumps(home.view, sort_keys=True, default=str)
            if fingerprint != self._home_seen:
                self._home_seen = fingerprint
                self.say("=== App Home ===")
                self._say_lines(self.renderer.blocks(home.view.get("blocks") or [], Where(view_id=home.id)))

    def _list_users(self) -> None:
        for user in self.fake.state.users.values():
            mark = "*" if user.id == self.user else " "
            self.say(f" {mark} {user.id}  {user.real_name or user.name}  {user.email or ''}")

    def _switch(self, who: str) -> None:
        wanted = who.lower()
        for user in self.fake.state.users.values():
            if wanted in (user.id.lower(), user.name.lower(), (user.real_name or "").lower()):
                self.user = user.id
                self._close_view(everything=True)
                self.say(f"  you are now {user.real_name or user.name} ({user.id})")
                return
        raise KeyError(f"no user {who!r} (see `users`)")
