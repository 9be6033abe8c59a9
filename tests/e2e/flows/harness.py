"""Driving the real Bolt app like Slack does, and reading back what the bot said in the fake Slack.

``Flow`` posts signed commands, clicks and submissions to ``/slack/events`` and waits for the Web API
calls the work after the ack makes (``flow.mark()`` then ``flow.wait(mark, "chat.update")``).
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from devtools.fake_slack import Call, FakeSlack, Message, View
from tests.fakes.slack_requests import SignedRequest, SlackRequests

ACK_DEADLINE_SECONDS = 3.0
WAIT_SECONDS = 20.0

MANAGER = "U0MGR"
ANN = "U0ANA"
BEN = "U0BEN"
LEAD = "U0LENA"
STRANGER = "U0NOBODY"


def walk_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(block_id, element) of every interactive element in ``blocks`` (actions and accessories)."""
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and "action_id" in accessory:
            yield block_id, accessory


def find_button(blocks: list[dict[str, Any]], action_id: str, *, nth: int = 0) -> tuple[str, dict[str, Any]]:
    """The ``nth`` element with ``action_id`` (``AssertionError`` when absent)."""
    found = [(b, e) for b, e in walk_elements(blocks) if e["action_id"] == action_id]
    assert len(found) > nth, f"no {action_id!r} (#{nth}) in {json.dumps(blocks)[:800]}"
    return found[nth]


def has_button(blocks: list[dict[str, Any]], action_id: str) -> bool:
    """True when any element of ``blocks`` has ``action_id``."""
    return any(e["action_id"] == action_id for _, e in walk_elements(blocks))


def text_of(blocks: list[dict[str, Any]]) -> str:
    """All the text of ``blocks`` (sections, contexts, headers, fields) joined by newlines."""
    out: list[str] = []
    for block in blocks:
        for key in ("text",):
            value = block.get(key)
            if isinstance(value, dict):
                out.append(str(value.get("text", "")))
        for item in (block.get("fields") or []) + (block.get("elements") or []):
            if isinstance(item, dict) and item.get("type") in ("mrkdwn", "plain_text"):
                out.append(str(item.get("text", "")))
    return "\n".join(out)


@dataclass
class Mark:
    """How many calls of each method had arrived when it was taken."""

    counts: dict[str, int]


class Flow:
    """A signed-request driver over the running app and the fake Slack."""

    def __init__(self, fake: FakeSlack, requests: SlackRequests, url: str) -> None:
        self.fake = fake
        self.requests = requests
        self.url = url

    def send(self, request: SignedRequest) -> httpx.Response:
        """POST one request; the client times out at Slack's 3-second ack deadline."""
        response = httpx.post(f"{self.url}/slack/events", content=request.body, headers=request.headers,
                              timeout=ACK_DEADLINE_SECONDS)
        assert response.status_code == 200, response.text
        return response

    def mark(self) -> Mark:
        """The current call counts."""
        counts: dict[str, int] = {}
        for call in self.fake.calls():
            counts[call.method] = counts.get(call.method, 0) + 1
        return Mark(counts)

    def wait(self, mark: Mark, method: str, count: int = 1) -> list[Call]:
        """Block until ``count`` more calls of ``method`` than at ``mark`` arrived; the new ones."""
        before = mark.counts.get(method, 0)
        calls = self.fake.wait_for(method, before + count, timeout=WAIT_SECONDS)
        return calls[before:]

    def settle(self, mark: Mark, method: str, count: int = 1) -> list[Call]:
        """Like ``wait``, then a short pause so nothing else is still on its way."""
        calls = self.wait(mark, method, count)
        time.sleep(0.2)
        return calls

    def command(self, text: str, *, user: str, command: str = "/sched",
                channel: str = "C0TEAM") -> httpx.Response:
        """A slash command."""
        return self.send(self.requests.slash_command(text, command=command, user_id=user, channel_id=channel))

    def click(self, message: Message, action_id: str, *, user: str, nth: int = 0,
              value: str | None = None) -> httpx.Response:
        """Press a button of a message (``value`` overrides the button's own, to forge clicks)."""
        block_id, element = find_button(message.blocks, action_id, nth=nth)
        return self.send(self.requests.block_actions(
            action_id, value=element.get("value") if value is None else value, user_id=user,
            block_id=block_id, channel_id=message.channel, message_ts=message.ts))

    def click_in_view(self, view: View, action_id: str, *, user: str) -> httpx.Response:
        """Press a button inside a modal or the App Home."""
        block_id, element = find_button(view.view.get("blocks") or [], action_id)
        payload_view = {**view.view, "id": view.id}
        return self.send(self.requests.block_actions(action_id, value=element.get("value"), user_id=user,
                                                     block_id=block_id, view=payload_view))

    def submit(self, view: View | Mapping[str, Any], values: Mapping[str, Mapping[str, Mapping[str, Any]]], *,
               user: str) -> httpx.Response:
        """Submit a modal with ``{block_id: {action_id: state}}`` values."""
        body = view.view if isinstance(view, View) else view
        view_id = view.id if isinstance(view, View) else "V0MODAL"
        return self.send(self.requests.view_submission(
            str(body.get("callback_id") or ""), values, user_id=user,
            private_metadata=str(body.get("private_metadata") or ""), view_id=view_id))

    def dm(self, text: str, *, user: str) -> httpx.Response:
        """A direct message to the bot."""
        return self.send(self.requests.message_im(text, user_id=user, channel="D" + user[1:]))

    def messages_to(self, user_or_channel: str) -> list[Message]:
        """Messages (not ephemeral) in a channel, or in the DM with a user."""
        channel = "D" + user_or_channel[1:] if user_or_channel.startswith("U") else user_or_channel
        return [m for m in self.fake.messages(channel) if m.ephemeral_to is None]

    def last_to(self, user_or_channel: str) -> Message:
        """A copy of the newest message of ``messages_to`` (later updates do not change it)."""
        found = self.messages_to(user_or_channel)
        assert found, f"no message to {user_or_channel}"
        return copy.deepcopy(found[-1])

    def replies(self) -> list[Message]:
        """``response_url`` answers (ephemeral replies to commands and clicks), oldest first."""
        return [m for m in self.fake.messages() if m.channel.startswith("response:")]

    def last_view(self) -> View:
        """The most recently opened modal."""
        with self.fake.state.lock:
            views = list(self.fake.state.views.values())
        assert views, "no modal was opened"
        return views[-1]

    def message(self, channel: str, ts: str) -> Message:
        """A copy of a message by channel and ts, as it is now."""
        with self.fake.state.lock:
            found = self.fake.state.find_message(channel, ts)
            assert found is not None
            return copy.deepcopy(found)


def ack_json(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of an acknowledgement ({} when empty)."""
    return response.json() if response.content else {}


Post = Callable[[SignedRequest], httpx.Response]
