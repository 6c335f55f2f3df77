"""Encryption of stored secrets (provider API keys, the pseudonym vault) with a key derived from
``MOKMIN_SECRET_KEY``. Fernet gives authenticated encryption, so a tampered value fails loudly."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SecretBox:
    """Encrypt and decrypt short strings; one box per purpose so keys are never shared across uses."""

    def __init__(self, secret_key: str, purpose: str) -> None:
        raw = HKDF(algorithm=SHA256(), length=32, salt=b"mokmin", info=purpose.encode()).derive(
            secret_key.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(raw))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        """The plaintext; raises ``ValueError`` when the token was altered or sealed with another key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("the stored secret cannot be decrypted with this MOKMIN_SECRET_KEY") from None
