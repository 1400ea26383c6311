"""Tortoise configuration for a database URL, and the start/stop of its connections."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections

from mentorgraph.settings import get_settings

__all__ = ["MODEL_MODULES", "close_db", "init_db", "migrate_db", "tortoise_config"]

MODEL_MODULES = [
    "models.users",
    "models.requests",
    "models.auth",
    "models.outbox",
    "models.applications",
    "models.feedback",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("postgres"):
        # asyncpg's default pool (1-5) is too small for concurrent writers waiting on row locks.
        separator = "&" if "?" in database_url else "?"
        if "maxsize" not in database_url:
            database_url = f"{database_url}{separator}minsize=1&maxsize=20"
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` reads TORTOISE_ORM from pyproject; build it lazily from settings.
    if name == "TORTOISE_ORM":
        return tortoise_config(get_settings().resolved_database_url)
    raise AttributeError(name)


async def init_db(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    # Connections open lazily; fail at start-up, not on the first request.
    await connections.get("default").execute_query("SELECT 1")


async def migrate_db(database_url: str) -> None:
    from tortoise.migrations.api.migrate import migrate

    await migrate(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def close_db() -> None:
    await Tortoise.close_connections()
