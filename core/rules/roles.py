"""The role matrix (product.md §5.1) as data."""

from __future__ import annotations

from types import MappingProxyType

from core.model import EventType, JobTitle, Role

ES, LEAD, CLUB, JUICER = (JobTitle.EVENT_SPECIALIST, JobTitle.LEAD, JobTitle.CLUB_SUPERVISOR,
                          JobTitle.JUICER_BARISTA)

ROLE_MATRIX: MappingProxyType[EventType, tuple[JobTitle, ...]] = MappingProxyType({
    EventType.CORE: (LEAD, ES, JUICER),
    EventType.JUICER: (JUICER,),
    EventType.SUPERVISOR: (CLUB, LEAD),
    EventType.FREEOSK: (LEAD, CLUB),
    EventType.DIGITALS: (LEAD, CLUB),
    EventType.OTHER: (CLUB, LEAD),
})
"""Job titles allowed per event type, in preference order. Extra conditions live in the validator:
a Juicer Barista takes Core only when not juicing that day; a Lead takes Supervisor work only as the
day's Primary Lead; a Club Supervisor takes Core only by manager override."""

OVERRIDE_ONLY: MappingProxyType[EventType, tuple[JobTitle, ...]] = MappingProxyType({
    EventType.CORE: (CLUB,),
})

ROLE_RANK = {Role.EMPLOYEE: 0, Role.LEAD: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def title_allowed(title: JobTitle, event_type: EventType) -> bool:
    return title in ROLE_MATRIX[event_type]


def at_least(role: Role, minimum: Role) -> bool:
    return ROLE_RANK[role] >= ROLE_RANK[minimum]
