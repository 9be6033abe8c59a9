"""Time-off requests on Slack: the request card (as managers see it), filing a request and sending
its card to the managers, opening the request modal, and redrawing a card from the stored request.

The request state machine lives in ``TimeOffService``; these steps only show it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import message_text
from bot.blocks.time_off import Prefill, decided_card, request_card, request_modal, request_text, span
from bot.container import Container, Services
from bot.slack.flows.team import manager_options
from bot.slack.replies import post_to_managers
from core.errors import InvalidInput
from core.model import Actor, TimeOffRequest, TimeOffStatus
from core.services.query_models import ScheduledRow
from core.services.time_off import TimeOffOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Card:
    """A request with the requester's name and their assignments inside its range."""

    request: TimeOffRequest
    employee_name: str
    rows: tuple[ScheduledRow, ...]

    def blocks(self, notes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The card as it should look now."""
        if self.request.status is TimeOffStatus.PENDING:
            return request_card(self.request, self.employee_name, self.rows)
        return decided_card(self.request, self.employee_name, self.rows, notes)

    def text(self) -> str:
        """The notification text of the card."""
        return request_text(self.request, self.employee_name)


def load_card(services: Services, actor: Actor, request: TimeOffRequest | int) -> Card:
    """The request (by id, as ``actor`` may see it) with its requester's work in the range."""
    if isinstance(request, int):
        found = [r for r in services.time_off.list_requests(actor) if r.id == request]
        if not found:
            raise InvalidInput(f"Time-off request #{request} does not exist.", {"request": "unknown"})
        request = found[0]
    days = (request.end_date - request.start_date).days + 1
    schedule = services.queries.employee(actor, request.employee_id, days=days, start=request.start_date)
    return Card(request, schedule.employee.name, schedule.rows)


def already_text(request: TimeOffRequest) -> str:
    """"Request #3 was already approved by @ana." """
    by = f" by <@{request.decided_by}>" if request.decided_by else ""
    return f"Request #{request.id} was already {request.status.value}{by}; nothing changed."


async def open_request_modal(container: Container, client: AsyncWebClient, actor: Actor, trigger_id: str,
                             prefill: Prefill, private_metadata: str = "") -> None:
    """Open the time-off modal (managers also pick who is off)."""
    options = await container.run_blocking(manager_options, container.services, actor)
    if options and prefill.employee_id is None and actor.employee_id in {v for _, v in options}:
        prefill = Prefill(prefill.start, prefill.end, prefill.reason, actor.employee_id, prefill.note)
    await client.views_open(trigger_id=trigger_id,
                            view=request_modal(prefill, employees=options, private_metadata=private_metadata))


async def submit_request(container: Container, actor: Actor, employee_id: str, start: date, end: date,
                         reason: str | None) -> Card:
    """File the request (the service checks the dates); its card."""
    services = container.services
    outcome: TimeOffOutcome = await container.run_blocking(services.time_off.submit, actor, employee_id,
                                                           start, end, reason)
    return await container.run_blocking(load_card, services, actor, outcome.request)


async def dm(client: AsyncWebClient, user_id: str, text: str) -> None:
    """A direct message; failures are logged, not raised (the main work is done)."""
    try:
        await client.chat_postMessage(channel=user_id, text=message_text(text))
    except SlackApiError as exc:
        log.warning("DM to %s failed: %s", user_id, exc.response.get("error"))


async def announce(container: Container, client: AsyncWebClient, actor: Actor, card: Card) -> None:
    """Send the card to the managers and tell the requester it went out."""
    delivered = await post_to_managers(container, client, card.request.store_id, card.text(), card.blocks())
    sent = "sent to your managers" if delivered else "saved, but no manager could be reached in Slack"
    r = card.request
    await dm(client, actor.slack_user_id, f"Your time-off request #{r.id} ({span(r.start_date, r.end_date)}) "
                                          f"was {sent}. I'll DM you when it is decided.")


async def redraw(container: Container, client: AsyncWebClient, actor: Actor, request_id: int,
                 where: tuple[str, str] | None, notes: tuple[str, ...] = ()) -> Card:
    """Re-render the card at ``where`` from the stored request."""
    card = await container.run_blocking(load_card, container.services, actor, request_id)
    if where is not None:
        await client.chat_update(channel=where[0], ts=where[1], text=message_text(card.text()),
                                 blocks=card.blocks(notes))
    return card
