"""The auto-scheduler's priorities as data: what each named penalty costs.

Weights are in *points*. The CP-SAT model works in integer *model units* (``SCALE`` units per point)
so that fairness can be measured in thousandths of a shift without fractions.

Priorities (autoscheduler.md): leaving an event unscheduled costs, by type,
Juicer > Core > Supervisor > Digitals > Freeosk > Other, plus an urgency bonus that grows as the due
date nears. The gaps between types are larger than the largest urgency bonus, so urgency never
reorders types. Every other penalty is far below the cheapest unscheduled event, so the solver never
trades coverage for comfort.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.model import EventType

SCALE = 20
"""Model units per point."""

PENALTY_NAMES = (
    "unscheduled", "lateness", "due_date", "rotation_juicer", "rotation_primary_lead",
    "role_preference", "slot_imbalance", "digital_slot_shared", "fairness", "churn", "bumps",
)
"""Every named penalty term, in report order."""


def _unscheduled_base() -> dict[EventType, int]:
    return {
        EventType.JUICER: 15500,
        EventType.CORE: 13000,
        EventType.SUPERVISOR: 10500,
        EventType.DIGITALS: 8000,
        EventType.FREEOSK: 5500,
        EventType.OTHER: 3000,
    }


@dataclass(frozen=True)
class Weights:
    """Points per unit of each named penalty."""

    unscheduled_base: dict[EventType, int] = field(default_factory=_unscheduled_base)
    urgency_per_day: int = 200
    """Extra points per day the due date is closer than ``urgency_days``."""
    urgency_days: int = 10
    lateness_per_day: int = 20
    """Per day after the event's earliest allowed day."""
    due_date: int = 300
    """Using the (inclusive) due date itself: a last resort."""
    rotation_juicer: int = 1000
    """A Juicer event worked by a barista who is not that day's Juicer rotation."""
    rotation_primary_lead: int = 60
    """Freeosk or Digitals setup/refresh not worked by that day's Primary Lead."""
    core_by_juicer_barista: int = 30
    supervisor_by_lead: int = 100
    """Supervisor work goes to the Club Supervisor first, the Primary Lead second."""
    lead_work_by_club_supervisor: int = 40
    teardown_by_primary_lead: int = 40
    """Teardowns go to a secondary Lead first."""
    other_by_lead: int = 60
    slot_imbalance: int = 10
    """Per day: busiest Core slot minus emptiest Core slot (plus one point per slot position, so
    ties go to the earliest slot)."""
    digital_slot_shared: int = 40
    """Per extra Digitals event sharing a setup/teardown slot on one day."""
    fairness_per_shift: int = 50
    """Per shift of L1 deviation from each person's availability-proportional share."""
    churn: int = 150
    """Per event placed differently from the previous plan."""
    bump: int = 800
    """Per confirmed assignment moved or unassigned (only with "allow bumping")."""

    def unscheduled(self, event_type: EventType, due: date, today: date) -> int:
        """Points for leaving an event of this type and due date unscheduled."""
        days_left = (due - today).days
        urgency = max(0, self.urgency_days - max(days_left, 0)) * self.urgency_per_day
        return self.unscheduled_base.get(event_type, 3000) + urgency

    @property
    def share_units(self) -> int:
        """Model units per shift of fairness deviation (the resolution of the shares)."""
        return SCALE * self.fairness_per_shift


DEFAULT_WEIGHTS = Weights()
