"""Which failures mean "the database is unavailable for now": answered 503 SERVICE_UNAVAILABLE with
`Retry-After` (HTTP), the same code in `errors` (WebSocket), never a bare 500.

An outage shows as many exception types, often wrapped (Tortoise re-raises asyncpg's errors as its
own, GraphQL wraps a resolver's): the chain of causes is searched.
"""

from __future__ import annotations

import sqlite3

import asyncpg
from tortoise.exceptions import DBConnectionError

from mentorgraph.models.errors import FaultCode

__all__ = [
    FaultCode.SERVICE_UNAVAILABLE,
    "UNAVAILABLE_MESSAGE",
    "DatabaseUnavailable",
    "is_database_unavailable",
]

SERVICE_UNAVAILABLE = FaultCode.SERVICE_UNAVAILABLE
UNAVAILABLE_MESSAGE = "The service is briefly unavailable; try again shortly."


class DatabaseUnavailable(Exception):
    """No database connection could be had in time (the pool is exhausted, or the server away)."""


_UNAVAILABLE = (
    DatabaseUnavailable,  # no pool connection within the acquire timeout
    DBConnectionError,
    OSError,  # refused, reset, unreachable, timed out (TimeoutError is an OSError)
    asyncpg.PostgresConnectionError,  # class 08: the connection was lost or never made
    asyncpg.OperatorInterventionError,  # class 57: terminated, shutting down, statement timeout
    asyncpg.InsufficientResourcesError,  # class 53: too many connections, disk full
    asyncpg.ObjectNotInPrerequisiteStateError,  # 55000: database not accepting connections
    asyncpg.InvalidCatalogNameError,  # the database is gone
    asyncpg.IdleInTransactionSessionTimeoutError,
    # asyncpg's protocol stuck between states: seen on the first statement over a connection
    # the server ended (pg_terminate_backend, a restart); the pool replaces the connection.
    asyncpg.InternalClientError,
)
# SQLite's own words for a database it cannot use right now.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, _UNAVAILABLE):
        return True
    if isinstance(exc, asyncpg.InterfaceError):
        return "closed" in str(exc)  # "connection is closed", "pool is closed"
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc).lower().startswith(_SQLITE_UNAVAILABLE)
    return False


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc`, or anything that caused it, says the database cannot be used now."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if _is_unavailable(exc):
            return True
        seen.add(id(exc))
        nested = getattr(exc, "original_error", None)  # a GraphQLError's
        exc = nested or exc.__cause__ or exc.__context__
    return False
