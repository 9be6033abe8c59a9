"""Local sandbox servers for Crossmark MVRetail and Walmart Retail Link (tests and ``schedbot demo``).

``start_sandboxes(today)`` serves both on loopback ports with one shared seeded dataset and gives the
environment (base URLs and demo credentials) that points schedbot at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from devtools.sandbox.crossmark_app import CrossmarkSandbox
from devtools.sandbox.crossmark_state import SANDBOX_PASSWORD, SANDBOX_USERNAME
from devtools.sandbox.dataset import DEFAULT_SEED, SandboxDataset, filler_mplans, sandbox_dataset
from devtools.sandbox.faults import Fault, FaultInjector, FaultKind
from devtools.sandbox.retaillink_app import (
    SANDBOX_EDR_PASSWORD,
    SANDBOX_EDR_USERNAME,
    SANDBOX_MFA_CODE,
    SANDBOX_MFA_CREDENTIAL_ID,
    RetailLinkSandbox,
)
from devtools.sandbox.server import ServerHandle, serve_in_thread


@dataclass
class RunningSandboxes:
    """Both sandboxes, serving. ``stop()`` shuts both down."""

    dataset: SandboxDataset
    crossmark: CrossmarkSandbox
    retaillink: RetailLinkSandbox
    crossmark_server: ServerHandle
    retaillink_server: ServerHandle

    def env(self) -> dict[str, str]:
        """Environment variables (product.md §6 names) that point schedbot at these sandboxes."""
        return {
            "EXTERNAL_API_BASE_URL": self.crossmark_server.base_url,
            "EXTERNAL_API_USERNAME": SANDBOX_USERNAME,
            "EXTERNAL_API_PASSWORD": SANDBOX_PASSWORD,
            "EXTERNAL_API_TIMEZONE": self.dataset.timezone,
            "WALMART_LOGIN_BASE_URL": self.retaillink_server.base_url,
            "WALMART_EDR_BASE_URL": self.retaillink_server.base_url,
            "WALMART_EDR_USERNAME": SANDBOX_EDR_USERNAME,
            "WALMART_EDR_PASSWORD": SANDBOX_EDR_PASSWORD,
            "WALMART_EDR_MFA_CREDENTIAL_ID": SANDBOX_MFA_CREDENTIAL_ID,
            "STORE_NUMBER": self.dataset.store_number,
            "STORE_TIMEZONE": self.dataset.timezone,
        }

    def stop(self) -> None:
        self.crossmark_server.stop()
        self.retaillink_server.stop()


def start_sandboxes(today: date | None = None, *, days: int = 14, seed: int = DEFAULT_SEED, reps: int = 35,
                    mplans: int | None = None) -> RunningSandboxes:
    """Serve a Crossmark and a Retail Link sandbox sharing one dataset (SMS code ``123456``).

    ``reps`` and ``mplans`` size the dataset (see :func:`sandbox_dataset`).
    """
    dataset = sandbox_dataset(today or date.today(), days=days, seed=seed, reps=reps, mplans=mplans)
    crossmark = CrossmarkSandbox(dataset)
    retaillink = RetailLinkSandbox(dataset)
    crossmark_server = crossmark.serve()
    try:
        retaillink_server = retaillink.serve()
    except Exception:
        crossmark_server.stop()
        raise
    return RunningSandboxes(dataset, crossmark, retaillink, crossmark_server, retaillink_server)


__all__ = [
    "SANDBOX_EDR_PASSWORD", "SANDBOX_EDR_USERNAME", "SANDBOX_MFA_CODE", "SANDBOX_MFA_CREDENTIAL_ID",
    "SANDBOX_PASSWORD", "SANDBOX_USERNAME", "CrossmarkSandbox", "Fault", "FaultInjector", "FaultKind",
    "RetailLinkSandbox", "RunningSandboxes", "SandboxDataset", "ServerHandle", "filler_mplans",
    "sandbox_dataset", "serve_in_thread", "start_sandboxes",
]
