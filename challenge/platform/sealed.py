"""Values kept encrypted at rest (bank details, authenticator secrets, special category data), with keys
derived from SECRET_KEY.

Each purpose has its own derived key, so one leaked key opens one kind of value only. Changing SECRET_KEY
makes every sealed value unreadable: rotate it only with a re-encryption step (docs/operations.md).

`SealedText` is a column type that seals on the way in and unseals on the way out, so services and
templates read plain text while the database holds only ciphertext. An empty string stays empty (it says
nothing), so defaults and a withdrawn story's blank need no key. Sealed columns cannot be searched or
sorted in SQL: nothing may query them with LIKE or ORDER BY.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


@dataclass(frozen=True)
class Purpose:
    """What a sealed value is for: the salt and info of its key derivation (never change them)."""

    salt: bytes
    info: bytes

    def _fernet(self) -> Fernet:
        return _fernet(self.salt, self.info, current_app.config["SECRET_KEY"])

    def seal(self, plain: str) -> str:
        return self._fernet().encrypt(plain.encode()).decode()

    def unseal(self, token: str) -> str:
        return self._fernet().decrypt(token.encode()).decode()


@lru_cache(maxsize=32)
def _fernet(salt: bytes, info: bytes, secret: str) -> Fernet:
    """The purpose's key for this SECRET_KEY (derived once: a page of sealed columns unseals many values).
    `cryptography` is imported here, at the first value sealed or unsealed: it costs a worker ~10 MB, and
    most requests touch no sealed value (tests/test_memory.py)."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def unsealed_or_none(purpose: Purpose, token: str) -> str | None:
    """`token` unsealed, or None when it does not open (tampered with, or sealed under another SECRET_KEY)."""
    from cryptography.fernet import InvalidToken

    try:
        return purpose.unseal(token)
    except (InvalidToken, ValueError):
        return None


# Health and service-user data (UK GDPR Article 9): the columns a personal_data.py declares `special`.
SPECIAL_CATEGORY = Purpose(salt=b"challenge-exchange-special-category", info=b"special category data v1")


class SealedText(TypeDecorator):
    """Text kept sealed with `purpose` in the database and plain in Python."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: Purpose = SPECIAL_CATEGORY):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        return self.purpose.seal(value) if value else value

    def process_result_value(self, value, dialect):
        return self.purpose.unseal(value) if value else value

    def coerce_compared_value(self, op, value):
        return Text()  # a comparison with a literal (only ever "" or NULL) is not sealed


def is_special(column) -> bool:
    """Whether a table column holds special category data sealed at rest."""
    return isinstance(column.type, SealedText) and column.type.purpose == SPECIAL_CATEGORY
