"""Tortoise's transactions and pool connections, made safe against cancellation (see `install`).

Why this exists: in tortoise-orm 1.1.9 `in_transaction()` enters in several awaits (SQLite: take
the connection's one lock, then COMMIT + BEGIN; PostgreSQL: take a pool connection, then BEGIN),
and `async with` calls `__aexit__` only once `__aenter__` has returned. A task cancelled inside
`__aenter__` (a client that sends `complete` or closes its socket just as its mutation starts, a
client gone mid-request) never gives back what it took: on SQLite the lock that every later
query waits for (the server wedges, and shuts down no more), on PostgreSQL a pool connection, left
"idle in transaction" when BEGIN had reached the server, until the pool is empty. On SQLite a
cancellation in COMMIT or ROLLBACK gives the lock back with the one shared connection still inside
the transaction (the next BEGIN then commits the abandoned writes).

The replacement keeps Tortoise's classes and changes only when things happen:

- Enter: wait for the lock / a pool connection (cancellable: `asyncio.Lock` and asyncpg's pool
  give back what a cancelled waiter would have got), bounded on PostgreSQL by the pool acquire
  timeout; then BEGIN runs to its end even if the task is cancelled meanwhile (`run_to_completion`);
  a cancellation that arrived is honoured only after ROLLBACK and release.
- Exit: COMMIT or ROLLBACK, then release, run to their end whatever cancellations arrive; the lock
  or connection is given back even when COMMIT/ROLLBACK fails.

Every write path (`in_transaction()` in models/, and Tortoise's own) gets this by `install`, which
`init_db` calls. `tests/api/test_hostile_cancellation.py` pins the upstream behaviour: when a
Tortoise upgrade no longer leaks, this module can go.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    PoolConnectionWrapper,
    TransactionalDBClient,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from mentorgraph.models.db_faults import DatabaseUnavailable

__all__ = ["install", "run_to_completion"]

T = TypeVar("T")


class _Bounds:
    # Seconds to wait for a pool connection, and for a connection's reset on release.
    acquire_timeout: float | None = None


async def run_to_completion(work: Awaitable[T]) -> T:
    """Await `work` to its end even if this task is cancelled meanwhile, then honour the
    cancellation (raise CancelledError) if one arrived. For the short steps that must not be cut
    in half: BEGIN with its lock held, COMMIT/ROLLBACK and the release after them."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.wait([task])
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        if not task.cancelled():
            task.exception()  # retrieved: the cancellation is what the caller hears of
        raise asyncio.CancelledError
    return task.result()


async def _end(client: TransactionalDBClient, exc_type: type[BaseException] | None) -> None:
    """Tortoise's own exit decision: ROLLBACK after an error, COMMIT otherwise."""
    if client._finalized:
        return
    if exc_type is None:
        await client.commit()
    elif exc_type is not TransactionManagementError:  # a failed transaction cannot roll back
        await client.rollback()


async def _roll_back_quietly(client: TransactionalDBClient) -> None:
    """Undo a BEGIN whose caller will never use it (it was cancelled, or BEGIN failed)."""
    try:
        if not client._finalized:
            await client.rollback()
    except Exception:  # nothing begun, or the connection is broken: both end here
        pass


class _EndsToCompletion:
    """The exit both transaction contexts share: COMMIT or ROLLBACK and the release run to
    completion even when the task is cancelled meanwhile (`_exit`, per backend)."""

    token: Any

    async def _exit(self, exc_type: type[BaseException] | None) -> None:
        raise NotImplementedError

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await run_to_completion(self._exit(exc_type))
        finally:
            get_connections().reset(self.token)


class SqliteTransaction(_EndsToCompletion, SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await run_to_completion(self._begin())
        except BaseException:
            await run_to_completion(self._abandon())
            raise
        self.token = get_connections().set(self.connection_name, self.connection)
        connection: TransactionalDBClient = self.connection
        return connection

    async def _begin(self) -> None:
        await self.ensure_connection()
        await self.connection.begin()

    async def _abandon(self) -> None:
        try:
            if self.connection._connection is not None:
                await _roll_back_quietly(self.connection)
        finally:
            self._trxlock.release()

    async def _exit(self, exc_type: type[BaseException] | None) -> None:
        try:
            await _end(self.connection, exc_type)
        finally:
            self._trxlock.release()


class PooledTransaction(_EndsToCompletion, TransactionContextPooled):
    async def __aenter__(self) -> TransactionalDBClient:
        await self.ensure_connection()
        self.client._connection = await _acquire(self.client._parent._pool)
        try:
            await run_to_completion(self.client.begin())
        except BaseException:
            await run_to_completion(self._release(roll_back=True))
            raise
        self.token = get_connections().set(self.connection_name, self.client)
        return self.client

    async def _exit(self, exc_type: type[BaseException] | None) -> None:
        try:
            await _end(self.client, exc_type)
        finally:
            await self._release(roll_back=False)

    async def _release(self, *, roll_back: bool) -> None:
        try:
            if roll_back:
                await _roll_back_quietly(self.client)
        finally:
            pool = self.client._parent._pool
            if pool is not None:
                # asyncpg rolls back what is still open and, if that fails or outlasts the
                # timeout, terminates the connection: either way the pool gets its slot back.
                await pool.release(self.client._connection, timeout=_Bounds.acquire_timeout)


class BoundedPoolConnection(PoolConnectionWrapper[Any]):
    """A pool connection for one statement outside a transaction, waited for at most the
    acquire timeout (asyncpg's acquire and release are already safe against cancellation)."""

    async def __aenter__(self) -> Any:
        await self.ensure_connection()
        self.connection = await _acquire(self.client._pool)
        return self.connection


async def _acquire(pool: Any) -> Any:
    try:
        return await pool.acquire(timeout=_Bounds.acquire_timeout)
    except TimeoutError:
        raise DatabaseUnavailable(
            f"no database connection free within {_Bounds.acquire_timeout} s"
        ) from None


def _sqlite_transaction(self: SqliteClient) -> TransactionContext:
    return SqliteTransaction(SqliteTransactionWrapper(self), self._lock)


def _pooled_transaction(self: AsyncpgDBClient) -> TransactionContext:
    return PooledTransaction(TransactionWrapper(self), self._pool_init_lock)


def _bounded_connection(self: AsyncpgDBClient) -> BoundedPoolConnection:
    return BoundedPoolConnection(self, self._pool_init_lock)


def install(*, acquire_timeout: float | None) -> None:
    """Replace the top-level transaction of both backends (the nested ones, savepoints, run in
    one await and end with their outer transaction) and bound the pool's waits."""
    _Bounds.acquire_timeout = acquire_timeout
    SqliteClient._in_transaction = _sqlite_transaction  # type: ignore[method-assign]
    AsyncpgDBClient._in_transaction = _pooled_transaction  # type: ignore[method-assign]
    AsyncpgDBClient.acquire_connection = _bounded_connection  # type: ignore[method-assign,assignment]
