"""Counting the SQL statements an operation runs (Tortoise logs each one at DEBUG)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().lstrip()
        if message.upper().startswith(SQL_VERBS):
            self.statements.append(message)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Collects the statements run inside the block (in this process) into the yielded list."""
    logger = logging.getLogger("tortoise.db_client")
    counter = _Counter()
    previous = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)
