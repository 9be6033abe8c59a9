"""A fake Slack Web API for tests and the local ``schedbot shell``."""

from devtools.fake_slack.server import FakeSlack, parse_body
from devtools.fake_slack.state import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_CHANNEL_ID,
    TEAM_ID,
    Call,
    Channel,
    Message,
    SlackUser,
    UploadedFile,
    View,
    token_hint,
)

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_CHANNEL_ID", "TEAM_ID", "Call", "Channel", "FakeSlack", "Message",
           "SlackUser", "UploadedFile", "View", "parse_body", "token_hint"]
