"""Password hashing (argon2) and the strength rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "password_problem", "verify_password"]

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 200


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing in particular, verified against when the email is unknown, so that an
# unknown email costs as much time as a wrong password and does not reveal which accounts exist.
DUMMY_HASH = _hasher.hash("not a real password, only spends time")


def password_problem(password: str) -> str | None:
    """Why this password is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long."
    if password.isdigit() or password.isalpha() or len(set(password)) < 5:
        return "Password is too simple: mix letters with digits or symbols."
    return None
