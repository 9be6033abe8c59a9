"""Slack adapters of core ports: the notifier, the packet poster, the installation store."""
