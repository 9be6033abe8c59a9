"""Job bodies: work a Slack request starts and a job queue runs after the ack.

``JOBS`` maps a job name to its function ``(container, args)``; ``args`` are JSON values (they are
stored in the ``procrastinate_jobs`` table on PostgreSQL). The same functions run in the
``schedbot worker`` processes (PostgreSQL) and in the serve process (SQLite, ``InProcessQueue``).
A job may run more than once — after its worker died, or when it asks to with ``RetryJob`` — so
each body is safe to repeat: approvals go through the outbox (``core.services.approvals``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.blocks.common import message_text
from bot.container import Container
from bot.jobs.context import system_actor
from bot.slack.flows.approval_progress import SyncMessageProgress, already_text, draw_sync
from core.errors import Conflict, DomainError
from core.model import Actor, Role, RunStatus
from core.ports import RetryJob, store_lock
from core.services.approvals import ApprovalResult

log = logging.getLogger(__name__)

JobFunction = Callable[[Container, dict[str, Any]], None]

APPROVE_RUN = "approve_run"
RESUME_APPROVALS = "resume_approvals"
RESPONSE_URL_TIMEOUT_SECONDS = 10


# ---- arguments ---------------------------------------------------------------------------------


def actor_args(actor: Actor) -> dict[str, Any]:
    """An actor as job arguments."""
    return {"slack_user_id": actor.slack_user_id, "role": actor.role.value, "employee_id": actor.employee_id,
            "store_id": actor.store_id}


def actor_of(args: dict[str, Any]) -> Actor:
    """The actor of ``actor_args``."""
    employee = args.get("employee_id")
    return Actor(slack_user_id=str(args["slack_user_id"]), role=Role(args["role"]),
                 employee_id=str(employee) if employee is not None else None, store_id=int(args["store_id"]))


def approve_args(actor: Actor, run_id: int, proposal_ids: Sequence[int] | None,
                 where: tuple[str, str] | None, response_url: str | None = None) -> dict[str, Any]:
    """Arguments of ``approve_run``: who clicked, the run, the proposals (None: all), the proposal
    message (channel, ts) and the click's ``response_url`` (an ephemeral reply to the clicker,
    valid 30 minutes)."""
    return {"run_id": run_id, "actor": actor_args(actor),
            "proposal_ids": list(proposal_ids) if proposal_ids is not None else None,
            "where": list(where) if where is not None else None, "response_url": response_url or None}


def enqueue_approval(container: Container, actor: Actor, run_id: int, proposal_ids: Sequence[int] | None,
                     where: tuple[str, str] | None, response_url: str | None = None) -> None:
    """Queue the approval of ``run_id`` under its store's lock (blocking: call in a worker thread)."""
    container.jobs.enqueue(APPROVE_RUN, store_id=actor.store_id, lock=store_lock(actor.store_id),
                           args=approve_args(actor, run_id, proposal_ids, where, response_url))


def enqueue_resume(container: Container, store_id: int) -> None:
    """Queue a pass over the store's half-done approvals, under the store's lock."""
    container.jobs.enqueue(RESUME_APPROVALS, store_id=store_id, lock=store_lock(store_id),
                           args={"store_id": store_id})


# ---- approve_run -------------------------------------------------------------------------------


def approve_run(container: Container, args: dict[str, Any]) -> None:
    """Push the run's proposals, redrawing the proposal message ("n/N done", then the result);
    a click that lost the decision is told who decided."""
    run_id = int(args["run_id"])
    actor = actor_of(args["actor"])
    ids = [int(i) for i in args["proposal_ids"]] if args.get("proposal_ids") is not None else None
    where = (str(args["where"][0]), str(args["where"][1])) if args.get("where") else None
    service = container.services.auto
    client = container.sync_client(None)
    progress = (SyncMessageProgress(client, where, lambda: service.summary(run_id), actor.slack_user_id)
                if where is not None else None)
    try:
        try:
            service.approve(actor, run_id, ids, progress=progress, message=where)
        except Conflict as exc:
            now = service.summary(run_id)
            if now.status != RunStatus.APPROVING.value:
                tell_clicker(client, args, already_text(now))
            else:
                log.info("run %d was left approving by a stopped worker; finishing it (%s)", run_id,
                         exc.message)
                finish_left_approval(container, actor, run_id, ids, progress, where)
        except DomainError as exc:
            tell_clicker(client, args, exc.message)
    finally:
        if progress is not None:
            progress.close()
        if where is not None:
            try:
                draw_sync(client, where, service.summary(run_id))
            except Exception:
                log.warning("could not draw the approved run %d", run_id, exc_info=True)


def finish_left_approval(container: Container, actor: Actor, run_id: int, ids: list[int] | None,
                         progress: SyncMessageProgress | None, where: tuple[str, str] | None) -> None:
    """A run still ``APPROVING`` when its store's lock is ours was left by a process that stopped
    mid-approval (this job's earlier attempt): settle what it left pushing (the outbox reads
    Crossmark first, never booking twice), then push the rest. While one of its Crossmark calls
    may still land, ask to run again later."""
    service = container.services.auto
    service.resume(actor)
    now = service.summary(run_id)
    if now.status == RunStatus.APPROVING.value:
        raise RetryJob(f"run {run_id}: a Crossmark call of the stopped approval may still land")
    if now.status in (RunStatus.COMPLETED.value, RunStatus.PARTIALLY_APPROVED.value):
        try:
            service.approve(actor, run_id, ids, progress=progress, message=where)
        except Conflict as exc:
            log.info("run %d: nothing left to approve (%s)", run_id, exc.message)


def tell_clicker(client: WebClient, args: dict[str, Any], text: str) -> None:
    """An ephemeral note to who clicked: through the click's ``response_url`` (next to the message,
    as the listener did), else ``chat.postEphemeral`` in the message's channel, else a DM."""
    body = message_text(text)
    url = args.get("response_url")
    if url:
        try:
            answer = WebhookClient(str(url), timeout=RESPONSE_URL_TIMEOUT_SECONDS).send(
                text=body, response_type="ephemeral", replace_original=False)
            if answer.status_code == 200:
                return
            log.info("response_url answered %d; telling the clicker another way", answer.status_code)
        except Exception:
            log.info("response_url failed; telling the clicker another way", exc_info=True)
    user = str(args["actor"]["slack_user_id"])
    where = args.get("where")
    try:
        if where:
            client.chat_postEphemeral(channel=str(where[0]), user=user, text=body)
        else:
            client.chat_postMessage(channel=user, text=body)
    except SlackApiError as exc:
        log.warning("could not tell %s: %s", user, exc.response.get("error"))


# ---- resume_approvals --------------------------------------------------------------------------


def resume_approvals(container: Container, args: dict[str, Any]) -> None:
    """Finish the approvals of the store that a stopped process left half-done; run again later
    while a Crossmark call of theirs may still land."""
    store_id = int(args["store_id"])
    actor = system_actor(store_id)
    service = container.services.auto

    def redraw(result: ApprovalResult) -> None:
        if result.message is None or len(result.message) != 2:
            return
        try:
            draw_sync(container.sync_client(None), (result.message[0], result.message[1]),
                      service.summary(result.run_id))
        except Exception:
            log.warning("could not redraw the resumed run %d", result.run_id, exc_info=True)

    for result in service.resume(actor, finished=redraw):
        log.info("resumed the approval of run %d: %d pushed, %d failed", result.run_id, len(result.pushed),
                 len(result.failed))
    with container.uow_factory() as uow:
        left = [r.id for r in uow.runs.list(store_id=store_id) if r.status is RunStatus.APPROVING]
    if left:
        raise RetryJob(f"runs {left} still have Crossmark calls that may land")


JOBS: dict[str, JobFunction] = {
    APPROVE_RUN: approve_run,
    RESUME_APPROVALS: resume_approvals,
}

RETRY_SAFE = frozenset({APPROVE_RUN, RESUME_APPROVALS})
"""Jobs that may run again after an unexpected error (their remote changes go through the outbox)."""


def run_job(container: Container, job: str, store_id: int, args: dict[str, Any]) -> None:
    """Run one job by name (what both queues call). An unexpected error of a retry-safe job becomes
    ``RetryJob``; a domain error (bad input, refused) is final."""
    body = JOBS.get(job)
    if body is None:
        log.error("unknown job %r (store %d) dropped", job, store_id)
        return
    try:
        body(container, args)
    except (RetryJob, DomainError):
        raise
    except Exception as exc:
        if job not in RETRY_SAFE:
            raise
        log.warning("job %s (store %d) failed; it will run again", job, store_id, exc_info=True)
        raise RetryJob(f"{job}: {type(exc).__name__}") from exc
