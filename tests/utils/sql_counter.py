"""Counts the SQL statements the server runs, to show they do not grow with the page size."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

__all__ = ["StatementLog", "count_statements", "fewest_statements"]

# Every Tortoise client (pooled or in a transaction, SQLite or asyncpg) logs each statement it
# sends here at DEBUG, just before sending it.
DB_CLIENT_LOGGER = "tortoise.db_client"


class StatementLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Connection (and pool) set-up and tear-down messages are not statements.
        if not message.startswith(("Created connection", "Closed connection")):
            self.statements.append(message)

    def __len__(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements() -> Iterator[StatementLog]:
    """Records the statements run in the block, by this process (use the in-process `client`)."""
    logger = logging.getLogger(DB_CLIENT_LOGGER)
    handler = StatementLog()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


async def fewest_statements(operation: Callable[[], Awaitable[object]], tries: int = 3) -> int:
    """The fewest statements `operation` ran over a few tries.

    DataLoaders batch the loads of one event-loop turn; when two branches of a query finish their
    own round trips at different moments (on PostgreSQL, with real network I/O, they may), a batch
    can split in two. That varies run to run but never grows with the page; an N+1 does, on every
    try. The minimum is the statement count without an unlucky split.
    """
    counts = []
    for _ in range(tries):
        with count_statements() as log:
            await operation()
        counts.append(len(log))
    # Every operation here reads something: zero means the counter saw nothing, not success.
    assert min(counts) > 0, "no statements seen: is the tortoise.db_client logger reaching us?"
    return min(counts)
