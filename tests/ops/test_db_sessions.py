"""What every pooled PostgreSQL connection of the server is set up with (`mentorgraph/db.py`):
no JIT (the compiled reads' estimates pass `jit_above_cost` while they run in milliseconds, and
JIT compilation then cost most of their time), and the statement timeout's backstop."""

from __future__ import annotations

import os

import pytest
from tortoise import connections

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres", reason="PostgreSQL's own settings"
)


async def test_pooled_connections_run_without_jit(db: None) -> None:
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        assert await connection.fetchval("SHOW jit") == "off"
        assert await connection.fetchval("SHOW statement_timeout") != "0"
