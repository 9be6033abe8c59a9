"""``schedbot shell``: a local Slack console."""
