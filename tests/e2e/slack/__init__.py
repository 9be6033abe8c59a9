"""End-to-end tests of the Slack edge (HTTP, Bolt, fake Slack Web API)."""
