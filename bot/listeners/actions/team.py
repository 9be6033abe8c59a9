"""Buttons of the team surfaces: Edit…, Reviewed, Link, roster pages, and Apply / Discard of a roster
upload.

Edit… opens a "Loading…" modal at once (the click's ``trigger_id`` lives three seconds) and fills it
in afterwards. Apply and Discard decide a staged upload exactly once (``RosterService.apply_upload`` /
``discard_upload``), so a second click (or a click by a second manager) changes nothing and says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import error_modal
from bot.blocks.team import (
    APPLY_ROSTER_ACTION,
    DISCARD_ROSTER_ACTION,
    EDIT_ACTION,
    LINK_ACTION,
    PAGE_ACTION,
    REVIEWED_ACTION,
    edit_modal,
    loading_modal,
    parse_link_value,
    report_blocks,
)
from bot.container import Container
from bot.slack.flows.team import roster_actor, roster_page
from bot.slack.identity import current_actor, require_linked
from bot.slack.replies import post_dm
from core.errors import InvalidInput, NotFound
from core.model import Actor, Employee, WeeklyAvailability
from core.ports import UnitOfWorkFactory
from core.services import authz
from core.services.lookups import employee_of
from core.services.roster import RosterReport, UploadResult

log = logging.getLogger(__name__)

ALREADY_HANDLED = "Someone already handled this upload; nothing changed."
GONE = "This upload was already applied or discarded, or it expired. Upload the file again."
MAX_VALUE = 200


def clicked_value(body: Mapping[str, Any]) -> str:
    """The value of the clicked button (bounded; empty when missing)."""
    action = (body.get("actions") or [{}])[0]
    value = str(action.get("value") or "")
    if not value or len(value) > MAX_VALUE:
        raise InvalidInput("This button is damaged; run the command again.")
    return value


def edit_form_data(uow_factory: UnitOfWorkFactory, store_id: int,
                   employee_id: str) -> tuple[Employee, WeeklyAvailability, str | None]:
    """What the Edit… modal shows: the employee, their weekly availability and linked Slack user."""
    with uow_factory() as uow:
        person = employee_of(uow, store_id, employee_id)
        weekly = uow.weekly_availability.get(person.id) or WeeklyAvailability(person.id)
        links = sorted(x.slack_user_id for x in uow.slack_links.list(employee_id=person.id))
    return person, weekly, links[0] if links else None


async def answer(body: Mapping[str, Any], respond: AsyncRespond, client: AsyncWebClient, actor: Actor,
                 text: str) -> None:
    """An ephemeral note next to the clicked message, or a DM when the click came from App Home."""
    if body.get("response_url"):
        await respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        await post_dm(client, actor.slack_user_id, text)


def applied_text(report: RosterReport, actor: Actor) -> str:
    """The line under an applied (or refused) upload."""
    if report.applied:
        return f"Applied by <@{actor.slack_user_id}>."
    return "Nothing was applied: the roster changed since the check. Upload the file again."


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the team buttons."""
    uow_factory = container.uow_factory

    @app.action(EDIT_ACTION)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        authz.require(actor, authz.Action.EDIT_TEAM)
        employee_id = clicked_value(body)
        trigger = str(body.get("trigger_id") or "")
        if not trigger:
            raise InvalidInput("Slack sent no trigger for the form; press Edit… again.")
        opened = await client.views_open(trigger_id=trigger, view=loading_modal())
        view_id = str((opened.get("view") or {}).get("id") or "")
        try:
            person, weekly, slack_user = await container.run_blocking(
                edit_form_data, uow_factory, actor.store_id, employee_id)
            view = edit_modal(person, weekly, slack_user)
        except NotFound as exc:
            view = error_modal(exc.message)
        try:
            await client.views_update(view_id=view_id, view=view)
        except SlackApiError as exc:
            log.warning("could not fill the Edit… modal: %s", exc.response.get("error"))

    @app.action(REVIEWED_ACTION)
    async def on_reviewed(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient, context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        outcome = await container.run_blocking(container.services.team_review.mark_reviewed, actor,
                                               clicked_value(body))
        name = outcome.employee.name
        text = (f":white_check_mark: {name} is reviewed." if outcome.changed
                else f"{name} was already reviewed; nothing changed.")
        await answer(body, respond, client, actor, text)

    @app.action(LINK_ACTION)
    async def on_link(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                      context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        try:
            user, employee_id = parse_link_value(clicked_value(body))
        except ValueError:
            raise InvalidInput("This button is damaged; run `/sched team review` again.") from None
        people = container.services.people
        link = await container.run_blocking(people.link, actor, user, employee_id)
        person = await container.run_blocking(_employee, uow_factory, actor.store_id, employee_id)
        await answer(body, respond, client, actor, f":link: <@{user}> is now linked to {person.name}.")
        if link.employee_id == employee_id:
            try:
                await post_dm(client, user, f"Your manager linked your Slack account to {person.name} on "
                                            "the team roster. Try `/sched` to see your schedule.")
            except SlackApiError as exc:
                log.warning("could not DM a newly linked user: %s", exc.response.get("error"))

    @app.action(re.compile(f"^{PAGE_ACTION}_"))
    async def on_page(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                      context: dict[str, Any]) -> None:
        await ack()
        actor = roster_actor(await current_actor(context))
        value = clicked_value(body)
        page = int(value) if value.isdigit() and len(value) <= 4 else 1
        text, blocks = await roster_page(container, actor, page)
        await respond(text=text, blocks=blocks, replace_original=True)

    @app.action(APPLY_ROSTER_ACTION)
    async def on_apply(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                       context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        roster = container.services.roster
        decision = await container.run_blocking(roster.apply_upload, actor, clicked_value(body))
        if decision.result is not UploadResult.DONE or decision.upload is None or decision.report is None:
            await answer(body, respond, client, actor,
                         ALREADY_HANDLED if decision.result is UploadResult.TAKEN else GONE)
            return
        report, name = decision.report, decision.upload.file_name
        state = "applied" if report.applied else "rejected"
        await respond(text=f"Roster {name}: {state}", replace_original=True,
                      blocks=report_blocks(report.render(), title=f"Roster import: {name}"[:150],
                                           footer=applied_text(report, actor)))

    @app.action(DISCARD_ROSTER_ACTION)
    async def on_discard(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        roster = container.services.roster
        decision = await container.run_blocking(roster.discard_upload, actor, clicked_value(body))
        if decision.result is not UploadResult.DONE:
            await answer(body, respond, client, actor,
                         ALREADY_HANDLED if decision.result is UploadResult.TAKEN else GONE)
            return
        await respond(text="Roster upload discarded.", replace_original=True,
                      blocks=report_blocks(f"Discarded by {actor.slack_user_id}. Nothing was applied.",
                                           title="Roster upload discarded"))


def _employee(uow_factory: UnitOfWorkFactory, store_id: int, employee_id: str) -> Employee:
    with uow_factory() as uow:
        return employee_of(uow, store_id, employee_id)
