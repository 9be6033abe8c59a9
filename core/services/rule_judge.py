"""How manual scheduling treats the validator's verdict (product.md §2.1 ``assign``, §5.5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import InvalidInput, PermissionDenied, RuleViolation
from core.model import Actor, Role
from core.rules import Violation
from core.rules.roles import at_least

MAX_REASON = 500


@dataclass(frozen=True)
class Verdict:
    """What a manager accepted: hard rules overridden (with the reason) and warnings confirmed."""

    overridden: tuple[Violation, ...] = ()
    confirmed: tuple[Violation, ...] = ()
    reason: str | None = None

    def audit_fields(self) -> dict[str, object]:
        """The override / confirmation facts the audit row keeps."""
        out: dict[str, object] = {}
        if self.overridden:
            out["override_reason"] = self.reason
            out["overridden"] = [v.code.value for v in self.overridden]
        if self.confirmed:
            out["confirmed_warnings"] = [v.code.value for v in self.confirmed]
        return out

    @property
    def messages(self) -> tuple[str, ...]:
        """Human lines for the result: what was overridden or confirmed."""
        return (tuple(f"Overridden: {v.message}" for v in self.overridden)
                + tuple(v.message for v in self.confirmed))


def clean_reason(override_reason: str | None) -> str | None:
    """Strip an override reason; a blank or over-long one is bad input."""
    if override_reason is None:
        return None
    reason = override_reason.strip()
    if not reason:
        raise InvalidInput("An override needs a reason.", {"override_reason": "required"})
    if len(reason) > MAX_REASON:
        raise InvalidInput("The override reason is too long.",
                           {"override_reason": f"at most {MAX_REASON} characters"})
    return reason


def judge(violations: Iterable[Violation], *, actor: Actor, confirm: bool,
          override_reason: str | None) -> Verdict:
    """Refuse, ask to confirm, or accept.

    Hard non-overridable rules always refuse. Hard overridable ones refuse unless a manager gives a
    reason. Soft ones ask for a confirmation unless ``confirm``.
    """
    found = list(violations)
    blocking = [v for v in found if v.hard and not v.overridable]
    if blocking:
        raise RuleViolation(blocking)
    overridable = [v for v in found if v.hard and v.overridable]
    warnings = [v for v in found if not v.hard]
    if overridable:
        if override_reason is None:
            raise RuleViolation(overridable + warnings)
        if not at_least(actor.role, Role.MANAGER):
            raise PermissionDenied("Only a manager may override scheduling rules.")
    if warnings and not confirm:
        raise RuleViolation(warnings, needs_confirmation=True)
    return Verdict(tuple(overridable), tuple(warnings), override_reason if overridable else None)
