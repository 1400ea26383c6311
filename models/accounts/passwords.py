"""Password hashing (argon2) and the strength rule.

Each hash or verification costs ~100 ms of CPU and 64 MiB. Requests do them off the event loop
(`hash_password_off_loop`, `verify_password_off_loop`) on a few worker threads (argon2 releases
the GIL), so a flood of sign-ups or logIns queues for the workers instead of stalling every
other request. The plain functions are for scripts (the demo seed, tests).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mentorgraph.models.limits import limits

__all__ = [
    "BoundedHasher",
    "hash_password",
    "hash_password_off_loop",
    "password_problem",
    "verify_password",
    "verify_password_off_loop",
]

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


T = TypeVar("T")


class BoundedHasher:
    """Runs hashes and verifications on at most `workers` threads at once; callers beyond
    that wait in line (cancelled callers leave the line). `running` and `peak` count the
    computations under way, now and at most so far."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="argon2")
        self._lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def _counted(self, work: Callable[[], T]) -> T:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return work()
        finally:
            with self._lock:
                self.running -= 1

    async def _run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._counted, work)

    async def hash(self, password: str) -> str:
        return await self._run(lambda: hash_password(password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(lambda: verify_password(password_hash, password))

    def close(self) -> None:
        self._pool.shutdown(wait=False)


_bounded: BoundedHasher | None = None


def _hasher_for_requests() -> BoundedHasher:
    """The process's hasher, sized by `limits().password_hash_concurrency` (built again if the
    setting changed, as in tests that configure several servers)."""
    global _bounded
    workers = max(1, limits().password_hash_concurrency)
    if _bounded is None or _bounded.workers != workers:
        if _bounded is not None:
            _bounded.close()
        _bounded = BoundedHasher(workers)
    return _bounded


async def hash_password_off_loop(password: str) -> str:
    return await _hasher_for_requests().hash(password)


async def verify_password_off_loop(password_hash: str, password: str) -> bool:
    return await _hasher_for_requests().verify(password_hash, password)


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
