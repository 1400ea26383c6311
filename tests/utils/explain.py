"""For the PostgreSQL index tests: the statements the code sends, the plan PostgreSQL picks for
one of them, and an index found by what it indexes (the migrations name most with a hash)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from tortoise import connections
from tortoise.queryset import QuerySet

from tests.utils.sql_counter import DB_CLIENT_LOGGER

__all__ = ["index_named", "plan_of", "postgres_only", "sent_statements", "sql_of"]

postgres_only = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="index use is a PostgreSQL property (SQLite plans differently, some indexes are PG's)",
)


class _Sent(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Statements are logged as ("%s: %s", sql, values); pool messages have other shapes.
        if isinstance(record.args, tuple) and len(record.args) == 2:
            sql, values = record.args
            self.statements.append((str(sql), list(values or [])))  # type: ignore[call-overload]


@contextmanager
def sent_statements() -> Iterator[list[tuple[str, list[Any]]]]:
    """(sql, values) of each statement this process sends in the block, in order."""
    logger = logging.getLogger(DB_CLIENT_LOGGER)
    handler = _Sent()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def sql_of(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    queryset._make_query()
    sql, params = queryset.query.get_parameterized_sql()
    return sql, list(params)


async def plan_of(sql: str, values: Sequence[Any]) -> str:
    """The plan PostgreSQL chooses by itself (nothing switched off or forced)."""
    _, rows = await connections.get("default").execute_query(f"EXPLAIN {sql}", list(values))
    return "\n".join(row["QUERY PLAN"] for row in rows)


async def index_named(definition_end: str) -> str:
    _, rows = await connections.get("default").execute_query(
        "SELECT indexname FROM pg_indexes WHERE indexdef LIKE $1", [f"%{definition_end}"]
    )
    assert len(rows) == 1, definition_end
    return str(rows[0]["indexname"])
