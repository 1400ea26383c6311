"""Tortoise configuration for a database URL, and the start/stop of its connections."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from mentorgraph import cancel_safe_db
from mentorgraph.settings import Settings, get_settings

__all__ = ["MODEL_MODULES", "NO_JIT", "close_db", "init_db", "migrate_db", "tortoise_config"]

MODEL_MODULES = [
    "mentorgraph.models.accounts.users",
    "mentorgraph.models.requests.requests",
    "mentorgraph.models.accounts.auth",
    "mentorgraph.models.notifications.outbox",
    "mentorgraph.models.directory.application_records",
    "mentorgraph.models.requests.reminders",
    "mentorgraph.models.directory.availability_changes",
    "mentorgraph.models.requests.feedback",
    "mentorgraph.models.persisted_queries",
    "mentorgraph.models.requests.email_links",
    "mentorgraph.models.notifications.email_preferences",
    "mentorgraph.models.notifications.inbox",
    "mentorgraph.models.safety.safety_records",
]


async def _keep_session(_: Any) -> None:
    """asyncpg's pool otherwise sends `RESET ALL; UNLISTEN *; pg_advisory_unlock_all(); CLOSE ALL`
    after every release: one extra round trip per statement (about 9% of a request's time,
    profiled). Pooled connections hold no session state here: no SET, no LISTEN (listeners use a
    dedicated connection), no session-level advisory locks, no open cursors; asyncpg still
    checks the connection is idle (no transaction left open) before reuse."""


def _bounded_sessions(credentials: dict[str, Any], settings: Settings) -> None:
    """Server-side backstops on every pool connection: no statement, and no transaction left
    idle, outlives its timeout; a connection attempt gives up as a pool wait does."""
    server_settings = credentials.setdefault("server_settings", {})
    for name, seconds in (
        ("statement_timeout", settings.db_statement_timeout_seconds),
        ("idle_in_transaction_session_timeout", settings.db_idle_in_transaction_timeout_seconds),
    ):
        server_settings[name] = str(int(seconds * 1000))  # milliseconds; 0 is off
    server_settings.update(NO_JIT)
    credentials.setdefault("timeout", settings.db_acquire_timeout_seconds)


# PostgreSQL JIT-compiles a statement whose estimated cost passes `jit_above_cost` (100,000),
# at every execution: the compiled reads that build JSON from many correlated subqueries
# estimate far above it (a subquery's estimate is multiplied by the rows it may run for) while
# running in milliseconds. Profiled on the bench data (`recommendedMentors`, 10,000 mentors):
# 2.0 s of a 2.4 s execution was JIT compilation (287 functions), the query itself 0.4 s.
NO_JIT = {"jit": "off"}


def tortoise_config(database_url: str, settings: Settings | None = None) -> dict[str, Any]:
    """Tortoise's configuration; with `settings`, the server's timeouts on every connection
    (migrations run without them: building an index may take longer than any request)."""
    connection: str | dict[str, Any] = database_url
    if database_url.startswith("postgres"):
        # asyncpg's default pool (1-5) is too small for concurrent writers waiting on row locks.
        separator = "&" if "?" in database_url else "?"
        if "maxsize" not in database_url:
            database_url = f"{database_url}{separator}minsize=1&maxsize=20"
        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = _keep_session
        if settings is not None:
            _bounded_sessions(connection["credentials"], settings)
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "mentorgraph.models.migrations",
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


async def init_db(database_url: str, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    cancel_safe_db.install(acquire_timeout=settings.db_acquire_timeout_seconds)
    await Tortoise.init(
        config=tortoise_config(database_url, settings), _enable_global_fallback=True
    )
    # Connections open lazily; fail at start-up, not on the first request.
    await connections.get("default").execute_query("SELECT 1")


async def migrate_db(database_url: str) -> list[str]:
    """Applies the migrations the database lacks; their names ("app.name"), in order."""
    from tortoise.migrations.api.migrate import migrate

    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")

    await migrate(config=tortoise_config(database_url), progress=progress)
    await Tortoise.close_connections()
    return applied


async def close_db() -> None:
    await Tortoise.close_connections()
