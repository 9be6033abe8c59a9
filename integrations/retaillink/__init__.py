"""Walmart Retail Link Event Management: MFA login, EDR reports, browse (``RetailLinkPort``)."""

from integrations.retaillink.adapter import RetailLinkAdapter
from integrations.retaillink.session_store import (
    InMemoryRetailLinkSessionStore,
    RetailLinkSession,
    RetailLinkSessionStore,
)

__all__ = ["InMemoryRetailLinkSessionStore", "RetailLinkAdapter", "RetailLinkSession",
           "RetailLinkSessionStore"]
