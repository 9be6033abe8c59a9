"""The core services the Slack edge, the clock and the CLI call (built by bot/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.services.availability import AvailabilityService
    from core.services.holidays import HolidayService
    from core.services.packet import PacketService
    from core.services.people import PeopleService
    from core.services.queries import QueryService
    from core.services.roster import RosterService
    from core.services.rotations import RotationService
    from core.services.scheduling import SchedulingService
    from core.services.sync import SyncService
    from core.services.time_off import TimeOffService


@dataclass
class Services:
    """``container.services``: one instance of each core service."""

    scheduling: SchedulingService
    time_off: TimeOffService
    availability: AvailabilityService
    rotations: RotationService
    holidays: HolidayService
    people: PeopleService
    queries: QueryService
    roster: RosterService
    packet: PacketService
    sync: SyncService | None
    """None when Crossmark is not configured."""
    auto: Any
    """core.services.autoschedule.AutoScheduleService"""
