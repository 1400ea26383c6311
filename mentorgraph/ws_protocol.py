"""uvicorn's WebSocket protocol (websockets' sans-I/O), lighter per open socket.

`mentorgraph serve` runs it (`ws=` in `mentorgraph.cli`). It is uvicorn's own
`WebSocketsSansIOProtocol` (pings, size limit, close codes, denial responses unchanged) with
three things a socket held for its whole life made smaller, measured with tracemalloc at
1,000 subscriptions (`docs/benchmarks.md`, round six):

- the ASGI receive queue: an `asyncio.Queue` (its deque, two waiter deques and an `Event`,
  ~3.3 KB) becomes `_Inbox`, a list made when a message first waits and one future for the
  reader waiting on it;
- the "writable" flag: an `asyncio.Event` (~0.9 KB with its waiter deque) becomes `_Writable`,
  which makes a future only when a writer has to wait for the socket to drain;
- the handshake's request and response (their `Headers`, ~3 KB) are let go once the socket is
  accepted or refused: uvicorn reads them during the handshake only (the request's headers
  are emptied: websockets' parser keeps the request itself in a generator's frame); so are
  the ASGI scope's headers once accepted (~1.2 KB, round nine).

And one thing per frame made cheaper: `write_text_frame` writes a text frame the server built
itself (a server's frames are not masked: a header, then the payload) straight to the
transport, when nothing could stand in its way (open, writable, no extension such as
permessage-deflate, no fragmented message under way); else the caller uses the ASGI `send`.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Generator
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

__all__ = ["UVICORN_WS", "LeanWebSocketsProtocol"]

# uvicorn's `ws=` for this protocol (`mentorgraph serve`; the tests' in-process server too).
UVICORN_WS = "mentorgraph.ws_protocol:LeanWebSocketsProtocol"


class _Inbox:
    """What uvicorn's protocol needs of an `asyncio.Queue`: `put_nowait`, `get`, `empty`."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        if self._items is None:
            self._items = [item]
        else:
            self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        item = self._items.pop(0)
        if not self._items:
            self._items = None
        return item


class _Ready:
    """Awaited when the socket is writable: done at once, nothing made per call."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that ends at once


_READY = _Ready()


class _Writable:
    """What uvicorn's protocol needs of an `asyncio.Event`: `set`, `clear`, `is_set`, `wait`."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    def wait(self) -> Any:
        if self._set:
            return _READY
        return self._wait()

    async def _wait(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = [waiter]
        else:
            self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


class LeanWebSocketsProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = _Inbox()  # type: ignore[assignment]
        self.writable = _Writable()  # type: ignore[assignment]

    def start_keepalive(self) -> None:
        # Called once, right after the accepting response was written: the handshake is over.
        super().start_keepalive()
        # Read during the handshake only (`handle_connect`, the accept). websockets' parser
        # keeps the request in its generator's frame: its headers are emptied.
        self.request.headers.clear()
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
        # The ASGI scope lives as long as the socket; its header list (a tuple and two bytes
        # per header, ~1.2 KB) is read at the handshake only (the origin check, the request
        # id). Emptied in place: starlette's `Headers` of the scope share that list.
        headers = self.scope["headers"]
        if isinstance(headers, list):  # uvicorn's (and starlette's) is
            headers.clear()

    def write_text_frame(self, payload: bytes) -> bool:
        """Write `payload` (UTF-8) as one text frame now; False: use the ASGI `send`."""
        conn = self.conn
        if (
            self.close_sent
            or self.disconnected
            or not self.writable.is_set()
            or conn.state is not State.OPEN
            or conn.extensions
            or conn.expect_continuation_frame
        ):
            return False
        size = len(payload)
        if size < 126:
            header = bytes((0x81, size))
        elif size < 65536:
            header = struct.pack("!BBH", 0x81, 126, size)
        else:
            header = struct.pack("!BBQ", 0x81, 127, size)
        self.transport.write(header + payload)
        return True
