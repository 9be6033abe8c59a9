"""``app_uninstalled`` / ``tokens_revoked``: forget the tokens Slack just invalidated.

In OAuth mode the installation store deletes the team's (or the users') rows; in single-workspace
mode the token lives in the environment, so there is nothing to delete but the operator is told.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.container import Container

log = logging.getLogger(__name__)


async def forget_team(store: AsyncInstallationStore | None, *, enterprise_id: str | None,
                      team_id: str | None) -> None:
    """Delete every stored installation (bot and user tokens) of the team."""
    if store is None:
        log.warning("the app was uninstalled from team %s; SLACK_BOT_TOKEN is no longer valid", team_id)
        return
    await store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
    log.info("deleted stored Slack tokens of team %s after uninstall", team_id)


async def forget_tokens(store: AsyncInstallationStore | None, tokens: dict[str, Any], *,
                        enterprise_id: str | None, team_id: str | None) -> None:
    """Delete the revoked user tokens and, when the bot token was revoked, the bot."""
    users = [str(u) for u in tokens.get("oauth") or []]
    bots = tokens.get("bot") or []
    if store is None:
        if bots:
            log.warning("Slack revoked the bot token of team %s; SLACK_BOT_TOKEN must be replaced", team_id)
        return
    for user_id in users:
        await store.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
    if bots:
        await store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
    log.info("deleted %d revoked user token(s)%s of team %s", len(users),
             " and the bot token" if bots else "", team_id)


def register(app: AsyncApp, container: Container) -> None:
    """Listen to the two lifecycle events."""

    @app.event("app_uninstalled")
    async def on_app_uninstalled(body: dict[str, Any]) -> None:
        await forget_team(container.installation_store, enterprise_id=body.get("enterprise_id"),
                          team_id=body.get("team_id"))

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        await forget_tokens(container.installation_store, event.get("tokens") or {},
                            enterprise_id=body.get("enterprise_id"), team_id=body.get("team_id"))
