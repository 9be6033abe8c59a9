"""Correctly signed requests shaped like Slack's: slash commands, interactivity, Events API.

requests = SlackRequests(signing_secret, response_urls=fake_slack.response_url)
req = requests.slash_command("help", user_id="U0ANA")
httpx_client.post("/slack/events", content=req.body, headers=req.headers)
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0STORE"
TEAM_DOMAIN = "store8135"
API_APP_ID = "AAPPSCHED"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# Slack's worked example from "Verifying requests from Slack".
EXAMPLE_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
EXAMPLE_TIMESTAMP = "1531420618"
EXAMPLE_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXAMPLE_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def sign(secret: str, timestamp: str | int, body: bytes | str) -> str:
    """The ``X-Slack-Signature`` of ``body`` sent at ``timestamp``."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """A request ready to POST to ``/slack/events``."""

    body: bytes
    headers: dict[str, str]
    kind: str = "unknown"

    def with_headers(self, **changes: str | None) -> SignedRequest:
        """A copy with headers replaced (``None`` removes one); names use ``_`` for ``-``."""
        headers = dict(self.headers)
        for name, value in changes.items():
            key = name.replace("_", "-").lower()
            headers = {k: v for k, v in headers.items() if k.lower() != key}
            if value is not None:
                headers[key] = value
        return replace(self, headers=headers)

    def with_body(self, body: bytes) -> SignedRequest:
        """A copy with another body and the same (now wrong) signature."""
        return replace(self, body=body)


class SlackRequests:
    """Builds signed Slack requests for one workspace."""

    def __init__(
        self,
        signing_secret: str,
        *,
        team_id: str = TEAM_ID,
        response_urls: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = signing_secret
        self.team_id = team_id
        self._response_urls = response_urls or (lambda: "https://hooks.slack.com/commands/T0/1/x")
        self._clock = clock
        self._ids = itertools.count(1)

    def signed(
        self,
        body: bytes,
        content_type: str,
        *,
        kind: str = "unknown",
        timestamp: str | int | None = None,
        secret: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> SignedRequest:
        """Sign ``body`` (now, with our secret unless told otherwise)."""
        ts = str(int(self._clock())) if timestamp is None else str(timestamp)
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": sign(secret or self.secret, ts, body),
        }
        headers.update(extra_headers or {})
        return SignedRequest(body, headers, kind)

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def slash_command(
        self,
        text: str,
        *,
        command: str = "/sched",
        user_id: str = "U0ANA",
        user_name: str = "ana",
        channel_id: str = "C0TEAM",
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> SignedRequest:
        """A slash command (form body) as Slack posts it."""
        fields = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": "team-schedule",
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url or self._response_urls(),
            "trigger_id": trigger_id or self._next("13345224609.738474920."),
        }
        return self.signed(urlencode(fields).encode(), FORM, kind="command")

    def interactive(self, payload: Mapping[str, Any], kind: str) -> SignedRequest:
        """Any interactivity payload, posted as the ``payload=`` form field."""
        return self.signed(urlencode({"payload": json.dumps(payload)}).encode(), FORM, kind=kind)

    def _user(self, user_id: str) -> dict[str, str]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": self.team_id}

    def block_actions(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user_id: str = "U0ANA",
        block_id: str = "actions",
        channel_id: str = "C0TEAM",
        message_ts: str = "1700000000.000100",
        response_url: str | None = None,
        view: Mapping[str, Any] | None = None,
    ) -> SignedRequest:
        """A button click in a message (or in ``view`` when given)."""
        action: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": action_id},
            "action_ts": f"{int(self._clock())}.000200",
        }
        if value is not None:
            action["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self._next("13345224609.738474920."),
            "team": {"id": self.team_id, "domain": TEAM_DOMAIN},
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            payload["view"] = dict(view)
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel_id, "name": "team-schedule"}
            payload["message"] = {"type": "message", "ts": message_ts, "text": "", "blocks": []}
            payload["response_url"] = response_url or self._response_urls()
        return self.interactive(payload, "block_actions")

    def view_submission(
        self,
        callback_id: str,
        values: Mapping[str, Mapping[str, Mapping[str, Any]]],
        *,
        user_id: str = "U0ANA",
        private_metadata: str = "",
        view_id: str = "V0MODAL",
    ) -> SignedRequest:
        """A modal submit; ``values`` is ``{block_id: {action_id: {"type": ..., "value": ...}}}``."""
        view = {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "hash": "1700000000.abcdef",
            "title": {"type": "plain_text", "text": "Modal"},
            "blocks": [],
            "state": {"values": {b: dict(a) for b, a in values.items()}},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": TEAM_DOMAIN},
            "user": self._user(user_id),
            "api_app_id": API_APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self._next("13345224609.738474920."),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self.interactive(payload, "view_submission")

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> SignedRequest:
        """An Events API ``event_callback`` (JSON); a ``retry_num`` adds Slack's retry headers."""
        body = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "api_app_id": API_APP_ID,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or self._next("Ev"),
            "event_time": int(self._clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": "UBOTSCHED",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        extra = (
            {}
            if retry_num is None
            else {"x-slack-retry-num": str(retry_num), "x-slack-retry-reason": retry_reason}
        )
        return self.signed(json.dumps(body).encode(), JSON, kind="event", extra_headers=extra)

    def url_verification(self, challenge: str) -> SignedRequest:
        """The handshake Slack sends when the Request URL is saved."""
        body = {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}
        return self.signed(json.dumps(body).encode(), JSON, kind="url_verification")

    def app_home_opened(self, user_id: str = "U0ANA") -> SignedRequest:
        """``app_home_opened`` of the Home tab."""
        return self.event(
            {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D0ANA",
                "tab": "home",
                "event_ts": f"{int(self._clock())}.000100",
            }
        )

    def message_im(
        self, text: str, *, user_id: str = "U0ANA", channel: str = "D0ANA", event_id: str | None = None
    ) -> SignedRequest:
        """A direct message to the bot."""
        ts = f"{int(self._clock())}.{next(self._ids):06d}"
        return self.event(
            {
                "type": "message",
                "channel_type": "im",
                "channel": channel,
                "user": user_id,
                "text": text,
                "ts": ts,
                "event_ts": ts,
            },
            event_id=event_id,
        )

    def app_uninstalled(self) -> SignedRequest:
        """The app was removed from the workspace."""
        return self.event({"type": "app_uninstalled", "event_ts": f"{int(self._clock())}.000100"})

    def tokens_revoked(
        self, *, oauth: list[str] | None = None, bot: list[str] | None = None
    ) -> SignedRequest:
        """Slack revoked user (``oauth``) and/or bot tokens."""
        return self.event(
            {
                "type": "tokens_revoked",
                "tokens": {"oauth": oauth or [], "bot": bot or []},
                "event_ts": f"{int(self._clock())}.000100",
            }
        )
