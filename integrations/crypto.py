"""Fernet secret box with key rotation (implements ``core.ports.SecretBox``).

``SETTINGS_ENCRYPTION_KEY`` may hold several comma-separated keys: the first encrypts, any decrypts,
and ``rotate`` re-encrypts a token under the first.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

UNDECRYPTABLE = "a stored secret cannot be decrypted with the configured keys"


class SecretDecryptionError(ValueError):
    """A stored secret cannot be decrypted with the configured keys (the message holds no secret)."""


class FernetSecretBox:
    """Encrypts and decrypts short secrets; never reveals its keys in ``repr`` or errors."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("at least one Fernet key is required")
        try:
            fernets = [Fernet(k.encode("ascii")) for k in parts]
        except (ValueError, UnicodeEncodeError):
            raise ValueError("an encryption key is not a valid Fernet key "
                             "(32 url-safe base64-encoded bytes)") from None
        self._multi = MultiFernet(fernets)
        self._first = fernets[0]
        self._key_count = len(fernets)

    def __repr__(self) -> str:
        return f"FernetSecretBox(keys=**********, count={self._key_count})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("FernetSecretBox cannot be pickled")

    def encrypt(self, plaintext: str) -> str:
        """A token of ``plaintext`` under the first key."""
        return self._multi.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext of a token made under any configured key."""
        try:
            return self._multi.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SecretDecryptionError(UNDECRYPTABLE) from None

    def rotate(self, token: str) -> str:
        """The token re-encrypted under the first key (idempotent for tokens already under it)."""
        try:
            return self._multi.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise SecretDecryptionError(UNDECRYPTABLE) from None

    def is_current(self, token: str) -> bool:
        """Whether ``token`` decrypts with the first key alone."""
        try:
            self._first.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True


def generate_key() -> str:
    """A fresh Fernet key."""
    return Fernet.generate_key().decode("ascii")
