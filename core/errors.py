"""Domain errors. The Slack edge maps each to a friendly message; none carries secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.rules import Violation


class DomainError(Exception):
    """Base of every error a user may see. ``str(err)`` is the human message."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class InvalidInput(DomainError):
    """Bad input; ``fields`` maps a field name to its message (modal block ids at the edge)."""

    code = "invalid_input"

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = dict(fields or {})


class RuleViolation(DomainError):
    """Hard scheduling rules refuse the change (or soft ones need a confirmation)."""

    code = "rule_violation"

    def __init__(self, violations: Sequence[Violation], *, needs_confirmation: bool = False) -> None:
        self.violations = list(violations)
        self.needs_confirmation = needs_confirmation
        head = "Needs confirmation" if needs_confirmation else "Not allowed"
        super().__init__(f"{head}: " + "; ".join(v.message for v in self.violations))


class Conflict(DomainError):
    """The state changed underneath (double click, concurrent edit, already decided)."""

    code = "conflict"


class RemoteError(DomainError):
    """An upstream (Crossmark, Retail Link) call failed; nothing was changed locally."""

    code = "remote_error"


class RemoteOutcomeUnknown(RemoteError):
    """A change was sent upstream but its outcome is not known (timeout after sending, dropped
    connection, unreadable answer): the remote state must be read before anyone retries it or says
    it did not happen."""

    code = "remote_outcome_unknown"


class NeedsMfaCode(DomainError):
    """Retail Link needs a fresh SMS code from a manager before EDRs can be fetched."""

    code = "needs_mfa_code"
