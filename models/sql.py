"""Raw SQL that runs on both PostgreSQL and SQLite: one text, placeholders fitted per dialect.

The ORM cannot express recursive queries, so the graph features write SQL with `?` placeholders
and run it through Tortoise's own connection (same pool, same transaction rules, same logging).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from tortoise import connections

__all__ = ["enum_list", "fetch", "in_list"]

_PLACEHOLDER = re.compile(r"\?")


def in_list(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list; callers make sure the list is not empty."""
    return ", ".join("?" for _ in values)


def enum_list(values: Iterable[StrEnum]) -> str:
    """`'A', 'B'` for an IN list of closed enum values: inlined rather than bound, so one text
    serves both dialects and the fast read path's correlated subqueries."""
    return ", ".join(f"'{v.value}'" for v in values)


def _fit(sql: str, dialect: str) -> str:
    if dialect != "postgres":
        return sql
    # asyncpg numbers its parameters: the n-th `?` becomes `$n`.
    counter = iter(range(1, sql.count("?") + 1))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


async def fetch(sql: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of `sql` (with `?` placeholders) as dicts, on the default connection."""
    conn = connections.get("default")
    return list(await conn.execute_query_dict(_fit(sql, conn.capabilities.dialect), list(values)))
