"""What a hostile or careless client does: cancel mutations mid-flight (WS `complete` right
after `subscribe`, or the socket closed; an HTTP request aborted), and read nothing it asked for
(a slow reader: a tiny receive buffer, a hundred heavy queries, never a `recv`)."""

from __future__ import annotations

import asyncio
import json
import random
import socket

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from bench.soak import operations as ops
from bench.soak.load import Crowd

__all__ = ["http_aborter", "slow_reader", "ws_canceller"]


async def _open(ws_url: str, sock: socket.socket | None = None) -> ClientConnection:
    return await connect(
        ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        compression=None, open_timeout=10, max_queue=1, sock=sock,
    )  # fmt: skip


def _mutation(crowd: Crowd, rng: random.Random) -> dict[str, object]:
    request = {"mentorId": rng.choice(crowd.mentor_ids), "message": ops.TEXT,
               "background": ops.TEXT, "expectation": ops.TEXT}  # fmt: skip
    return {"query": ops.CREATE, "variables": {"input": request}}


async def ws_canceller(crowd: Crowd, ws_url: str) -> None:
    """Sign in on a socket, send a mutation and at once `complete` it (or close the socket)."""
    rng = random.Random(f"ws-{id(crowd)}-{ws_url}")
    while not crowd.stop.is_set():
        if not crowd.mentee_tokens:
            await crowd.pause(0.5, 1)
            continue
        token = rng.choice(crowd.mentee_tokens)
        try:
            async with asyncio.timeout(10):
                ws = await _open(ws_url)
                try:
                    payload = {"authorization": f"Bearer {token}"}
                    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                    await ws.recv()
                    for n in range(rng.randint(1, 10)):
                        message = {"id": str(n), "type": "subscribe",
                                   "payload": _mutation(crowd, rng)}  # fmt: skip
                        await ws.send(json.dumps(message))
                        if rng.random() < 0.7:
                            await ws.send(json.dumps({"id": str(n), "type": "complete"}))
                            crowd.stats.count("abuse: WS mutation completed at once")
                        else:
                            crowd.stats.count("abuse: WS mutation, socket closed at once")
                            break
                finally:
                    ws.transport.abort()  # no closing handshake: just gone
        except (OSError, WebSocketException, TimeoutError) as exc:
            crowd.stats.count("abuse: WS canceller failed", type(exc).__name__)
        await crowd.pause(0.05, 0.2)


async def http_aborter(crowd: Crowd, http_url: str) -> None:
    """A mutation over HTTP whose client gives up after a few milliseconds."""
    rng = random.Random(f"http-{http_url}")
    async with httpx.AsyncClient(base_url=http_url) as http:
        while not crowd.stop.is_set():
            if not crowd.mentee_tokens:
                await crowd.pause(0.5, 1)
                continue
            headers = {"authorization": f"Bearer {rng.choice(crowd.mentee_tokens)}"}
            body = _mutation(crowd, rng) if rng.random() < 0.7 else {"query": ops.HEAVY}
            try:
                await asyncio.wait_for(
                    http.post("/graphql", json=body, headers=headers), rng.uniform(0.001, 0.03)
                )
                crowd.stats.count("abuse: HTTP abort (answered first)")
            except TimeoutError:
                crowd.stats.count("abuse: HTTP request aborted")
            except httpx.HTTPError as exc:
                crowd.stats.count("abuse: HTTP request aborted", type(exc).__name__)
            await crowd.pause(0.02, 0.1)


async def slow_reader(crowd: Crowd, http_url: str, ws_url: str, queries: int) -> None:
    """An anonymous socket with a 4 KB receive buffer that asks for `queries` heavy queries and
    never reads an answer, until the soak ends (or the server closes it)."""
    host, port = http_url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    try:
        ws = await _open(ws_url, sock)
    except (OSError, WebSocketException) as exc:
        crowd.stats.count("abuse: slow reader refused", type(exc).__name__)
        sock.close()
        return
    try:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        for n in range(queries):
            message = {"id": str(n), "type": "subscribe", "payload": {"query": ops.HEAVY}}
            await asyncio.wait_for(ws.send(json.dumps(message)), 5)
            crowd.stats.count("abuse: slow reader's unread query")
        await crowd.stop.wait()
    except (OSError, WebSocketException, TimeoutError) as exc:
        crowd.stats.count("abuse: slow reader cut off", type(exc).__name__)
    finally:
        ws.transport.abort()
