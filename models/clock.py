"""The one source of "now" for the rules, so tests (and sweeps) can move time.

Tests move it (`advance`); a simulation pins it (`pin`): every step of `mentorgraph simulate`
then sees the instant it was planned for, however long the step takes on the machine, so a
reminder sent by one sweep is exactly two days old at the sweep two days later, on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["advance", "now", "pin", "reset"]

_offset = timedelta(0)
_pinned: datetime | None = None


def now() -> datetime:
    if _pinned is not None:
        return _pinned
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> None:
    """Move the clock on by `delta` (a pinned clock stays pinned, `delta` later)."""
    global _offset, _pinned
    _offset += delta
    if _pinned is not None:
        _pinned += delta


def pin(moment: datetime | None) -> None:
    """Stop the clock at `moment` (None: let it run on from where real time is)."""
    global _pinned
    _pinned = moment


def reset() -> None:
    global _offset, _pinned
    _offset = timedelta(0)
    _pinned = None
