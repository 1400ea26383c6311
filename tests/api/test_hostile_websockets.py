"""A hostile client on WebSockets (issue 11, items 6 and 7): real sockets against a real server.

Item 6, resources are bounded: sockets per address and per account, operations in flight per
socket, and the bytes the server holds for a client that does not read.
Item 7, a socket meets the HTTP endpoint's rules: the size limit, no NUL, and a token that
stops serving when it expires or its account is deleted.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from devkit.factories import make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.models.accounts.users import User
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.raw_ws import init, open_socket, receive, send
from tests.utils.subscriptions import EVENTS, PATIENCE
from tests.utils.waiting import until_found

VIEWER = "query { viewer { id bio } }"
SET_BIO = """
mutation SetBio($bio: String!) {
  updateProfile(input: {bio: $bio}) { user { bio } userErrors { code } }
}
"""


def tokens_of(settings: Settings, ttl: timedelta = timedelta(hours=1)) -> TokenService:
    """Tokens the server accepts: signed with its secret, valid for `ttl`."""
    return TokenService(settings.resolved_jwt_secret, ttl)


async def connected(url: str, token: str | None = None, **options: Any) -> ClientConnection:
    """A socket past `connection_init` (acknowledged)."""
    ws = await open_socket(url, **options)
    await init(ws, token)
    ack = await asyncio.wait_for(receive(ws), PATIENCE)
    assert ack["type"] == "connection_ack", ack
    return ws


async def start(ws: ClientConnection, op_id: str, query: str, **variables: Any) -> None:
    payload = {"query": query, "variables": variables}
    await send(ws, {"id": op_id, "type": "subscribe", "payload": payload})


async def answer(ws: ClientConnection, op_id: str) -> dict[str, Any]:
    """The first `next` or `error` message of operation `op_id` (others' are skipped)."""
    while True:
        message = await asyncio.wait_for(receive(ws), PATIENCE)
        if message.get("id") == op_id and message["type"] in ("next", "error"):
            return message


async def closed(ws: ClientConnection) -> tuple[int, str]:
    """Read until the server closes the socket: its code and reason."""
    with pytest.raises(ConnectionClosed) as ended:
        while True:
            await asyncio.wait_for(ws.recv(), PATIENCE)
    assert ended.value.rcvd is not None, "closed without a close frame"
    return ended.value.rcvd.code, ended.value.rcvd.reason


async def ask(ws: ClientConnection, op_id: str, query: str, **variables: Any) -> dict[str, Any]:
    """A query's answer (`next` or `error`), read through its `complete`: nothing left unread
    (the client reads no further while a message waits, close frames included)."""
    await start(ws, op_id, query, **variables)
    message = await answer(ws, op_id)
    if message["type"] == "next":
        while (await asyncio.wait_for(receive(ws), PATIENCE)) != {"id": op_id, "type": "complete"}:
            pass
    return message


def error_code(message: dict[str, Any]) -> str:
    assert message["type"] == "error", message
    return str(message["payload"][0]["extensions"]["code"])


# Item 6: bounded resources.


async def test_sockets_beyond_the_limit_per_address_are_refused_with_429(
    serve: StartServer,
) -> None:
    url = await serve(ws_max_sockets_per_address=3)
    sockets = [await connected(url) for _ in range(3)]
    with pytest.raises(InvalidStatus) as refused:
        await open_socket(url)
    assert refused.value.response.status_code == 429
    body = json.loads(refused.value.response.body or b"{}")
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_SOCKETS"

    # Closing one frees its place.
    await sockets.pop().close()

    async def reopened() -> ClientConnection | None:
        try:
            return await open_socket(url)
        except InvalidStatus:
            return None

    sockets.append(await until_found(reopened, "a closed socket's place was not freed"))
    for ws in sockets:
        await ws.close()


async def test_sockets_beyond_the_limit_per_account_are_closed_with_4429(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve(ws_max_sockets_per_user=2)
    tokens = tokens_of(settings)
    ada, bob = await make_user(), await make_user()
    sockets = [await connected(url, tokens.issue(ada)) for _ in range(2)]
    third = await open_socket(url)
    await init(third, tokens.issue(ada))
    code, reason = await closed(third)
    assert code == 4429
    assert "Too many open sockets for this account" in reason
    # Others are not affected; nor are the account's open sockets.
    other = await connected(url, tokens.issue(bob))
    assert (await ask(sockets[0], "q", VIEWER))["payload"]["data"]["viewer"] is not None
    for ws in [*sockets, other]:
        await ws.close()


async def test_operations_beyond_the_limit_get_an_error_and_the_socket_stays_usable(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve(ws_max_operations_per_socket=2)
    ws = await connected(url, tokens_of(settings).issue(await make_user()))
    # Two live subscriptions: in flight until completed.
    await start(ws, "a", EVENTS, after=None)
    await start(ws, "b", EVENTS, after=None)
    await start(ws, "c", VIEWER)
    extra = await answer(ws, "c")
    assert error_code(extra) == "TOO_MANY_OPERATIONS"
    # Once one ends, the socket takes operations again.
    await send(ws, {"id": "a", "type": "complete"})

    async def served() -> dict[str, Any] | None:
        message = await ask(ws, "d", VIEWER)
        return None if message["type"] == "error" else message

    message = await until_found(served, "the socket took no operation after one ended")
    assert message["payload"]["data"]["viewer"] is not None
    await ws.close()


HEAVY_ALIASES = 10
HEAVY = (
    "query Heavy {"
    + " ".join(
        f"a{i}: mentors(first: 100) {{ edges {{ node {{ id name bio }} }} }}"
        for i in range(HEAVY_ALIASES)
    )
    + "}"
)
# 50 mentors x 4 KB x 10 aliases: each answer is about 2 MB.
HEAVY_MENTORS = 50
BIO_BYTES = 4_000
UNREAD_QUERIES = 60


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


async def test_a_client_that_does_not_read_cannot_grow_the_servers_memory(
    live_server: LiveServer, settings: Settings
) -> None:
    for _ in range(HEAVY_MENTORS):
        await make_mentor(bio="b" * BIO_BYTES)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=PATIENCE * 3) as http:
        # One heavy answer read normally: its cost is part of the baseline.
        warm = await http.post("/graphql", json={"query": HEAVY})
        assert warm.status_code == 200
        assert len(warm.content) > 1_500_000
        assert live_server.process is not None
        baseline = peak_rss_mb(live_server.process.pid)

        slow = await connected(live_server.url, receive_buffer=4096)
        for i in range(UNREAD_QUERIES):
            await start(slow, str(i), HEAVY)

        # Others are still served, over HTTP and WebSocket.
        token = tokens_of(settings).issue(await make_user())
        other = await connected(live_server.url, token)
        assert (await ask(other, "v", VIEWER))["payload"]["data"]["viewer"] is not None
        await other.close()
        served = await http.post(
            "/graphql", json={"query": "{ mentors(first: 1) { edges { node { id } } } }"}
        )
        assert served.status_code == 200

        # Now read what the server kept for the slow client, to the end (today's code: every
        # answer; the limits: some, then the close).
        answered, close_code = 0, None
        try:
            while answered < UNREAD_QUERIES:
                message = await asyncio.wait_for(receive(slow), PATIENCE * 3)
                if message["type"] in ("complete", "error"):
                    answered += 1
            await slow.close()
        except ConnectionClosed as ended:
            close_code = ended.rcvd.code if ended.rcvd else None
        growth = peak_rss_mb(live_server.process.pid) - baseline
        assert growth < 100, f"the server's peak memory grew by {growth:.0f} MB"
        # It was dropped as a slow reader, with the code that says so.
        assert close_code == 4008, f"{answered} answers, then closed with {close_code}"


async def test_the_legacy_protocol_refuses_sockets_beyond_the_limit_without_a_crash(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve(graphql_ws_legacy=True, ws_max_sockets_per_user=1)
    token = tokens_of(settings).issue(await make_user())
    sockets = []
    for _ in range(2):
        ws = await open_socket(url, protocol="graphql-ws")
        await init(ws, token)
        sockets.append(ws)
        if len(sockets) == 1:
            # Acknowledged before the second socket asks: which one is first is then certain.
            ack = await asyncio.wait_for(receive(ws), PATIENCE)
            assert ack["type"] == "connection_ack"
    refused = await asyncio.wait_for(receive(sockets[1]), PATIENCE)
    assert refused["type"] == "connection_error"
    assert "Too many open sockets" in refused["payload"]["message"]
    await sockets[0].close()


# Item 7: the HTTP rules.


async def test_nul_in_variables_is_refused_and_nothing_stored(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve()
    user = await make_user(bio="before")
    ws = await connected(url, tokens_of(settings).issue(user))
    assert error_code(await ask(ws, "nul", SET_BIO, bio="a\x00b")) == "BAD_USER_INPUT"
    # The socket stays usable, and nothing was stored.
    assert (await ask(ws, "v", VIEWER))["payload"]["data"]["viewer"]["bio"] == "before"
    assert (await User.get(id=user.id)).bio == "before"
    await ws.close()


def nested_lists(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "payload",
    [
        {"query": VIEWER, "variables": ["not", "an", "object"]},
        {"query": VIEWER, "operationName": 7},
        {"query": 42},
        # The same text rules as over HTTP (`mentorgraph/json_text.py`).
        {"query": VIEWER, "variables": {"text": "\ud800 a lone surrogate"}},
        {"query": VIEWER, "variables": {"deep": nested_lists(40)}},
    ],
)
async def test_malformed_parameters_are_bad_user_input(
    serve: StartServer, payload: dict[str, Any]
) -> None:
    url = await serve()
    ws = await connected(url)
    await send(ws, {"id": "1", "type": "subscribe", "payload": payload})
    assert error_code(await answer(ws, "1")) == "BAD_USER_INPUT"
    await ws.close()


async def test_a_message_above_the_body_limit_closes_the_socket_with_1009(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve()
    ws = await connected(url)
    padding = "x" * 5_000_000
    # Closed while it arrives (uvicorn's `ws_max_size`) or once read (the handler's check).
    with pytest.raises(ConnectionClosed) as ended:
        await start(ws, "big", VIEWER, padding=padding)
        while True:
            await asyncio.wait_for(ws.recv(), PATIENCE)
    assert ended.value.rcvd is not None
    assert ended.value.rcvd.code == 1009
    # The server is fine.
    again = await connected(url)
    assert (await ask(again, "v", VIEWER))["type"] == "next"
    await again.close()


async def test_an_expired_token_stops_being_served(serve: StartServer, settings: Settings) -> None:
    url = await serve()
    user = await make_user()
    ws = await connected(url, tokens_of(settings, timedelta(seconds=2)).issue(user))
    assert (await ask(ws, "v", VIEWER))["payload"]["data"]["viewer"] is not None
    await start(ws, "live", EVENTS, after=None)
    # No further message needed: the socket is closed when the token expires.
    code, reason = await closed(ws)
    assert code == 4403
    assert "expired" in reason


async def test_a_deleted_accounts_socket_is_closed_at_its_next_subscribe(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve()
    user = await make_user()
    ws = await connected(url, tokens_of(settings).issue(user))
    assert (await ask(ws, "v", VIEWER))["payload"]["data"]["viewer"] is not None
    await User.filter(id=user.id).delete()
    await start(ws, "again", VIEWER)
    code, reason = await closed(ws)
    assert code == 4403
    assert "no longer exists" in reason


async def test_a_deleted_accounts_live_subscription_is_closed(
    serve: StartServer, settings: Settings
) -> None:
    url = await serve(ws_account_check_seconds=0.2)
    user = await make_user()
    ws = await connected(url, tokens_of(settings).issue(user))
    await start(ws, "live", EVENTS, after=None)
    assert (await ask(ws, "v", VIEWER))["payload"]["data"]["viewer"] is not None
    await User.filter(id=user.id).delete()
    code, reason = await closed(ws)
    assert code == 4403
    assert "no longer exists" in reason
