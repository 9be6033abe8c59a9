"""The one Bolt error handler: core errors become friendly replies, the rest get a reference.

A ``DomainError`` is the user's to read (its message never carries secrets). Anything else is
logged with a six-character reference and its traceback — never the request body — and the user
sees "Something went wrong (ref ABC123)" so support can find the log line.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Mapping
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.internals import extract_user_id
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import error_modal
from bot.slack.event_dedupe import DuplicateDelivery
from bot.slack.middleware import describe_request
from bot.slack.parsing import make_safe
from core.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)

REF_ALPHABET = string.ascii_uppercase + string.digits
REF_LENGTH = 6


def new_reference() -> str:
    """A short random id shown to the user and written to the log."""
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))


def friendly_message(error: DomainError) -> str:
    """The text a user sees for a domain error, with field problems listed."""
    text = make_safe(error).message
    if isinstance(error, InvalidInput) and error.fields:
        details = "\n".join(f"• {field}: {problem}" for field, problem in error.fields.items())
        text = f"{text}\n{details}"
    return text


def unexpected_message(ref: str) -> str:
    """The text a user sees for a bug or an outage."""
    return (f"Something went wrong (ref {ref}). Please try again; if it keeps happening, "
            f"give your manager the ref.")


def _json_response(payload: Mapping[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload),
                        headers={"content-type": "application/json;charset=utf-8"})


def ack_payload(body: Mapping[str, Any], error: Exception, text: str) -> BoltResponse:
    """The HTTP answer when the error happened before the listener acknowledged."""
    kind = body.get("type")
    if kind == "view_submission":
        if isinstance(error, InvalidInput) and error.fields:
            return _json_response({"response_action": "errors", "errors": dict(error.fields)})
        return _json_response({"response_action": "push", "view": error_modal(text)})
    if "command" in body:
        return _json_response({"response_type": "ephemeral", "text": text})
    return BoltResponse(status=200, body="")


async def tell_user(body: Mapping[str, Any], text: str, *, respond: AsyncRespond | None,
                    client: AsyncWebClient | None, user_id: str | None, channel_id: str | None) -> None:
    """Send an ephemeral note about the failure on the best channel the request offers."""
    try:
        if respond is not None and respond.response_url:
            await respond(text=text, response_type="ephemeral", replace_original=False)
        elif client is not None and user_id and channel_id:
            await client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
        elif client is not None and user_id:
            await client.chat_postMessage(channel=user_id, text=text)
    except Exception as exc:
        log.warning("could not tell the user about an error: %s", type(exc).__name__)


async def handle_error(error: Exception, body: dict[str, Any], response: BoltResponse | None,
                       context: Mapping[str, Any], respond: AsyncRespond | None = None,
                       client: AsyncWebClient | None = None) -> BoltResponse | None:
    """Bolt ``@app.error`` handler for listener and middleware failures.

    ``response`` is ``None`` when the listener had already acknowledged; otherwise the returned
    ``BoltResponse`` becomes the acknowledgement.
    """
    if isinstance(error, DuplicateDelivery):
        log.info("skipping duplicate event %s (retry %s)", error.event_id, error.retry)
        return None
    kind, name = describe_request(body)
    if isinstance(error, BoltUnhandledRequestError):
        log.info("no listener for %s %s", kind, name)
        if body.get("type") == "event_callback":
            return BoltResponse(status=200, body="")
        return None
    if isinstance(error, DomainError):
        log.info("%s refused with %s", kind, error.code)
        text = friendly_message(error)
    else:
        ref = new_reference()
        log.error("unexpected error ref=%s in %s %s", ref, kind, name, exc_info=error)
        text = unexpected_message(ref)
    user_id = extract_user_id(body)
    not_acked = response is not None
    inline = not_acked and kind in ("command", "view_submission")
    if kind == "event":
        if context.get("channel_id") and (not not_acked or isinstance(error, DomainError)):
            await tell_user(body, text, respond=None, client=client, user_id=user_id,
                            channel_id=context.get("channel_id"))
        if not_acked and isinstance(error, DomainError):
            return BoltResponse(status=200, body="")
        return None
    if not inline:
        await tell_user(body, text, respond=respond, client=client,
                        user_id=user_id, channel_id=context.get("channel_id"))
    return ack_payload(body, error, text) if not_acked else None
