"""Values kept encrypted at rest (bank details, authenticator secrets), with keys derived from SECRET_KEY.

Each purpose has its own derived key, so one leaked key opens one kind of value only. Changing SECRET_KEY
makes every sealed value unreadable: rotate it only with a re-encryption step.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


@dataclass(frozen=True)
class Purpose:
    """What a sealed value is for: the salt and info of its key derivation (never change them)."""

    salt: bytes
    info: bytes

    def _fernet(self) -> Fernet:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=self.salt, info=self.info).derive(
            current_app.config["SECRET_KEY"].encode())
        return Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plain: str) -> str:
        return self._fernet().encrypt(plain.encode()).decode()

    def unseal(self, token: str) -> str:
        return self._fernet().decrypt(token.encode()).decode()
