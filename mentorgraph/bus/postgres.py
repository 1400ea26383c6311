"""The PostgreSQL bus: one dedicated `LISTEN` connection per process, restored by itself.

The connection is opened with asyncpg directly, not taken from Tortoise's pool (the pool
`UNLISTEN`s a connection when it is released). Notifications sent while it is down are lost by
PostgreSQL; the bus does not need them: once listening again it rings its own doorbell and reads
the event table after the last id it handed out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from mentorgraph.bus.base import EventBus
from mentorgraph.models.requests.events import NOTIFY_CHANNEL

__all__ = ["APPLICATION_NAME", "PostgresBus", "listener_dsn"]

logger = logging.getLogger("mentorgraph.bus")

# How the listening connection shows in pg_stat_activity.
APPLICATION_NAME = "mentorgraph-listen"
# Tortoise's pool options in the database URL, which a plain asyncpg connection refuses.
POOL_OPTIONS = {"minsize", "maxsize", "max_queries", "max_inactive_connection_lifetime"}


def listener_dsn(database_url: str) -> str:
    parts = urlsplit(database_url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in POOL_OPTIONS]
    return urlunsplit(parts._replace(query=urlencode(query)))


class PostgresBus(EventBus):
    def __init__(
        self,
        database_url: str,
        *,
        queue_size: int,
        health_check_seconds: float = 10.0,
        max_reconnect_delay: float = 5.0,
    ) -> None:
        super().__init__(queue_size=queue_size)
        self._dsn = listener_dsn(database_url)
        self._health_check_seconds = health_check_seconds
        self._max_reconnect_delay = max_reconnect_delay
        self._connection: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._watchdog: asyncio.Task[None] | None = None
        # How many times the listening connection was restored (for logs and tests).
        self.reconnects = 0

    async def start(self) -> None:
        await super().start()
        await self._listen()
        self._watchdog = asyncio.create_task(self._watch(), name="event-bus-listener")

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            await asyncio.gather(self._watchdog, return_exceptions=True)
            self._watchdog = None
        await self._close_connection()
        await super().stop()

    @property
    def listener_pid(self) -> int | None:
        """The backend pid of the listening connection (what `pg_terminate_backend` takes)."""
        return self._connection.get_server_pid() if self._connection is not None else None

    async def _listen(self) -> None:
        connection = await asyncpg.connect(
            self._dsn, server_settings={"application_name": APPLICATION_NAME}
        )
        try:
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
        except BaseException:
            connection.terminate()
            raise
        connection.add_termination_listener(self._on_terminated)
        self._connection = connection
        self._lost.clear()
        # Listening from here on; read whatever committed while nobody listened.
        self.ring()

    def _on_notify(self, *_: object) -> None:
        self.ring()

    def _on_terminated(self, connection: object) -> None:
        if connection is self._connection:
            self._lost.set()

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self._health_check_seconds)
            if not self._lost.is_set() and await self._healthy():
                continue
            logger.warning("The LISTEN connection was lost; reconnecting")
            await self._reconnect()

    async def _healthy(self) -> bool:
        # A connection can die without a word (a dropped network); ask it something.
        connection = self._connection
        if connection is None or connection.is_closed():
            return False
        try:
            await asyncio.wait_for(connection.fetchval("SELECT 1"), 5)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True

    async def _reconnect(self) -> None:
        await self._close_connection()
        delay = 0.05
        while True:
            try:
                await self._listen()
            except Exception:  # whatever the reason, the watchdog must not die: retry
                logger.warning(
                    "Reconnecting the LISTEN connection failed; retrying in %.1fs",
                    delay,
                    exc_info=True,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._max_reconnect_delay)
                continue
            self.reconnects += 1
            logger.info("LISTEN connection restored (pid %s)", self.listener_pid)
            return

    async def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            connection.terminate()
