"""The HTTP edge: the ASGI app (Slack events, OAuth, health) and the servers that run it."""
