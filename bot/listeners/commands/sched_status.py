"""``/sched status``: last syncs, EDR cache freshness, today's packet, last and next jobs, pending work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.blocks.common import Block, context, header, section
from bot.clock.scheduler import job_table, next_runs
from bot.container import Container
from bot.jobs.context import JobContext, request_context
from bot.slack.identity import require_linked
from bot.slack.subcommands import SubcommandRequest, register_subcommand
from core.model import Actor
from core.ports import PacketPost
from core.services.queries import QueryService
from core.services.query_models import StatusView

FRESH_HOURS, ACCEPTABLE_HOURS, STALE_HOURS = 12, 24, 48


@dataclass(frozen=True)
class StatusReport:
    """Everything ``/sched status`` shows."""

    view: StatusView
    edr_fetched_at: datetime | None
    retaillink_signed_in: bool | None
    packet_today: PacketPost | None
    next_jobs: tuple[tuple[str, datetime], ...]
    now: datetime


def edr_freshness(fetched_at: datetime | None, now: datetime) -> str:
    """How usable the EDR cache is (the legacy wording: fresh / acceptable / stale / very stale)."""
    if fetched_at is None:
        return "empty (no EDR report cached yet)"
    age = now - fetched_at
    hours = age.total_seconds() / 3600
    if hours < FRESH_HOURS:
        word = "fresh"
    elif hours < ACCEPTABLE_HOURS:
        word = "acceptable"
    elif hours < STALE_HOURS:
        word = "stale, sync recommended"
    else:
        word = "very stale"
    return f"{word} (newest report {_age(age)} old)"


def _age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"


def collect_status(ctx: JobContext, actor: Actor, queries: QueryService) -> StatusReport:
    """Gather the status (blocking: database and, for the session check, the Retail Link store)."""
    view = queries.status(actor)
    with ctx.uow_factory() as uow:
        fetched = uow.edr_cache.freshness(actor.store_id)
        packet_today = uow.packet_posts.get(actor.store_id, ctx.today())
    signed_in = ctx.retaillink.has_session() if ctx.retaillink is not None else None
    now = ctx.clock.now()
    upcoming = tuple((spec.id, fire) for spec, fire in next_runs(job_table(ctx), ctx.zone, now))
    return StatusReport(view, fetched, signed_in, packet_today, upcoming, now)


def _local(ctx: JobContext, instant: datetime | None) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(ctx.zone).strftime("%a %b %-d %-I:%M %p")


def status_blocks(ctx: JobContext, report: StatusReport) -> list[Block]:
    """The status card."""
    blocks: list[Block] = [header("schedbot status")]
    syncs = [f"• *{kind}*: {run.status} at {_local(ctx, run.finished_at or run.started_at)} — "
             + ", ".join(f"{k} {v}" for k, v in run.counts.items() if k != "duration_ms")
             for kind, run in sorted(report.view.last_syncs.items())]
    blocks.append(section("*Last syncs*\n" + ("\n".join(syncs) or "No sync has run yet.")))
    session = {None: "not configured", True: "signed in", False: "needs a new SMS code"}
    blocks.append(section(f"*EDR cache*: {edr_freshness(report.edr_fetched_at, report.now)}\n"
                          f"*Retail Link*: {session[report.retaillink_signed_in]}"))
    post = report.packet_today
    packet = ("not posted yet" if post is None else
              f"posted in <#{post.channel}> at {_local(ctx, post.posted_at)}" if post.posted else
              f"waiting for a Retail Link code (goes to <#{post.channel}>)")
    blocks.append(section(f"*Today's packet*: {packet}"))
    last = [f"• {job}: {status} ({period}, finished {_local(ctx, finished)})"
            for job, (period, status, finished) in sorted(report.view.jobs.items())]
    upcoming = [f"• {job}: {_local(ctx, fire)}" for job, fire in report.next_jobs]
    blocks.append(section("*Last job runs*\n" + ("\n".join(last) or "No job has run yet.")))
    blocks.append(section("*Next jobs*\n" + ("\n".join(upcoming) or "No jobs are scheduled.")))
    view = report.view
    blocks.append(context(f"Pending proposals: {view.pending_proposals} · Time-off requests: "
                          f"{view.pending_time_off} · People to review: {len(view.needs_review)}"))
    return blocks


async def show_status(request: SubcommandRequest) -> None:
    """``/sched status``."""
    actor = require_linked(request.actor)
    ctx = request_context(request.container, request.body)
    queries = request.container.services.queries
    report = await request.container.run_blocking(collect_status, ctx, actor, queries)
    await request.reply("schedbot status", status_blocks(ctx, report))


def register(app: object, container: Container) -> None:
    """Add the ``status`` subcommand."""
    register_subcommand("status", show_status, help="Last syncs, EDR freshness, jobs, pending work.",
                        examples=("/sched status",))
