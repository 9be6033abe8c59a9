"""Where the Retail Link session token lives between calls (and, later, between processes)."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

MASK = "**********"


@dataclass(frozen=True)
class RetailLinkSession:
    """A bearer token for Event Management, its expiry (aware UTC) and the cookies that came with it.

    ``repr`` masks the token and cookie values so a session can never leak through a log line.
    """

    token: str
    expires_at: datetime
    cookies: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        names = ", ".join(sorted(self.cookies))
        return (f"RetailLinkSession(token='{MASK}', expires_at={self.expires_at.isoformat()}, "
                f"cookies=[{names}])")

    def valid_at(self, now: datetime, margin_seconds: float = 60.0) -> bool:
        """True while the token has more than ``margin_seconds`` left at ``now``."""
        return (self.expires_at - now).total_seconds() > margin_seconds

    def to_json(self) -> str:
        """Serialised form for a store that persists sessions (encrypt it before writing it down)."""
        return json.dumps({"token": self.token, "expires_at": self.expires_at.isoformat(),
                           "cookies": self.cookies})

    @classmethod
    def from_json(cls, text: str) -> RetailLinkSession:
        """Inverse of :meth:`to_json`; raises ValueError on anything else."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("token"), str):
            raise ValueError("not a Retail Link session")
        cookies = data.get("cookies") or {}
        return cls(token=data["token"], expires_at=datetime.fromisoformat(data["expires_at"]),
                   cookies={str(k): str(v) for k, v in dict(cookies).items()})


class RetailLinkSessionStore(Protocol):
    """Keeps at most one Retail Link session. The composition root may persist it encrypted."""

    def load(self) -> RetailLinkSession | None:
        """The stored session (possibly expired), or None."""
        ...

    def save(self, session: RetailLinkSession) -> None: ...

    def clear(self) -> None: ...

    def save_pending(self, cookies: dict[str, str] | None) -> None:
        """Keep (or with None, drop) the cookies of a login that waits for its SMS code."""
        ...

    def load_pending(self) -> dict[str, str] | None: ...


class InMemoryRetailLinkSessionStore:
    """A process-local session store."""

    def __init__(self, session: RetailLinkSession | None = None) -> None:
        self._lock = threading.Lock()
        self._session = session
        self._pending: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"InMemoryRetailLinkSessionStore(session={self._session!r})"

    def load(self) -> RetailLinkSession | None:
        with self._lock:
            return self._session

    def save(self, session: RetailLinkSession) -> None:
        with self._lock:
            self._session = session

    def clear(self) -> None:
        with self._lock:
            self._session = None

    def save_pending(self, cookies: dict[str, str] | None) -> None:
        with self._lock:
            self._pending = dict(cookies) if cookies else None

    def load_pending(self) -> dict[str, str] | None:
        with self._lock:
            return dict(self._pending) if self._pending else None


def token_expiry(token: str) -> datetime | None:
    """The ``exp`` claim of a JWT-shaped token (signature not checked), or None for opaque tokens."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        exp = float(claims["exp"])
    except (ValueError, KeyError, TypeError, UnicodeEncodeError):
        return None
    return datetime.fromtimestamp(exp, tz=UTC)
