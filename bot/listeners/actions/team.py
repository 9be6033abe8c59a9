"""Buttons of the team surfaces: Edit…, Reviewed, Link, roster pages, and Apply / Discard of a roster
upload.

Edit… opens a "Loading…" modal at once (the click's ``trigger_id`` lives three seconds) and fills it
in afterwards. Apply and Discard claim the upload once in the run-once ledger, so a second click (or a
click by a second manager) changes nothing and says who handled it.
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
from bot.listeners.commands.sched_team import review_service, roster_actor, roster_page, services_of
from bot.listeners.events.roster_upload import close_upload, pending_upload, post_dm
from bot.slack.identity import current_actor, require_linked
from core.errors import InvalidInput, NotFound
from core.model import Actor, Employee, WeeklyAvailability
from core.ports import UnitOfWorkFactory
from core.services import authz
from core.services.lookups import employee_of
from core.services.roster import RosterReport

log = logging.getLogger(__name__)

ROSTER_JOB = "roster_import"
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


def claim_upload(uow_factory: UnitOfWorkFactory, store_id: int, upload_id: str) -> bool:
    """Take the upload for this click; True for exactly one of any concurrent clicks."""
    with uow_factory() as uow:
        mine = uow.job_ledger.claim(ROSTER_JOB, upload_id, store_id)
        uow.commit()
    return mine


def finish_claim(uow_factory: UnitOfWorkFactory, store_id: int, upload_id: str, status: str,
                 detail: str) -> None:
    """Record how the claimed upload ended."""
    with uow_factory() as uow:
        uow.job_ledger.finish(ROSTER_JOB, upload_id, store_id, status, detail)
        uow.commit()


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
        outcome = await container.run_blocking(review_service(container).mark_reviewed, actor,
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
        people = services_of(container).people
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
        authz.require(actor, authz.Action.EDIT_TEAM)
        upload_id = clicked_value(body)
        store = actor.store_id
        upload = await container.run_blocking(pending_upload, uow_factory, store, upload_id)
        if upload is None or upload.expired(container.clock.now()):
            await answer(body, respond, client, actor, GONE)
            return
        if not await container.run_blocking(claim_upload, uow_factory, store, upload_id):
            await answer(body, respond, client, actor, ALREADY_HANDLED)
            return
        roster = services_of(container).roster
        try:
            report: RosterReport = await container.run_blocking(roster.import_csv, actor, upload.data)
        except Exception:
            await container.run_blocking(finish_claim, uow_factory, store, upload_id, "failed", "error")
            raise
        state = "applied" if report.applied else "rejected"
        await container.run_blocking(close_upload, uow_factory, store, upload_id, state, actor,
                                     container.clock)
        await container.run_blocking(finish_claim, uow_factory, store, upload_id, state,
                                     f"{upload.filename} by {actor.slack_user_id}")
        await respond(text=f"Roster {upload.filename}: {state}", replace_original=True,
                      blocks=report_blocks(report.render(), title=f"Roster import: {upload.filename}"[:150],
                                           footer=applied_text(report, actor)))

    @app.action(DISCARD_ROSTER_ACTION)
    async def on_discard(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: dict[str, Any]) -> None:
        await ack()
        actor = require_linked(await current_actor(context))
        authz.require(actor, authz.Action.EDIT_TEAM)
        upload_id = clicked_value(body)
        store = actor.store_id
        if not await container.run_blocking(claim_upload, uow_factory, store, upload_id):
            await answer(body, respond, client, actor, ALREADY_HANDLED)
            return
        await container.run_blocking(close_upload, uow_factory, store, upload_id, "discarded", actor,
                                     container.clock)
        await container.run_blocking(finish_claim, uow_factory, store, upload_id, "discarded",
                                     f"by {actor.slack_user_id}")
        await respond(text="Roster upload discarded.", replace_original=True,
                      blocks=report_blocks(f"Discarded by {actor.slack_user_id}. Nothing was applied.",
                                           title="Roster upload discarded"))


def _employee(uow_factory: UnitOfWorkFactory, store_id: int, employee_id: str) -> Employee:
    with uow_factory() as uow:
        return employee_of(uow, store_id, employee_id)
