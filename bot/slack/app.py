"""The Bolt ``AsyncApp``: request verification, our middleware, every listener, one error handler.

Two ways to hold Slack tokens:
- single workspace: ``SLACK_BOT_TOKEN`` is set; the token lives in the environment;
- multi-workspace OAuth: ``SLACK_CLIENT_ID`` is set; installations (encrypted tokens) live in our
  database through ``integrations.slack.installation_store``; ``/slack/install`` starts the flow.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Container
from bot.listeners import register_all
from bot.slack.bolt_internals import require_internals
from bot.slack.errors import handle_error
from bot.slack.identity import ProfileCache
from bot.slack.middleware import install_middleware
from bot.slack.schedbot_app import SchedbotApp

log = logging.getLogger(__name__)

BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:history",
    "im:write",
    "users:read",
    "users:read.email",
    "files:write",
    "files:read",
    "channels:join",
    "channels:read",
    "groups:read",
)
"""Bot scopes requested by the OAuth flow; keep in line with ``manifest.yml``."""

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class SlackConfigError(RuntimeError):
    """The Slack settings do not describe a runnable app (no secret, no token, no client id)."""


def oauth_settings(container: Container) -> AsyncOAuthSettings:
    """OAuth flow settings over our database stores."""
    if container.installation_store is None or container.oauth_state_store is None:
        raise SlackConfigError("SLACK_CLIENT_ID is set but the container has no installation/state store")
    settings = container.settings
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.reveal(),
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=container.installation_store,
        state_store=container.oauth_state_store,
        logger=logging.getLogger("bot.oauth"),
    )


def cached_authorize(container: Container, client: AsyncWebClient) -> AsyncInstallationStoreAuthorize:
    """OAuth-mode authorization that calls ``auth.test`` once per token, not once per request.

    Bolt's default looks the installation up and then asks Slack ``auth.test`` before every ack. The
    installation is still read each time (a deleted or revoked token stops working at once); only
    the ``auth.test`` answer for a token is kept.
    """
    settings = container.settings
    return AsyncInstallationStoreAuthorize(
        installation_store=container.installation_store,  # type: ignore[arg-type]
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret.reveal(),
        logger=logging.getLogger("bot.oauth"), client=client, cache_enabled=True)


def build_app(container: Container, *, profiles: ProfileCache | None = None,
              socket_mode: bool = False) -> AsyncApp:
    """The Bolt app for ``container``: verified requests only, ack before work, listeners registered.

    Over HTTP the signing secret is required; in Socket Mode (``socket_mode=True``) Slack
    authenticates the WebSocket instead, so it is optional.
    """
    settings = container.settings
    signing_secret = settings.slack_signing_secret.reveal()
    if not signing_secret and not socket_mode:
        raise SlackConfigError("SLACK_SIGNING_SECRET is required")
    common = {
        "name": "schedbot",
        "signing_secret": signing_secret or None,
        "process_before_response": False,
        "request_verification_enabled": bool(signing_secret),
        "raise_error_for_unhandled_request": True,
        "logger": logging.getLogger("bot.bolt"),
    }
    if settings.slack_client_id:
        client = container.web_client(token="")
        app = SchedbotApp(client=client, oauth_settings=oauth_settings(container),
                          installation_store=container.installation_store,
                          authorize=cached_authorize(container, client), **common)  # type: ignore[arg-type]
        log.info("Slack app in OAuth (multi-workspace) mode")
    elif settings.slack_bot_token:
        app = SchedbotApp(client=container.web_client(), **common)  # type: ignore[arg-type]
        log.info("Slack app in single-workspace token mode")
    else:
        raise SlackConfigError("set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (OAuth)")
    app.use_prompt_acks()
    install_middleware(app, container, profiles)
    register_all(app, container)
    app.error(handle_error)
    app.prepare()
    require_internals(app)
    return app
