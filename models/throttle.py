"""Attempt counters with exponential back-off, atomic across concurrent requests and server
processes: each attempt is counted by one conditional upsert on the key's row, so of N
simultaneous attempts exactly as many are admitted as the rule allows.

An attempt is counted *before* the work it guards (a password check, a sign-up): the count is
the reservation. `refund` gives one back when the attempt turned out not to be a failure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from mentorgraph.models import sql

__all__ = ["Rule", "clear", "count", "forget_stale", "key", "refund", "retry_after"]


@dataclass(frozen=True)
class Rule:
    """`free` attempts are counted without a wait; the attempt that reaches `free` closes the
    key for `base_seconds`, and each later one for twice the previous wait, up to
    `max_seconds`. A key with no attempt for `forget_seconds` starts over."""

    free: int
    base_seconds: float
    max_seconds: float
    forget_seconds: float


def key(kind: str, *parts: str) -> str:
    """The row key of what is counted: a digest, so any length a client sends fits, and no
    stranger's email is stored in the clear."""
    return hashlib.sha256("\x00".join((kind, *parts)).encode()).hexdigest()


# The wait the counted attempt imposes, from the row as it was. Placeholders in order:
# forget_before, first_wait, free, base, max, max.
_NEXT_WAIT = """CASE
    WHEN t.last_attempt_at < ? THEN ?
    WHEN t.attempts + 1 < ? THEN 0
    WHEN t.backoff_seconds = 0 THEN ?
    WHEN t.backoff_seconds * 2 >= ? THEN ?
    ELSE t.backoff_seconds * 2
END"""

# SET expressions read the row as it was before the update (both databases), and the WHERE
# makes the whole thing a no-op, returning no row, while the key is closed. Without a wait,
# `blocked_until` is 0, not "now": a concurrent attempt (another task, another process) may
# carry a slightly earlier "now" and must not find the key closed.
_COUNT = f"""
INSERT INTO throttles AS t (key, attempts, backoff_seconds, last_attempt_at, blocked_until)
VALUES (?, 1, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN t.last_attempt_at < ? THEN 1 ELSE t.attempts + 1 END,
    backoff_seconds = {_NEXT_WAIT},
    last_attempt_at = ?,
    blocked_until = CASE WHEN {_NEXT_WAIT} = 0 THEN 0 ELSE ? + {_NEXT_WAIT} END
WHERE t.blocked_until <= ?
RETURNING attempts
"""


async def count(row_key: str, rule: Rule, now: datetime) -> bool:
    """Count one attempt under `row_key`; False (nothing counted) while the key is closed."""
    at = now.timestamp()
    forget_before = at - rule.forget_seconds
    base = float(min(rule.base_seconds, rule.max_seconds))
    first_wait = base if rule.free <= 1 else 0.0
    longest = float(rule.max_seconds)
    next_wait = [forget_before, first_wait, rule.free, base, longest, longest]
    values = [
        row_key,
        first_wait,
        at,
        at + first_wait if first_wait else 0.0,
        forget_before,
        *next_wait,
        at,
        *next_wait,
        at,
        *next_wait,
        at,
    ]
    return bool(await sql.fetch(_COUNT, values))


async def retry_after(row_keys: list[str], now: datetime) -> float:
    """Seconds until every one of `row_keys` is open again (0 when they all are)."""
    if not row_keys:
        return 0.0
    rows = await sql.fetch(
        f"SELECT MAX(blocked_until) AS until FROM throttles WHERE key IN ({sql.in_list(row_keys)})",
        row_keys,
    )
    until = rows[0]["until"] if rows else None
    return max(0.0, float(until) - now.timestamp()) if until is not None else 0.0


async def refund(row_keys: list[str]) -> None:
    """Give back one counted attempt under each key (it was not a failure after all). The wait
    it may have started stays: refunds must not let concurrent attempts through faster."""
    if row_keys:
        await sql.fetch(
            "UPDATE throttles SET attempts = attempts - 1"
            f" WHERE key IN ({sql.in_list(row_keys)}) AND attempts > 0 RETURNING key",
            row_keys,
        )


async def clear(row_key: str) -> None:
    """Start the key over (e.g. the right password for an account from an address)."""
    await sql.fetch("DELETE FROM throttles WHERE key = ? RETURNING key", [row_key])


async def forget_stale(now: datetime, forget_seconds: float) -> int:
    """Delete the rows that are open and have had no attempt for `forget_seconds`."""
    at = now.timestamp()
    rows = await sql.fetch(
        "DELETE FROM throttles WHERE last_attempt_at < ? AND blocked_until <= ? RETURNING key",
        [at - forget_seconds, at],
    )
    return len(rows)
