"""Plain-language direct messages (product.md §2.2): "off friday", "what am I working this week?",
"swap my saturday", "help".

``core.intents.parse_intent`` reads the text (deterministic, no LLM). Requests get a confirmation card
and nothing happens until Submit; schedule questions are answered at once (read-only). Messages from
bots (the bot itself included), edits, deletions and messages carrying files are left alone — files
in a DM are the roster upload's business.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block, actions, button, context, message_text, section
from bot.blocks.time_off import DM_CANCEL_ACTION, HOME_REQUEST_ACTION, confirmation_card, span
from bot.container import Container
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import escape
from bot.slack.payloads import action_value, message_location
from bot.slack.replies import close_dm_card, post_to_managers
from core.errors import DomainError, InvalidInput, PermissionDenied
from core.intents import ClarifyIntent, HelpIntent, ScheduleIntent, TimeOffIntent, parse_intent
from core.model import Actor
from core.services import authz
from core.services.identity import NOT_LINKED_MESSAGE
from core.services.query_models import EmployeeSchedule, ScheduledRow
from core.services.schedule_changes import when
from core.services.time_off import MAX_DAYS

log = logging.getLogger(__name__)

SWAP_SUBMIT_ACTION = "dm_swap_submit"
HELP_TEXT = ("Here is what you can DM me:\n"
             "• `off friday` or `time off 12/24-12/26 family trip` — ask for time off\n"
             "• `what am I working this week?` (or `next week`, `friday`) — your schedule\n"
             "• `swap my saturday` — ask your managers to find someone to take that day\n"
             "Nothing is sent until you press *Submit* on my answer. `/timeoff` opens the form.")


def is_plain_dm(body: dict[str, Any], context: dict[str, Any]) -> bool:
    """A new text message from a person in a DM with the bot (no edits, bots or files)."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return False
    if event.get("subtype"):
        return False
    if event.get("bot_id") or event.get("bot_profile") or event.get("files"):
        return False
    user = event.get("user")
    return bool(user) and user != context.get("bot_user_id") and isinstance(event.get("text"), str)


def schedule_blocks(schedule: EmployeeSchedule, label: str) -> list[Block]:
    """The read-only answer to "what am I working …?"."""
    period = span(schedule.start, schedule.end)
    if not schedule.rows:
        lines = [f"You're not scheduled {label} ({period})."]
    else:
        lines = [f"*Your schedule {label}* ({period}):"]
        lines += [f"• {r.start:%a %m/%d} {r.start:%-I:%M %p}–{r.end:%-I:%M %p} — {escape(r.event_name)}"
                  for r in schedule.rows]
    for off in schedule.time_off:
        lines.append(f":palm_tree: Time off {span(off.start_date, off.end_date)}")
    for pending in schedule.pending_requests:
        period = span(pending.start_date, pending.end_date)
        lines.append(f":hourglass: Request #{pending.id} pending ({period})")
    return [section("\n".join(lines))]


def swap_card(day: date, rows: Sequence[ScheduledRow]) -> list[Block]:
    """The confirmation card of "swap my saturday"."""
    work = "\n".join(f"• {escape(r.event_name)} — {when(r.start)}" for r in rows)
    value = json.dumps({"d": day.isoformat()}, separators=(",", ":"))
    return [section(f"Ask your managers to find someone to take your work on *{day:%a %m/%d}*?\n{work}"),
            actions(button("Submit", SWAP_SUBMIT_ACTION, value=value, style="primary"),
                    button("Cancel", DM_CANCEL_ACTION, value="swap"), block_id="dm_swap")]


def time_off_answer(intent: TimeOffIntent, today: date) -> tuple[str, list[Block]]:
    """A confirmation card, or why the dates can't be asked for."""
    if intent.start < today:
        text = f"{span(intent.start, intent.end)} is in the past — which days do you mean?"
        return text, [section(text)]
    if (intent.end - intent.start).days + 1 > MAX_DAYS:
        text = f"That is more than {MAX_DAYS} days; please ask your manager directly."
        return text, [section(text)]
    text = f"Request time off {span(intent.start, intent.end)}?"
    return text, confirmation_card(intent.start, intent.end, intent.reason)


def clarify_answer(intent: ClarifyIntent) -> list[Block]:
    """Ask for the missing date; time off also gets the form button."""
    blocks: list[Block] = [section(intent.problem)]
    if intent.kind == "time_off":
        blocks.append(actions(button("Open the time-off form", HOME_REQUEST_ACTION), block_id="dm_clarify"))
    return blocks


def help_answer(intent: HelpIntent) -> list[Block]:
    """The short help; when the text was not understood, say so first."""
    blocks: list[Block] = []
    if not intent.understood:
        blocks.append(context(escape(intent.problem or "Sorry, I didn't understand that.")))
    blocks.append(section(HELP_TEXT))
    return blocks


def my_rows(container: Container, actor: Actor, first: date, last: date) -> EmployeeSchedule:
    """The actor's own schedule for the inclusive period."""
    if actor.employee_id is None:
        raise PermissionDenied(NOT_LINKED_MESSAGE)
    days = (last - first).days + 1
    return container.services.queries.employee(actor, actor.employee_id, days=days, start=first)


async def answer(container: Container, client: AsyncWebClient, actor: Actor, text: str) -> None:
    """Read the message and reply in the DM."""
    today = await container.run_blocking(container.services.queries.today, actor)
    intent = parse_intent(text, today)
    if isinstance(intent, HelpIntent | ClarifyIntent):
        blocks = help_answer(intent) if isinstance(intent, HelpIntent) else clarify_answer(intent)
        fallback = HELP_TEXT if isinstance(intent, HelpIntent) else intent.problem
        await client.chat_postMessage(channel=actor.slack_user_id, text=message_text(fallback), blocks=blocks)
        return
    linked = require_linked(actor)
    if isinstance(intent, TimeOffIntent):
        summary, blocks = time_off_answer(intent, today)
    elif isinstance(intent, ScheduleIntent):
        schedule = await container.run_blocking(my_rows, container, linked, intent.start, intent.end)
        summary, blocks = f"Your schedule {intent.label}", schedule_blocks(schedule, intent.label)
    else:
        schedule = await container.run_blocking(my_rows, container, linked, intent.day, intent.day)
        if not schedule.rows:
            summary = f"You're not scheduled on {intent.day:%a %m/%d}, so there is nothing to swap."
            blocks = [section(summary)]
        else:
            summary = f"Swap your work on {intent.day:%a %m/%d}?"
            blocks = swap_card(intent.day, schedule.rows)
    await client.chat_postMessage(channel=linked.slack_user_id, text=message_text(summary), blocks=blocks)


def swap_day(value: str) -> date:
    """The day a swap card's Submit carries."""
    try:
        return date.fromisoformat(str(json.loads(value)["d"]))
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput("That card is damaged; type your request again.", {"date": "bad value"}) from exc


def register(app: AsyncApp, container: Container) -> None:
    """Listen to direct messages and the buttons of the DM cards."""

    async def plain_dm(body: dict[str, Any], context: dict[str, Any]) -> bool:
        return is_plain_dm(body, context)

    @app.event("message", matchers=[plain_dm])
    async def on_dm(event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]) -> None:
        actor = await current_actor(context)
        if actor is None:
            return
        try:
            await answer(container, client, actor, str(event.get("text") or ""))
        except DomainError as error:
            await client.chat_postMessage(channel=actor.slack_user_id, text=message_text(error.message))

    @app.action(DM_CANCEL_ACTION)
    async def on_cancel(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await close_dm_card(client, message_location(body), "Cancelled — nothing was sent.")

    @app.action(SWAP_SUBMIT_ACTION)
    async def on_swap(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        authz.require(actor, authz.Action.SWAP_OFFER)
        day = swap_day(action_value(body))
        if day < await container.run_blocking(container.services.queries.today, actor):
            raise InvalidInput(f"{day:%a %m/%d} is already past.", {"date": "past"})
        schedule = await container.run_blocking(my_rows, container, actor, day, day)
        if not schedule.rows:
            await close_dm_card(client, message_location(body),
                                f"You're no longer scheduled on {day:%a %m/%d}.")
            return
        name = escape(schedule.employee.name)
        lines = "\n".join(f"• {escape(r.event_name)} — {when(r.start)}" for r in schedule.rows)
        text = (f":repeat: *{name}* (<@{actor.slack_user_id}>) asks for someone to take their work on "
                f"*{day:%a %m/%d}*:\n{lines}\nUse `/sched swap` or `/sched move` to arrange it.")
        delivered = await post_to_managers(container, client, actor.store_id, text, [section(text)])
        outcome = "Sent to your managers" if delivered else "No manager could be reached in Slack"
        await close_dm_card(client, message_location(body), f"{outcome}; they will arrange the swap.")
