"""The bot token for work no Slack request started (the clock): from the env or the installation.

In single-workspace mode the token is ``SLACK_BOT_TOKEN``. In OAuth mode it lives encrypted in the
installation store and, with token rotation on, expires every 12 hours: jobs refresh it themselves
(``oauth.v2.access`` with the refresh token) shortly before it runs out and save the new one.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from core.errors import RemoteError

log = logging.getLogger(__name__)

REFRESH_MINUTES_BEFORE_EXPIRY = 15


class InstallationToken:
    """Callable giving the current bot token of one workspace, rotating it when it is about to expire."""

    def __init__(self, store: AsyncInstallationStore, settings: Settings, team_id: str | None, *,
                 minutes_before_expiry: int = REFRESH_MINUTES_BEFORE_EXPIRY) -> None:
        self._store = store
        self._settings = settings
        self._team_id = team_id
        self._minutes = minutes_before_expiry

    def __call__(self) -> str:
        """The bot token (blocking; call from a worker thread, not from an event loop)."""
        return asyncio.run(self.fetch())

    async def fetch(self) -> str:
        """The bot token, refreshed and saved first when it expires soon."""
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=self._team_id)
        if bot is None or not bot.bot_token:
            raise RemoteError("schedbot is not installed in this Slack workspace yet (/slack/install).")
        if bot.bot_refresh_token:
            rotator = AsyncTokenRotator(client_id=self._settings.slack_client_id,
                                        client_secret=self._settings.slack_client_secret.reveal(),
                                        client=AsyncWebClient(base_url=self._settings.slack_api_url))
            refreshed = await rotator.perform_bot_token_rotation(bot=bot,
                                                                 minutes_before_expiration=self._minutes)
            if refreshed is not None:
                await self._store.async_save_bot(refreshed)
                log.info("rotated the bot token of team %s", self._team_id)
                bot = refreshed
        return str(bot.bot_token)
