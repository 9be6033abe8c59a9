"""Buttons of the schedule views: Assign… / Reassign… / Override… (open the Assign… modal) and the
Confirm / Cancel buttons that follow a schedule change with soft warnings.

A click's ``trigger_id`` lives three seconds, so a modal opens at once with its data when the data
is quick, else with a loading view that is filled in with ``views.update``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block
from bot.blocks.events import ASSIGN_OPEN_ACTION, CANCEL_ACTION, CONFIRM_ACTION
from bot.blocks.modals import AssignPrefill, assign_modal, loading_modal, notice_modal
from bot.container import Container
from bot.listeners.commands.sched_manage import ChangeRequest, perform
from bot.listeners.views.assign import TITLE, load_assign_form
from bot.slack.identity import current_actor, require_linked
from bot.slack.parsing import echo_safe, make_safe
from core.errors import DomainError

T = TypeVar("T")
OPEN_BUDGET_SECONDS = 1.0


def action_value(body: dict[str, Any]) -> str:
    """The value of the clicked button."""
    clicked = (body.get("actions") or [{}])[0]
    return str(clicked.get("value") or "")


async def open_when_ready(container: Container, client: AsyncWebClient, trigger_id: str, title: str,
                          load: Callable[[], T], build: Callable[[T], Block]) -> None:
    """Open the modal ``build(load())``; behind a loading view when ``load`` is slow.

    A refusal from ``load`` before anything opened is raised (the central handler tells the user);
    after the loading view opened, the modal shows it instead.
    """
    task = asyncio.ensure_future(container.run_blocking(load))
    try:
        data = await asyncio.wait_for(asyncio.shield(task), OPEN_BUDGET_SECONDS)
    except TimeoutError:
        opened = await client.views_open(trigger_id=trigger_id, view=loading_modal(title))
        view_id = str((opened.get("view") or {}).get("id") or "")
        try:
            data = await task
        except DomainError as error:
            await client.views_update(view_id=view_id,
                                      view=notice_modal(title, f":warning: {make_safe(error).message}"))
            return
        await client.views_update(view_id=view_id, view=build(data))
        return
    await client.views_open(trigger_id=trigger_id, view=build(data))


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the Assign… and Confirm / Cancel buttons."""

    @app.action(ASSIGN_OPEN_ACTION)
    async def on_assign_open(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            prefill = AssignPrefill.decode(action_value(body))
            await open_when_ready(container, client, str(body.get("trigger_id") or ""), TITLE,
                                  lambda: load_assign_form(container, actor, prefill.event_id),
                                  lambda form: assign_modal(form, prefill))

    @app.action(CONFIRM_ACTION)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         context: dict[str, Any]) -> None:
        await ack()
        with echo_safe():
            actor = require_linked(await current_actor(context))
            change = ChangeRequest.decode(action_value(body))
            answer = await perform(container, actor, change, confirm=True)
        await respond(replace_original=True, **answer)

    @app.action(CANCEL_ACTION)
    async def on_cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(replace_original=True, text="Cancelled — nothing was changed.")
