"""graphql-transport-ws by hand (the `websockets` library), for what a polite client never does:
stop reading, send bad tokens, speak the legacy protocol, come from another origin."""

from __future__ import annotations

import json
import socket
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.utils.subscriptions import PATIENCE, ws_url


async def open_socket(
    url: str,
    *,
    protocol: str = "graphql-transport-ws",
    origin: str | None = None,
    receive_buffer: int | None = None,
) -> ClientConnection:
    """A connected socket. `receive_buffer` shrinks the kernel's buffer (a reader that lags)."""
    sock = None
    if receive_buffer is not None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        host, port = url.removeprefix("http://").split(":")
        sock.connect((host, int(port)))
    return await connect(
        ws_url(url),
        subprotocols=[protocol],  # type: ignore[list-item]
        origin=origin,  # type: ignore[arg-type]
        sock=sock,
        compression=None,
        max_queue=1,
        max_size=None,
        open_timeout=PATIENCE,
    )


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await ws.recv())  # type: ignore[no-any-return]


async def init(ws: ClientConnection, token: str | None) -> None:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await send(ws, {"type": "connection_init", "payload": payload})


async def subscribe(ws: ClientConnection, query: str, variables: dict[str, Any]) -> None:
    await send(
        ws, {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )
