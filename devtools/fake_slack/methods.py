"""Web API methods the bot calls, answered the way Slack answers them (``ok``, ids, errors)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from devtools.fake_slack.state import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    Channel,
    Message,
    UploadedFile,
    View,
    WorkspaceState,
)

Payload = dict[str, Any]
Method = Callable[[WorkspaceState, Payload, str], Payload]
"""(state, params, base_url) → the JSON answer (``ok`` added by the server)."""

METHODS: dict[str, Method] = {}


class SlackFailure(Exception):
    """Answer ``{"ok": false, "error": <error>}``."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def method(name: str) -> Callable[[Method], Method]:
    """Register a Web API method implementation."""
    def add(fn: Method) -> Method:
        METHODS[name] = fn
        return fn
    return add


def _json_param(params: Payload, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackFailure(f"invalid_{name}") from exc
    return value


def _required(params: Payload, name: str, error: str | None = None) -> str:
    value = params.get(name)
    if value in (None, ""):
        raise SlackFailure(error or f"missing_{name}")
    return str(value)


def _channel(state: WorkspaceState, params: Payload, key: str = "channel") -> Channel:
    channel = state.resolve_channel(_required(params, key, "channel_not_found"))
    if channel is None:
        raise SlackFailure("channel_not_found")
    return channel


def _blocks(params: Payload) -> list[dict[str, Any]]:
    blocks = _json_param(params, "blocks") or []
    if not isinstance(blocks, list):
        raise SlackFailure("invalid_blocks")
    if len(blocks) > 50:
        raise SlackFailure("invalid_blocks")
    return blocks


@method("api.test")
def api_test(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``api.test`` like Slack does."""
    return {"args": {k: v for k, v in params.items() if k != "token"}}


@method("auth.test")
def auth_test(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``auth.test`` like Slack does."""
    return {"url": "https://store.example.slack.com/", "team": state.team_name, "user": "schedbot",
            "team_id": state.team_id, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID,
            "is_enterprise_install": False}


@method("chat.postMessage")
def chat_post_message(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``chat.postMessage`` like Slack does."""
    channel = _channel(state, params)
    if not channel.bot_is_member and not channel.is_im:
        raise SlackFailure("not_in_channel")
    text = str(params.get("text") or "")
    blocks = _blocks(params)
    if not text and not blocks:
        raise SlackFailure("no_text")
    msg = Message(channel.id, state.next_ts(), text, blocks, thread_ts=params.get("thread_ts"))
    state.messages.append(msg)
    return {"channel": channel.id, "ts": msg.ts, "message": msg.payload()}


@method("chat.postEphemeral")
def chat_post_ephemeral(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``chat.postEphemeral`` like Slack does."""
    channel = _channel(state, params)
    user = _required(params, "user", "user_not_found")
    if user not in state.users:
        raise SlackFailure("user_not_found")
    msg = Message(channel.id, state.next_ts(), str(params.get("text") or ""), _blocks(params),
                  ephemeral_to=user)
    state.messages.append(msg)
    return {"message_ts": msg.ts}


@method("chat.update")
def chat_update(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``chat.update`` like Slack does."""
    channel = _channel(state, params)
    msg = state.find_message(channel.id, _required(params, "ts", "message_not_found"))
    if msg is None:
        raise SlackFailure("message_not_found")
    if "text" in params:
        msg.text = str(params["text"])
    if "blocks" in params:
        msg.blocks = _blocks(params)
    return {"channel": channel.id, "ts": msg.ts, "text": msg.text, "message": msg.payload()}


@method("chat.delete")
def chat_delete(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``chat.delete`` like Slack does."""
    channel = _channel(state, params)
    msg = state.find_message(channel.id, _required(params, "ts", "message_not_found"))
    if msg is None:
        raise SlackFailure("message_not_found")
    state.messages.remove(msg)
    return {"channel": channel.id, "ts": msg.ts}


def _view(params: Payload) -> dict[str, Any]:
    view = _json_param(params, "view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise SlackFailure("invalid_arguments")
    if view["type"] == "modal" and len(view.get("blocks", [])) > 100:
        raise SlackFailure("invalid_arguments")
    return view


def _open(state: WorkspaceState, params: Payload, previous: str | None) -> Payload:
    _required(params, "trigger_id", "invalid_trigger_id")
    record = View(state.next_id("V"), _view(params), hash=state.next_ts(), previous_view_id=previous)
    state.views[record.id] = record
    return {"view": record.payload(state.team_id)}


@method("views.open")
def views_open(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``views.open`` like Slack does."""
    return _open(state, params, None)


@method("views.push")
def views_push(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``views.push`` like Slack does."""
    open_views = [v for v in state.views.values() if not v.closed]
    return _open(state, params, open_views[-1].id if open_views else None)


@method("views.update")
def views_update(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``views.update`` like Slack does."""
    target = None
    if params.get("view_id"):
        target = state.views.get(str(params["view_id"]))
    elif params.get("external_id"):
        target = next((v for v in state.views.values()
                       if v.view.get("external_id") == params["external_id"]), None)
    if target is None:
        raise SlackFailure("not_found")
    if params.get("hash") and params["hash"] != target.hash:
        raise SlackFailure("hash_conflict")
    target.view = _view(params)
    target.hash = state.next_ts()
    return {"view": target.payload(state.team_id)}


@method("views.publish")
def views_publish(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``views.publish`` like Slack does."""
    user = _required(params, "user_id", "user_not_found")
    view = _view(params)
    current = state.home.get(user)
    record = View(current.id if current else state.next_id("V"), view, user=user, hash=state.next_ts())
    state.home[user] = record
    return {"view": record.payload(state.team_id)}


@method("conversations.open")
def conversations_open(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``conversations.open`` like Slack does."""
    users = [u for u in str(params.get("users") or "").split(",") if u]
    if len(users) != 1 or users[0] not in state.users:
        raise SlackFailure("user_not_found")
    return {"channel": {"id": state.dm_channel(users[0]).id}}


@method("conversations.join")
def conversations_join(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``conversations.join`` like Slack does."""
    channel = _channel(state, params)
    if channel.is_private or channel.is_im:
        raise SlackFailure("method_not_supported_for_channel_type")
    channel.bot_is_member = True
    return {"channel": channel.payload()}


@method("conversations.info")
def conversations_info(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``conversations.info`` like Slack does."""
    return {"channel": _channel(state, params).payload()}


@method("conversations.members")
def conversations_members(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``conversations.members`` like Slack does."""
    channel = _channel(state, params)
    return {"members": list(channel.members), "response_metadata": {"next_cursor": ""}}


@method("users.info")
def users_info(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``users.info`` like Slack does."""
    user = state.users.get(_required(params, "user", "user_not_found"))
    if user is None:
        raise SlackFailure("user_not_found")
    return {"user": user.payload(state.team_id)}


@method("users.lookupByEmail")
def users_lookup_by_email(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``users.lookupByEmail`` like Slack does."""
    email = _required(params, "email", "users_not_found").casefold()
    for user in state.users.values():
        if user.email is not None and user.email.casefold() == email:
            return {"user": user.payload(state.team_id)}
    raise SlackFailure("users_not_found")


@method("users.list")
def users_list(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``users.list`` like Slack does."""
    members = [u.payload(state.team_id) for u in state.users.values()]
    limit = int(params.get("limit") or 200)
    start = int(params.get("cursor") or 0)
    page = members[start:start + limit]
    more = start + limit < len(members)
    return {"members": page, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


@method("files.getUploadURLExternal")
def files_get_upload_url(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``files.getUploadURLExternal`` like Slack does."""
    filename = _required(params, "filename", "invalid_arguments")
    length = int(_required(params, "length", "invalid_arguments"))
    record = UploadedFile(state.next_id("F"), filename, length)
    state.files[record.id] = record
    root = base_url.removesuffix("/api/")
    return {"upload_url": f"{root}/upload/{record.id}", "file_id": record.id}


@method("files.completeUploadExternal")
def files_complete_upload(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``files.completeUploadExternal`` like Slack does."""
    entries = _json_param(params, "files")
    if not isinstance(entries, list) or not entries:
        raise SlackFailure("invalid_arguments")
    channel_id = params.get("channel_id") or params.get("channels")
    channel = state.resolve_channel(str(channel_id)) if channel_id else None
    if channel_id and channel is None:
        raise SlackFailure("channel_not_found")
    if channel is not None and not channel.bot_is_member and not channel.is_im:
        raise SlackFailure("not_in_channel")
    done = []
    for entry in entries:
        record = state.files.get(str(entry.get("id")))
        if record is None or len(record.content) != record.length:
            raise SlackFailure("file_not_found")
        record.title = entry.get("title") or record.filename
        record.completed = True
        if channel is not None:
            record.channels.append(channel.id)
        done.append({"id": record.id, "name": record.filename, "title": record.title,
                     "size": record.length, "channels": list(record.channels)})
    if channel is not None:
        state.messages.append(Message(channel.id, state.next_ts(), str(params.get("initial_comment") or ""),
                                      thread_ts=params.get("thread_ts"), files=[str(d["id"]) for d in done]))
    return {"files": done}


@method("files.delete")
def files_delete(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``files.delete`` like Slack does."""
    record = state.files.get(_required(params, "file", "file_not_found"))
    if record is None or record.deleted:
        raise SlackFailure("file_not_found")
    record.deleted = True
    return {}


@method("reactions.add")
def reactions_add(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``reactions.add`` like Slack does."""
    channel = _channel(state, params)
    key = (channel.id, _required(params, "timestamp", "message_not_found"),
           _required(params, "name", "invalid_name"))
    if state.find_message(channel.id, key[1]) is None:
        raise SlackFailure("message_not_found")
    if key in state.reactions:
        raise SlackFailure("already_reacted")
    state.reactions.add(key)
    return {}


@method("apps.connections.open")
def apps_connections_open(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``apps.connections.open``: the WebSocket URL of a running ``FakeSocketMode``."""
    if state.socket_mode_url is None:
        raise SlackFailure("socket_mode_not_enabled")
    return {"url": state.socket_mode_url}


@method("oauth.v2.access")
def oauth_v2_access(state: WorkspaceState, params: Payload, base_url: str) -> Payload:
    """Answer ``oauth.v2.access`` like Slack does."""
    code = _required(params, "code", "invalid_code")
    installer = next(iter(state.users), "U0INSTALLER")
    return {"access_token": f"xoxb-fake-{state.team_id}-{code}", "token_type": "bot",
            "scope": "commands,chat:write", "bot_user_id": BOT_USER_ID, "app_id": APP_ID,
            "team": {"id": state.team_id, "name": state.team_name}, "enterprise": None,
            "is_enterprise_install": False, "authed_user": {"id": installer}}
