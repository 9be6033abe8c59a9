"""Modals of the remote logins: the credentials an admin keeps for Crossmark and Retail Link
(``/sched settings``: one optional input per credential, no initial values, only whether each one is
set), and the Retail Link SMS code modal (six digits in, with the notice views it turns into while
the code is checked and once it is accepted)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.blocks.common import Block, context, modal, plain_text, section
from bot.jobs.mfa_prompt import CodePurpose
from core.services.store_settings import CREDENTIALS, MAX_CREDENTIAL_LENGTH, NOT_SET

SETTINGS_CALLBACK = "sched_settings_credentials"
INPUT_ACTION = "value"
"""The action id of every credential input (its block id is the credential's key)."""
CODE_CALLBACK = "retaillink_code"
CODE_BLOCK = "mfa_code"
CODE_INPUT = "code"
CODE_TITLE = "Retail Link code"


def settings_modal(status: Mapping[str, str]) -> Block:
    """The credentials modal, saying for each credential whether it is set."""
    lines = "\n".join(f"• {cred.label}: _{status.get(cred.key, NOT_SET)}_" for cred in CREDENTIALS)
    blocks: list[Block] = [
        section("Credentials are stored encrypted and are never shown again. Leave a field empty to "
                "keep what is stored.\n" + lines),
    ]
    for cred in CREDENTIALS:
        blocks.append({"type": "input", "block_id": cred.key, "optional": True,
                       "label": plain_text(cred.label), "hint": plain_text(cred.hint),
                       "element": {"type": "plain_text_input", "action_id": INPUT_ACTION,
                                   "max_length": MAX_CREDENTIAL_LENGTH}})
    blocks.append(context("Changes are recorded in the audit log (which credentials, not their values)."))
    return modal("Settings", blocks, callback_id=SETTINGS_CALLBACK, submit="Save", close="Cancel")


def code_modal(purpose: CodePurpose, *, problem: str | None = None) -> Block:
    """The modal with the 6-digit input; ``problem`` shows why the last attempt failed."""
    blocks: list[Block] = [section(f"Retail Link is texting a 6-digit code to the phone on file. "
                                   f"Type it here to {purpose.describe()}.")]
    if problem:
        blocks.append(context(f":warning: {problem}"))
    blocks.append({"type": "input", "block_id": CODE_BLOCK, "label": plain_text("SMS code"),
                   "hint": plain_text("6 digits, e.g. 123456"),
                   "element": {"type": "plain_text_input", "action_id": CODE_INPUT,
                               "min_length": 6, "max_length": 12,
                               "placeholder": plain_text("123456")}})
    return modal(CODE_TITLE, blocks, callback_id=CODE_CALLBACK, submit="Sign in", close="Cancel",
                 private_metadata=purpose.encode())


def notice_modal(text: str, *, title: str = CODE_TITLE) -> Block:
    """A modal that only tells something (no submit)."""
    return modal(title, [section(text)], close="Close")
