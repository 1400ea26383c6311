"""Counts the SQL statements the server runs, to show they do not grow with the page size."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["StatementLog", "count_statements"]

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
