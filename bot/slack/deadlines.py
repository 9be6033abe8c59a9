"""Modals within Slack's three seconds: open one when its data is ready (behind a loading view when
the data is slow), and acknowledge a submission with its outcome, or "Saving…" and update it later.

A click's ``trigger_id`` lives three seconds and a ``view_submission`` must be acknowledged within
three seconds, so both helpers run the work against a budget below that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Block
from bot.blocks.modals import loading_modal, notice_modal
from bot.container import Container
from bot.slack.parsing import make_safe
from core.errors import DomainError

T = TypeVar("T")
OPEN_BUDGET_SECONDS = 1.0
SUBMIT_BUDGET_SECONDS = 2.0


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


async def settle(ack: AsyncAck, client: AsyncWebClient, view_id: str, work: Awaitable[Block], *,
                 title: str, errors_for: Callable[[DomainError], dict[str, str] | None]) -> None:
    """Acknowledge a submission with the view ``work`` makes, or its field errors, within the budget;
    past the budget acknowledge with "Saving…" and update the modal when ``work`` is done."""
    task = asyncio.ensure_future(work)
    try:
        view = await asyncio.wait_for(asyncio.shield(task), SUBMIT_BUDGET_SECONDS)
    except TimeoutError:
        await ack(response_action="update", view=notice_modal(title, ":hourglass_flowing_sand: Saving…"))
        try:
            view = await task
        except DomainError as error:
            view = notice_modal(title, f":warning: {make_safe(error).message}")
        await client.views_update(view_id=view_id, view=view)
        return
    except DomainError as error:
        fields = errors_for(make_safe(error))
        if fields:
            await ack(response_action="errors", errors=fields)
        else:
            await ack(response_action="update", view=notice_modal(title, f":warning: {error.message}"))
        return
    await ack(response_action="update", view=view)
