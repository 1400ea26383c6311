"""Waiting for a condition another process or connection brings about (never for a time)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["until_found"]

T = TypeVar("T")


async def until_found(probe: Callable[[], Awaitable[T | None]], failure: str) -> T:
    """`probe()`'s first answer that is not None (or empty), polled for up to 20 seconds;
    AssertionError with `failure` when none comes."""
    for _ in range(400):
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.05)  # polling a condition, not asserting on time
    raise AssertionError(failure)
