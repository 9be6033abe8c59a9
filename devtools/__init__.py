"""Development tools: fake Slack, Crossmark / Retail Link sandboxes, the local shell and the demo.

Product code never imports them (import-linter contract)."""
