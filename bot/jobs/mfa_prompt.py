"""Asking the managers for a Retail Link SMS code: the "Enter code" DM and what its button carries.

The button's value says what the code is for: ``packet:<YYYY-MM-DD>`` (a waiting daily packet) or
``edr`` (an EDR refresh asked for with ``/sched sync edr``). Pressing it opens the code modal
(``bot/listeners/actions/mfa_code.py``), which has Retail Link send the SMS at that moment, so the
code is fresh when the manager types it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.blocks.common import actions, button, context, section
from core.errors import InvalidInput
from core.ports import Notifier

ENTER_CODE_ACTION = "retaillink_enter_code"
PACKET_PREFIX = "packet:"
EDR_PURPOSE = "edr"


@dataclass(frozen=True)
class CodePurpose:
    """What happens once the code is accepted: post the waiting packet of ``day``, or nothing more."""

    day: date | None = None

    def encode(self) -> str:
        """The button value / modal metadata form."""
        return f"{PACKET_PREFIX}{self.day.isoformat()}" if self.day is not None else EDR_PURPOSE

    @classmethod
    def decode(cls, value: str) -> CodePurpose:
        """Inverse of :meth:`encode`; ``InvalidInput`` for anything else."""
        text = (value or "").strip()
        if text == EDR_PURPOSE:
            return cls()
        if text.startswith(PACKET_PREFIX):
            try:
                return cls(date.fromisoformat(text.removeprefix(PACKET_PREFIX)))
            except ValueError:
                pass
        raise InvalidInput("This button is not a Retail Link code request.")

    def describe(self) -> str:
        """Human words for the purpose."""
        if self.day is None:
            return "refresh the EDR reports"
        return f"add the EDR pages to the {self.day:%A %B %-d} packet"


def clock_text(at: time) -> str:
    """``7:00 AM``."""
    return at.strftime("%-I:%M %p")


def enter_code_blocks(text: str, purpose: CodePurpose) -> list[dict[str, Any]]:
    """A message with the explanation and the primary **Enter code** button."""
    return [
        section(text),
        actions(button("Enter code", ENTER_CODE_ACTION, value=purpose.encode(), style="primary"),
                block_id="retaillink_code"),
        context("Pressing the button has Retail Link text a new 6-digit code to the phone on file."),
    ]


def packet_prompt_text(day: date, deadline: time) -> str:
    """Why the managers are asked for a code on the morning of ``day``."""
    return (f":key: Retail Link needs a new SMS code before the EDR pages of the *{day:%A %B %-d}* "
            f"packet can be printed. The packet waits for the code until {clock_text(deadline)}; "
            f"after that it is posted without EDR pages.")


def ask_managers_for_code(notifier: Notifier, store_id: int, purpose: CodePurpose, text: str) -> None:
    """DM every manager the "Enter code" button."""
    notifier.notify_managers(store_id, text, blocks=enter_code_blocks(text, purpose))
