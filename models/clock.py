"""The one source of "now" for the rules, so tests (and sweeps) can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["advance", "now", "reset"]

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> None:
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
