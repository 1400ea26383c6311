"""A compiled statement run on the primary, for every path that must read there."""

from __future__ import annotations

from typing import Any

from tortoise import connections

from mentorgraph.models.sql import sole_row

__all__ = ["primary_row", "primary_value"]


async def primary_row(sql: str, params: list[Any]) -> Any:
    """The statement's first row on the primary (None when it has none)."""
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        # Logged where Tortoise logs its own statements (statement counts see it); values only
        # Python holds (a payload's markers) are never among the parameters.
        client.log.debug("%s: %s", sql, params)
        return await sole_row(connection, sql, *params)


async def primary_value(sql: str, params: list[Any]) -> Any:
    """The first column of the statement's first row on the primary (None when none)."""
    row = await primary_row(sql, params)
    return None if row is None else row[0]
