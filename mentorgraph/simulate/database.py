"""The throw-away database a simulation writes to: a fresh SQLite file in a temporary directory, or
an empty PostgreSQL database given by URL (refused if it has any user: a run writes thousands of
rows and moves the rules' clock, which no real database should see)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.models.accounts.users import User
from mentorgraph.settings import Settings

__all__ = ["NotThrowAway", "throw_away_database"]


class NotThrowAway(Exception):
    """The database given already has users: give an empty one (e.g. a new CREATE DATABASE)."""


@contextlib.asynccontextmanager
async def throw_away_database(url: str | None, settings: Settings) -> AsyncIterator[str]:
    """Migrated and connected; yields its URL. The temporary SQLite file goes afterwards."""
    with contextlib.ExitStack() as stack:
        if url is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mg-sim-")))
            url = f"sqlite://{folder / 'simulation.sqlite3'}"
        await migrate_db(url)
        await init_db(url, settings)
        try:
            users = await User.all().count()
            if users:
                raise NotThrowAway(
                    f"The database has {users} users; a simulation needs an empty one"
                    " (it writes thousands of rows)."
                )
            yield url
        finally:
            await close_db()
