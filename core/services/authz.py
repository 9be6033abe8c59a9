"""Authorization in core: deny by default, roles per product.md §1."""

from __future__ import annotations

from enum import StrEnum

from core.errors import PermissionDenied
from core.model import Actor, Role
from core.rules.roles import at_least


class Action(StrEnum):
    VIEW_OWN = "view own schedule"
    VIEW_TEAM = "view the team schedule"
    VIEW_ALL = "view everything"
    REQUEST_TIME_OFF = "request time off"
    SET_OWN_AVAILABILITY = "set own availability"
    SWAP_OFFER = "offer or accept swaps"
    APPROVE_SWAP = "approve swaps offered to them"
    BUILD_PACKET = "build packets"
    SCHEDULE = "schedule, move, trade, reissue or unassign"
    RUN_AUTO = "run or decide the auto-scheduler"
    APPROVE_TIME_OFF = "approve time off"
    EDIT_ROTATIONS = "edit rotations"
    EDIT_HOLIDAYS = "edit holidays"
    EDIT_AVAILABILITY = "edit anyone's availability"
    EDIT_TEAM = "edit the team roster"
    LINK_USERS = "link Slack users to employees"
    RUN_SYNC = "run syncs"
    SETTINGS = "change settings and credentials"
    ROLES = "change roles"


MINIMUM_ROLE: dict[Action, Role] = {
    Action.VIEW_OWN: Role.EMPLOYEE,
    Action.VIEW_TEAM: Role.EMPLOYEE,
    Action.REQUEST_TIME_OFF: Role.EMPLOYEE,
    Action.SET_OWN_AVAILABILITY: Role.EMPLOYEE,
    Action.SWAP_OFFER: Role.EMPLOYEE,
    Action.VIEW_ALL: Role.LEAD,
    Action.APPROVE_SWAP: Role.LEAD,
    Action.BUILD_PACKET: Role.LEAD,
    Action.SCHEDULE: Role.MANAGER,
    Action.RUN_AUTO: Role.MANAGER,
    Action.APPROVE_TIME_OFF: Role.MANAGER,
    Action.EDIT_ROTATIONS: Role.MANAGER,
    Action.EDIT_HOLIDAYS: Role.MANAGER,
    Action.EDIT_AVAILABILITY: Role.MANAGER,
    Action.EDIT_TEAM: Role.MANAGER,
    Action.LINK_USERS: Role.MANAGER,
    Action.RUN_SYNC: Role.MANAGER,
    Action.SETTINGS: Role.ADMIN,
    Action.ROLES: Role.ADMIN,
}

EMPLOYEE_ACTIONS = frozenset({Action.VIEW_OWN, Action.VIEW_TEAM, Action.REQUEST_TIME_OFF,
                              Action.SET_OWN_AVAILABILITY, Action.SWAP_OFFER})
"""Actions that need the actor to be linked to an employee when their role is only employee."""


def allowed(actor: Actor, action: Action) -> bool:
    minimum = MINIMUM_ROLE.get(action)
    if minimum is None:
        return False
    if not at_least(actor.role, minimum):
        return False
    return not (actor.role is Role.EMPLOYEE and action in EMPLOYEE_ACTIONS and actor.employee_id is None)


def require(actor: Actor, action: Action) -> None:
    """Raise PermissionDenied unless ``actor`` may perform ``action``."""
    if allowed(actor, action):
        return
    if actor.role is Role.EMPLOYEE and actor.employee_id is None:
        raise PermissionDenied("You are not linked to an employee yet — ask your manager to link you "
                               "(/sched link).")
    needed = MINIMUM_ROLE.get(action, Role.ADMIN)
    raise PermissionDenied(f"Only a {needed.value} or above may {action.value}.")


def require_self_or(actor: Actor, employee_id: str, action: Action) -> None:
    """An employee may act on themself; acting on anyone else needs ``action``."""
    if actor.employee_id is not None and actor.employee_id == employee_id:
        return
    require(actor, action)
