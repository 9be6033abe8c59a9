"""Who a message about a store goes to: its managers, or the Slack users linked to an employee."""

from __future__ import annotations

from collections.abc import Collection

from core.model import Role
from core.ports import UnitOfWorkFactory

MANAGER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


def manager_user_ids(uow_factory: UnitOfWorkFactory, store_id: int,
                     admins: Collection[str] = ()) -> list[str]:
    """Slack users who manage the store: linked managers and admins, plus ``SCHEDBOT_ADMINS``."""
    with uow_factory() as uow:
        links = uow.slack_links.list(store_id=store_id)
    found = {link.slack_user_id for link in links if link.role in MANAGER_ROLES}
    return sorted(found | {a for a in admins if a})


def employee_user_ids(uow_factory: UnitOfWorkFactory, store_id: int, employee_id: str) -> list[str]:
    """The Slack users linked to an employee (usually one)."""
    with uow_factory() as uow:
        links = uow.slack_links.list(store_id=store_id, employee_id=employee_id)
    return sorted(link.slack_user_id for link in links)
