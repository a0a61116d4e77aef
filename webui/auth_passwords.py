"""Password hashes for local accounts: argon2id (argon2-cffi's defaults, RFC 9106's
second recommended parameters). No Flask here: the CLI sets passwords too."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD = 8  # characters

_hasher = PasswordHasher()


class PasswordError(ValueError):
    """A password that may not be used (the message is Chinese)."""


def hash_password(password: str) -> str:
    """The argon2id hash of `password`; PasswordError when it is too short."""
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"密码至少要 {MIN_PASSWORD} 个字符")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash (False for no hash: a directory account)."""
    if not stored:
        _hasher.hash("timing equaliser")  # as slow as a real check: no user enumeration by timing
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
