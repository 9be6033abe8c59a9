"""The daily packet in the team channel: the morning job, the deadline job, the code path, on demand.

- ``scheduled`` (at ``PACKET_TIME``) builds today's packet. When Retail Link needs a new SMS code
  and ``PACKET_DEADLINE`` has not passed, nothing is posted yet: the day is recorded as waiting and
  every manager gets the "Enter code" DM. Otherwise the packet is posted.
- ``after_code`` (a manager entered the code) builds the packet with EDR pages and posts it where it
  was waiting, replacing any earlier post of the day.
- ``deadline`` (at ``PACKET_DEADLINE``) posts a still-waiting packet without EDR pages and says so.
- ``on_demand`` (``/packet``) builds and posts at once, to the channel it is asked in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from bot.jobs.context import JobContext
from bot.jobs.mfa_prompt import CodePurpose, ask_managers_for_code, clock_text, packet_prompt_text
from core.model import Actor
from core.ports import PostedPacket
from core.services.packet import PacketBuild

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PacketOutcome:
    """What a packet run did: posted (where), or waiting for a code; and whether EDRs are missing."""

    day: date
    posted: PostedPacket | None
    waiting: bool = False
    needs_code: bool = False
    missing_edr: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for the job ledger and for replies."""
        if self.waiting:
            return f"packet {self.day} waits for a Retail Link code"
        if self.posted is None:
            return f"packet {self.day}: nothing to post"
        verb = "replaced" if self.posted.replaced else "posted"
        extra = f", {len(self.missing_edr)} EDR missing" if self.missing_edr else ""
        return f"packet {self.day} {verb} in {self.posted.channel}{extra}"


def deadline_note(ctx: JobContext) -> str:
    """The note printed on the packet when nobody entered a code in time."""
    return (f"No Retail Link code was entered by {clock_text(ctx.settings.packet_deadline)}, so the EDR "
            f"pages are missing from this packet.")


class DailyPacket:
    """Builds the packet with ``PacketService`` and posts it with the context's ``PacketPoster``."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx

    def scheduled(self, day: date) -> PacketOutcome:
        """The ``PACKET_TIME`` job for ``day``."""
        channel = self.ctx.team_channel()
        build = self._build(self.ctx.actor, day)
        if build.needs_code and self._before_deadline(day):
            self._ask_for_code(day)
            recorded = self.ctx.poster.recorded(day)
            if recorded is None or not recorded.posted:
                self.ctx.poster.mark_waiting(day, channel)
                return PacketOutcome(day, None, waiting=True, needs_code=True,
                                     missing_edr=build.missing_edr)
        return self._post(build, channel)

    def after_code(self, day: date) -> PacketOutcome:
        """Build ``day``'s packet now that Retail Link has a session, and post it where it waits."""
        recorded = self.ctx.poster.recorded(day)
        channel = recorded.channel if recorded is not None and recorded.channel else self.ctx.team_channel()
        return self._post(self._build(self.ctx.actor, day), channel)

    def deadline(self, day: date) -> PacketOutcome:
        """The ``PACKET_DEADLINE`` job: post a packet that is still waiting, without the EDR pages."""
        recorded = self.ctx.poster.recorded(day)
        if recorded is None or recorded.posted:
            return PacketOutcome(day, None)
        channel = recorded.channel or self.ctx.team_channel()
        retaillink = self.ctx.retaillink
        if retaillink is not None and retaillink.has_session():
            build = self._build(self.ctx.actor, day)
        else:
            build = self._build(self.ctx.actor, day, use_retaillink=False, note=deadline_note(self.ctx))
        return self._post(build, channel)

    def on_demand(self, actor: Actor, day: date, channel: str) -> PacketOutcome:
        """``/packet``: build as ``actor`` (who must be allowed to) and post to ``channel``."""
        return self._post(self._build(actor, day), channel)

    def _build(self, actor: Actor, day: date, *, use_retaillink: bool = True,
               note: str | None = None) -> PacketBuild:
        return self.ctx.packet.build(actor, day, use_retaillink=use_retaillink, edr_note=note)

    def _post(self, build: PacketBuild, channel: str) -> PacketOutcome:
        summary = self.ctx.packet.summary(build.data)
        posted = self.ctx.poster.post(build, channel, summary)
        return PacketOutcome(build.data.day, posted, needs_code=build.needs_code,
                             missing_edr=build.missing_edr)

    def _before_deadline(self, day: date) -> bool:
        return self.ctx.local_now() < self.ctx.local_instant(day, self.ctx.settings.packet_deadline)

    def _ask_for_code(self, day: date) -> None:
        text = packet_prompt_text(day, self.ctx.settings.packet_deadline)
        try:
            ask_managers_for_code(self.ctx.notifier, self.ctx.store_id, CodePurpose(day), text)
        except Exception as exc:
            log.warning("could not ask the managers for a Retail Link code: %s", type(exc).__name__)
