"""Crossmark MVRetail: session API client implementing ``core.ports.CrossmarkPort``."""

from integrations.crossmark.adapter import CrossmarkAdapter
from integrations.crossmark.session import MVRetailSession

__all__ = ["CrossmarkAdapter", "MVRetailSession"]
