"""Empties the test database between tests (and within a test that needs a fresh start)."""

from __future__ import annotations

import asyncpg
from tortoise import Tortoise, connections

__all__ = ["empty_database", "reset_postgres_schema"]


async def empty_database(database_url: str) -> None:
    """Delete every row and restart the id sequences, so ids start at 1 again."""
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps["models"].values()]
    if database_url.startswith("postgres"):
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            await conn.execute_script(f"DELETE FROM {table}")
        await conn.execute_script("DELETE FROM sqlite_sequence")


async def reset_postgres_schema(url: str) -> None:
    """Drop everything in the PostgreSQL database at `url`: an empty `public` schema."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
