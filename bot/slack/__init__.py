"""The Slack app: Bolt set-up, middleware, error mapping, identity, dedupe and payload helpers."""
