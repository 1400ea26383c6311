"""A loopback proxy in front of PostgreSQL that counts the statements a server sends.

Counts simple-protocol queries ('Q') and extended-protocol executions ('E') from each client,
so it measures any server (Python or Node) the same way without configuring PostgreSQL.
Connection resets of a pool (`RESET ALL`, `UNLISTEN *`, ...) are counted apart: they are round
trips, but not the statements of the operation.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

__all__ = ["CounterThread", "StatementCounter"]

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
RESET_MARKERS = ("RESET ALL", "UNLISTEN", "pg_advisory_unlock_all", "DISCARD")


@dataclass
class Counts:
    statements: int = 0
    resets: int = 0


class StatementCounter:
    def __init__(self, upstream_port: int = 5432) -> None:
        self.upstream_port = upstream_port
        self.counts = Counts()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()

    def reset(self) -> None:
        self.counts = Counts()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        back = asyncio.create_task(self._pipe(server_r, client_w))
        try:
            await self._client_to_server(client_r, server_w)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            server_w.close()
            back.cancel()
            client_w.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _client_to_server(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # Start-up messages carry no type byte; SSL/GSS requests precede the real one.
        while True:
            head = await reader.readexactly(8)
            length, code = struct.unpack("!II", head)
            writer.write(head + await reader.readexactly(length - 8))
            await writer.drain()
            if code not in (SSL_REQUEST, GSS_REQUEST):
                break
        while True:
            head = await reader.readexactly(5)
            kind, length = head[:1], struct.unpack("!I", head[1:])[0]
            payload = await reader.readexactly(length - 4)
            if kind == b"E":
                self.counts.statements += 1
            elif kind == b"Q":
                text = payload.decode(errors="replace")
                if any(marker in text for marker in RESET_MARKERS):
                    self.counts.resets += 1
                else:
                    self.counts.statements += 1
            writer.write(head + payload)
            await writer.drain()


class CounterThread:
    """Runs a `StatementCounter` on its own event loop, so blocking callers can use it."""

    def __init__(self) -> None:
        import threading

        self.counter = StatementCounter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> StatementCounter:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.counter.start(), self._loop).result()
        return self.counter

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self.counter.stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
