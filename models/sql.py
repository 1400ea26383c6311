"""Raw SQL that runs on both PostgreSQL and SQLite: one text, placeholders fitted per dialect.

The ORM cannot express recursive queries, so the graph features write SQL with `?` placeholders
and run it through Tortoise's own connection (same pool, same transaction rules, same logging).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TypeVar, cast

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

__all__ = ["column_values", "enum_list", "fetch", "in_list", "latest", "sole_row", "sole_value"]

_PLACEHOLDER = re.compile(r"\?")

T = TypeVar("T")


def column_values(values: Iterable[Any], _kind: type[T]) -> set[T]:
    """The set of what `values_list(column, flat=True)` returned, typed as the column's values:
    tortoise types a flat values list as tuples, which would make every `in` check against it
    look impossible to mypy."""
    return cast("set[T]", set(values))


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


def latest(dialect: str, floor: str, moments: Sequence[str]) -> str:
    """The latest of `moments` (SQL expressions, NULL skipped) and `floor` (never NULL):
    PostgreSQL's `greatest`, SQLite's many-argument `max` (which NULL would poison)."""
    name = "greatest" if dialect == "postgres" else "max"
    return f"{name}({floor}, {', '.join(f'coalesce({m}, {floor})' for m in moments)})"


async def fetch(
    sql: str, values: Sequence[Any], connection: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """Rows of `sql` (with `?` placeholders) as dicts, on `connection` (a transaction's) or the
    default one."""
    conn = connection or connections.get("default")
    return list(await conn.execute_query_dict(_fit(sql, conn.capabilities.dialect), list(values)))


# asyncpg's `fetchval`/`fetchrow` run a statement with a row limit of 1, and PostgreSQL never
# plans a parallel query for a portal with a row limit. The compiled reads return one row (the
# answer's JSON) but may scan millions (the admin's statistics, the graph): run that way they
# lost the parallel workers Tortoise's `fetch` gets for the same query on the ordinary path
# (`activeMentorships`: 880 ms compiled against 362 ms ordinary, the same plan otherwise).
async def sole_row(connection: Any, sql: str, *params: Any) -> Any:
    """The first row of `sql` on an asyncpg connection or pool (None when it has none), read
    without a row limit so PostgreSQL may plan it in parallel."""
    rows = await connection.fetch(sql, *params)
    return rows[0] if rows else None


async def sole_value(connection: Any, sql: str, *params: Any) -> Any:
    """The first column of `sql`'s first row (None when it has none), as `sole_row` reads it."""
    row = await sole_row(connection, sql, *params)
    return None if row is None else row[0]
