"""A span per statement Tortoise runs (`mentorgraph.tracing`): Tortoise has no OpenTelemetry hook.

Why not opentelemetry-instrumentation-asyncpg: it records the SQL text (`db.statement`), and a
statement can carry literals (the fast path inlines some of its arguments), so values would reach
the trace; and it sees nothing on SQLite. Wrapping Tortoise's four `execute_*` methods covers both
databases and names a statement by its head only: operation and table, never the text.

Only statements run inside a traced operation get a span: the background jobs (outbox, sweep)
and readiness probes, run every few seconds, would otherwise fill the trace store with root spans.
Installed only when tracing is on (the classes stay untouched otherwise).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.asyncpg.client import TransactionWrapper as AsyncpgTransaction
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

from mentorgraph import tracing

__all__ = ["summary", "trace_database"]

_CLIENTS: dict[type, str] = {
    AsyncpgDBClient: "postgresql",
    AsyncpgTransaction: "postgresql",
    SqliteClient: "sqlite",
    SqliteTransactionWrapper: "sqlite",
}
_METHODS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict")
# The identifier after the keyword that names the statement's table (quoted or not).
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?([A-Za-z_][A-Za-z0-9_]*)', re.IGNORECASE)


def summary(query: str) -> tuple[str, str | None]:
    """(operation, table) of a statement: `SELECT`, `users`; no literal can reach either."""
    head = query.lstrip()[:16].split(None, 1)
    operation = head[0].upper() if head and head[0].isalpha() else "SQL"
    match = _TABLE.search(query, 0, 2000)
    return operation, match.group(1) if match else None


def _traced(method: Callable[..., Awaitable[Any]], system: str) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def traced(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        if not tracing.in_span():  # background jobs, readiness probes: no trace of their own
            return await method(self, query, *args, **kwargs)
        operation, table = summary(query)
        with tracing.span(f"db {operation} {table}" if table else f"db {operation}") as span:
            if span is not None:
                span.set_attributes(
                    {"db.system": system, "db.operation.name": operation}
                    | ({"db.collection.name": table} if table else {})
                )
            return await method(self, query, *args, **kwargs)

    traced.__traced__ = True  # type: ignore[attr-defined]
    return traced


def trace_database() -> None:
    """Wrap the clients' statement methods (once)."""
    for cls, system in _CLIENTS.items():
        for name in _METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "__traced__", False):
                setattr(cls, name, _traced(method, system))
