"""Compiled reads on a streaming replica (`DATABASE_READ_URL`), with read-your-writes.

The fast read path answers a query with one read-only statement (`resolvers/fast_reads/`), so
it can run on a PostgreSQL hot standby kept by streaming replication. A standby lags its
primary by a little, so a client that has just written could read its own write's past. The
choice made here (docs/scaling.md):

- Every mutation answered over HTTP carries `X-Read-After: <LSN>`: the primary's WAL position
  (`pg_current_wal_lsn()`) after the mutation committed. A client that wants to read its own
  writes sends the latest value it got back in the same header (per client, no server state,
  so any process of any replica set serves it alike).
- A read with `X-Read-After` asks the replica first whether it has replayed that far
  (`pg_last_wal_replay_lsn()`): if so the replica answers, else the primary does. Reads without
  it (anonymous or not) go to the replica: one statement, as on the primary. An unparseable
  value is answered by the primary (always correct, never an error).
- The replica unreachable (refused, timed out, shut down): the primary answers, the failure is
  logged once, and the replica is tried again after `read_replica_retry_seconds`.

Replica connections are read-only (`default_transaction_read_only=on`) and carry the primary
pool's timeouts. Only the fast path reads here; the ordinary executor, mutations, subscriptions
and WebSocket operations use the primary.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any

import asyncpg
from tortoise import connections

from mentorgraph.db import NO_JIT
from mentorgraph.models.sql import sole_row, sole_value
from mentorgraph.resolvers.fast_reads.replica import Answered
from mentorgraph.settings import Settings

__all__ = ["READ_AFTER_HEADER", "ReadReplica", "parse_lsn", "primary_position"]

logger = logging.getLogger("mentorgraph.read_replica")

READ_AFTER_HEADER = "X-Read-After"

# An LSN as PostgreSQL prints it: two hexadecimal halves of a 64-bit position.
_LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")


def _if_caught_up(sql: str, params: int) -> str:
    """`sql` run only when the replica has replayed up to the position in the last parameter
    (a primary is always current), in the same round trip: the check and, if it passes, the
    answer (a CASE evaluates its scalar subquery only when the condition holds)."""
    position = f"${params + 1}::text::pg_lsn"
    return (
        f"SELECT caught_up, CASE WHEN caught_up THEN ({sql}) END AS value FROM"
        f" (SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= {position}"
        " AS caught_up) AS replay"
    )


# The replica cannot be reached: refused, timed out, shutting down, connection lost.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
)


async def primary_position() -> str | None:
    """The primary's WAL position now: past the commit of every transaction that has
    committed, so a replica that has replayed up to it shows them all. None when it cannot be
    read: the mutation has committed, and its answer must not turn into an error (a client
    would retry it); that client's next reads may then come from a replica that is behind."""
    try:
        rows = await connections.get("default").execute_query_dict(
            "SELECT pg_current_wal_lsn()::text AS lsn"
        )
    except Exception:  # any failure: answer without the header, say why in the log
        logger.warning("could not read the primary's WAL position", exc_info=True)
        return None
    return str(rows[0]["lsn"])


# No replica ever replays this far: a malformed position is read on the primary.
_BEYOND_EVERY_REPLICA = "FFFFFFFF/FFFFFFFF"


def parse_lsn(value: str | None) -> str | None:
    """The client's `X-Read-After` as an LSN; None when absent (the replica may answer). A
    malformed value asks for the primary: it may be a position this server would understand
    had the client not mangled it, and the primary is always correct."""
    if value is None:
        return None
    value = value.strip()
    return value if _LSN.fullmatch(value) else _BEYOND_EVERY_REPLICA


class ReadReplica:
    def __init__(self, url: str, settings: Settings, *, pool_size: int = 20) -> None:
        self.url = url
        self.settings = settings
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        # monotonic time before which the replica is not tried again (after a failure).
        self._down_until = 0.0
        # Counts, for tests and metrics: answered here, sent to the primary as behind, failed.
        self.served = 0
        self.behind = 0
        self.unavailable = 0

    async def start(self) -> None:
        """Opens the pool lazily (connections are made on first use): the server starts even
        while the replica is away, and reads go to the primary until it is back."""
        self._pool = asyncpg.create_pool(
            self.url,
            min_size=0,
            max_size=self.pool_size,
            timeout=self.settings.db_acquire_timeout_seconds,
            server_settings={
                "default_transaction_read_only": "on",
                **NO_JIT,
                "statement_timeout": str(int(self.settings.db_statement_timeout_seconds * 1000)),
            },
            # No session state is set on these connections: skip asyncpg's reset round trip.
            reset=_keep_session,
        )
        await self._pool

    async def stop(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def fetchval(
        self, sql: str, params: Sequence[Any], read_after: str | None
    ) -> Answered | None:
        """The statement's value from the replica, or None: the primary must answer (the
        replica has not replayed `read_after` yet, or cannot be reached)."""
        if self._pool is None or time.monotonic() < self._down_until:
            return None
        try:
            async with self._pool.acquire(
                timeout=self.settings.db_acquire_timeout_seconds
            ) as connection:
                if read_after is None:
                    value = await sole_value(connection, sql, *params)
                else:
                    row = await sole_row(
                        connection, _if_caught_up(sql, len(params)), *params, read_after
                    )
                    if row is None or not row["caught_up"]:
                        self.behind += 1
                        return None
                    value = row["value"]
        except _UNREACHABLE as exc:
            self._unreachable(exc)
            return None
        except asyncpg.PostgresError as exc:
            # E.g. a statement cancelled by a conflict with recovery (hot standby): the
            # replica is fine, this answer comes from the primary.
            logger.warning("read replica failed a read (%s); the primary answers", exc.sqlstate)
            return None
        self.served += 1
        return Answered(value)

    def _unreachable(self, exc: BaseException) -> None:
        self.unavailable += 1
        self._down_until = time.monotonic() + self.settings.read_replica_retry_seconds
        logger.warning(
            "read replica unreachable (%s: %s); reading from the primary for %s s",
            type(exc).__name__,
            exc,
            self.settings.read_replica_retry_seconds,
        )


async def _keep_session(_: Any) -> None:
    """See `mentorgraph.db._keep_session`."""
