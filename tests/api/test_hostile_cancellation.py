"""Issue 11, item 1: a client that cancels its work never leaves a lock, a connection or a
transaction behind, on either database, over WebSocket or HTTP.

Through a real server process: hundreds of mutations cancelled at once (`complete` right after
`subscribe`, sockets closed with operations in flight, HTTP clients gone mid-request), then the
server must still write promptly, and on PostgreSQL hold no transaction open and its pool whole.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import tortoise
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    BaseDBAsyncClient,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from websockets.asyncio.client import ClientConnection

from devkit.factories import make_mentor, make_request, make_user
from devkit.live_server import LiveServer
from mentorgraph.bus.postgres import listener_dsn
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.utils.raw_ws import init, open_socket, receive, send
from tests.utils.waiting import until_found

on_postgres = pytest.mark.skipif(
    os.environ.get("TEST_DB") != "postgres", reason="pg_stat_activity is PostgreSQL's"
)

# The server's pool connections, told apart from the test's own in pg_stat_activity.
SERVER_APPLICATION = "mentorgraph-cancel-test"
POOL_SIZE = 20  # mentorgraph.db's default maxsize

UPDATE = "mutation($bio: String!) { updateProfile(input: {bio: $bio}) { userErrors { code } } }"
ME = "{ viewer { bio } }"
# How long the server may take for one ordinary write once the abuse is over: a hang guard.
PATIENCE = 15.0


def _server_settings(settings: Settings) -> Settings:
    url = settings.resolved_database_url
    if url.startswith("postgres"):
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}application_name={SERVER_APPLICATION}"
    return settings.model_copy(update={"database_url": url})


@pytest.fixture
async def server(settings: Settings, db: None) -> AsyncIterator[LiveServer]:
    live = LiveServer(_server_settings(settings))
    live.start()
    try:
        yield live
    finally:
        live.stop()


def _token(settings: Settings, user: User) -> str:
    return TokenService(settings.resolved_jwt_secret, timedelta(hours=1)).issue(user)


@pytest.fixture
async def token(settings: Settings, db: None) -> str:
    """The abuser's."""
    return _token(settings, await make_user(name="Cancelling Carla"))


@pytest.fixture
async def bystander(settings: Settings, db: None) -> str:
    """Someone else's, who must still be served."""
    return _token(settings, await make_user(name="Patient Pat"))


async def _drain(ws: ClientConnection) -> None:
    """Read and drop whatever the server sends, so it never waits on this client."""
    try:
        async for _ in ws:
            pass
    except Exception:  # the socket is torn down under us on purpose
        pass


async def _cancel_over_websocket(url: str, token: str, *, sockets: int, per_socket: int) -> int:
    """On each socket: `per_socket` mutations, each completed (cancelled) right after its
    subscribe; then the socket closes with the last few still in flight. Returns the count."""
    sent = 0
    rng = random.Random(11)
    for s in range(sockets):
        ws = await open_socket(url)
        await init(ws, token)
        assert (await receive(ws))["type"] == "connection_ack"
        drain = asyncio.create_task(_drain(ws))
        for n in range(per_socket):
            op = f"{s}-{n}"
            payload = {"query": UPDATE, "variables": {"bio": f"cancelled {op}"}}
            await send(ws, {"id": op, "type": "subscribe", "payload": payload})
            sent += 1
            # Cancel at a different point of the operation's way in each time.
            if rng.random() < 0.5:
                await asyncio.sleep(rng.random() * 0.004)
            if n < per_socket - 3:
                await send(ws, {"id": op, "type": "complete"})
        await ws.close()  # the last ones are cancelled by the close
        await drain
    return sent


def _gone_update(n: int) -> dict[str, Any]:
    return {"query": UPDATE, "variables": {"bio": f"gone {n}"}}


async def _cancel_over_http(
    url: str,
    token: str,
    *,
    requests: int,
    operation: Callable[[int], dict[str, Any]] = _gone_update,
) -> int:
    """Clients that send a mutation and go away before the answer."""
    host, port = url.removeprefix("http://").split(":")
    rng = random.Random(12)
    for n in range(requests):
        body = json.dumps(operation(n)).encode()
        _, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        await asyncio.sleep(rng.random() * 0.004)
        writer.transport.abort()  # a reset, not a polite close
    return requests


async def _write(http: httpx.AsyncClient, token: str, bio: str) -> None:
    written = await http.post(
        "/graphql",
        json={"query": UPDATE, "variables": {"bio": bio}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert written.status_code == 200, written.text
    assert written.json()["data"]["updateProfile"]["userErrors"] == []


async def _still_serves(server: LiveServer, token: str, bystander: str) -> None:
    """A write and its read-back answer promptly, and so do a pool's worth of writes at once
    (a pool short of leaked connections would make some wait out the acquire timeout)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=PATIENCE) as http:
        try:
            await _write(http, bystander, "after the storm")
            read = await http.post(
                "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {bystander}"}
            )
            assert read.json()["data"]["viewer"]["bio"] == "after the storm"
            await asyncio.gather(*(_write(http, token, f"burst {n}") for n in range(2 * POOL_SIZE)))
        except httpx.TimeoutException:
            pytest.fail(f"the server wedged after cancelled work:\n{server.read_log()[-3000:]}")
        ready = await http.get("/readyz")
        assert ready.status_code == 200


async def _open_transactions(database_url: str) -> list[str]:
    sql = await asyncpg.connect(listener_dsn(database_url))
    try:
        rows = await sql.fetch(
            "SELECT state FROM pg_stat_activity WHERE application_name = $1"
            " AND datname = current_database()",
            SERVER_APPLICATION,
        )
    finally:
        await sql.close()
    return [row["state"] for row in rows if row["state"] != "idle"]


async def _assert_no_transaction_left(database_url: str) -> None:
    # Transactions that were just finishing settle; a leaked one stays open forever.
    async def settled() -> bool:
        return not await _open_transactions(database_url)

    try:
        await until_found(settled, "")
    except AssertionError:
        states = await _open_transactions(database_url)
        pytest.fail(f"server connections left busy after the abuse: {states}")


async def test_cancelled_mutations_over_websocket_leave_nothing_behind(
    server: LiveServer, token: str, bystander: str, database_url: str
) -> None:
    abuse = _cancel_over_websocket(server.url, token, sockets=10, per_socket=30)
    try:
        # Each socket's `connection_init` reads the viewer: it waits forever on a wedged server.
        assert await asyncio.wait_for(abuse, 4 * PATIENCE) == 300
    except TimeoutError:
        pytest.fail(f"the server wedged while work was cancelled:\n{server.read_log()[-3000:]}")
    await _still_serves(server, token, bystander)
    if database_url.startswith("postgres"):
        await _assert_no_transaction_left(database_url)


async def test_clients_gone_mid_request_leave_nothing_behind(
    server: LiveServer, token: str, bystander: str, database_url: str
) -> None:
    assert await _cancel_over_http(server.url, token, requests=200) == 200
    await _still_serves(server, token, bystander)
    if database_url.startswith("postgres"):
        await _assert_no_transaction_left(database_url)


MARK_VIEWED = """mutation($id: ID!) { markMentorshipRequestViewed(input: {requestId: $id}) {
  request { id status mentee { name } history { toStatus actor { name } } }
  userErrors { code } } }"""


async def test_clients_gone_mid_answer_of_a_mutation_that_changes_nothing(
    server: LiveServer, settings: Settings, bystander: str, database_url: str
) -> None:
    """The mentor's client marks VIEWED requests viewed again (on PostgreSQL one compiled
    statement, `fast_reads/unchanged.py`) and marks NEW ones (the ordinary path's write), and
    goes away mid-answer each time."""
    mentor = await make_mentor(name="Mo Mentor")
    ids = [
        encode_global_id("MentorshipRequest", request.id)
        for status in (RequestStatus.VIEWED, RequestStatus.NEW)
        for request in [
            await make_request(mentee=await make_user(), mentor=mentor, status=status)
            for _ in range(3)
        ]
    ]
    token = _token(settings, mentor)

    def mark(n: int) -> dict[str, Any]:
        return {"query": MARK_VIEWED, "variables": {"id": ids[n % len(ids)]}}

    assert await _cancel_over_http(server.url, token, requests=200, operation=mark) == 200
    await _still_serves(server, bystander, bystander)
    async with httpx.AsyncClient(base_url=server.url, timeout=PATIENCE) as http:
        for request_id in ids:
            answered = await http.post(
                "/graphql",
                json=mark(ids.index(request_id)),
                headers={"Authorization": f"Bearer {token}"},
            )
            payload = answered.json()["data"]["markMentorshipRequestViewed"]
            assert payload["request"]["status"] == "VIEWED"
            # One VIEWED event for each NEW one (the factory writes no events of its own),
            # however many cancelled marks came before; none for those VIEWED already.
            history = [e["toStatus"] for e in payload["request"]["history"]]
            assert history == ([] if ids.index(request_id) < 3 else ["VIEWED"])
    if database_url.startswith("postgres"):
        await _assert_no_transaction_left(database_url)


# --- The Tortoise behaviour `mentorgraph.cancel_safe_db` replaces, pinned -----------------------


def _upstream_transaction(client: BaseDBAsyncClient) -> TransactionContext:
    """Tortoise 1.1.9's own context manager, as `in_transaction()` made it before `install`."""
    if isinstance(client, SqliteClient):
        return SqliteTransactionContext(SqliteTransactionWrapper(client), client._lock)
    assert isinstance(client, AsyncpgDBClient)
    return TransactionContextPooled(TransactionWrapper(client), client._pool_init_lock)


def _pause_before(wrapper: Any, step: str) -> asyncio.Event:
    """Make the transaction's `step` (begin, commit, rollback) yield once before it runs, and
    say when it is reached: the point where a cancellation lands."""
    original = getattr(wrapper, step)
    reached = asyncio.Event()

    async def paused() -> None:
        reached.set()
        await asyncio.sleep(0)
        await original()

    setattr(wrapper, step, paused)
    return reached


async def _cancel_at(context: TransactionContext, point: str) -> Any:
    """Cancel the task inside `context` at `point`: in BEGIN, in the body, in COMMIT, or in the
    body and then again in the ROLLBACK that follows (as anyio's repeated cancellation does).
    Returns the transaction's client, to see what it still holds."""
    wrapper: Any = getattr(context, "client", None) or context.connection  # type: ignore[attr-defined]
    step = {"begin": "begin", "commit": "commit", "rollback": "rollback"}.get(point)
    reached = _pause_before(wrapper, step) if step else asyncio.Event()
    in_body = asyncio.Event()

    async def transaction() -> None:
        async with context as connection:
            await connection.execute_query("SELECT 1")
            in_body.set()
            if point in ("body", "rollback"):
                await asyncio.Event().wait()  # until cancelled

    task = asyncio.create_task(transaction())
    if point == "rollback":
        await in_body.wait()
        task.cancel()
    await (in_body if point == "body" else reached).wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return wrapper


async def _still_held(client: BaseDBAsyncClient, wrapper: Any) -> bool:
    """Whether the cancelled transaction kept the SQLite lock, left SQLite's one connection
    inside a transaction (the next BEGIN would commit its writes), or kept its pool connection
    (all of it is given back here, so the test can go on)."""
    if isinstance(client, SqliteClient):
        connection = client._connection._conn  # type: ignore[union-attr]
        held = client._lock.locked() or connection.in_transaction
        if connection.in_transaction:
            await wrapper._connection.rollback()
        if client._lock.locked():
            client._lock.release()
        return held
    held = wrapper._connection._con is not None  # asyncpg clears it on release
    if held:
        await client._pool.release(wrapper._connection)
    return held


@pytest.mark.parametrize("point", ["begin", "body", "commit", "rollback"])
async def test_tortoise_leaks_what_a_cancelled_transaction_holds(db: None, point: str) -> None:
    """Pins the upstream faults that `mentorgraph.cancel_safe_db` exists for: cancelled in BEGIN
    a transaction keeps the lock or pool connection; on SQLite, cancelled in COMMIT or ROLLBACK
    it leaves the shared connection inside its transaction. When a Tortoise upgrade changes
    this, re-check whether the module is still needed."""
    assert tortoise.__version__ == "1.1.9"
    client = connections.get("default")
    leaks = point == "begin" or (point != "body" and isinstance(client, SqliteClient))
    wrapper = await _cancel_at(_upstream_transaction(client), point)
    assert await _still_held(client, wrapper) == leaks


@pytest.mark.parametrize("point", ["begin", "body", "commit", "rollback"])
async def test_a_cancelled_transaction_gives_everything_back(db: None, point: str) -> None:
    client = connections.get("default")
    for _ in range(2 * POOL_SIZE):
        wrapper = await _cancel_at(client._in_transaction(), point)
        assert not await _still_held(client, wrapper)
    # And the database still takes writes (a leaked lock or pool would hang here).
    user = await asyncio.wait_for(make_user(name="Written after"), PATIENCE)
    assert await asyncio.wait_for(User.filter(id=user.id).exists(), PATIENCE)
