"""One client process of the fan-out benchmark: `count` graphql-transport-ws subscriptions.

Kept lean on purpose (raw `websockets`, one JSON parse per message) so that the client's own
CPU adds as little as possible to the latency it measures; it runs on the same machine.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from mentorgraph.resolvers.ids import decode_global_id

CONNECT_CONCURRENCY = 100


def source_address(client_no: int, url: str) -> tuple[str, int] | None:
    """A loopback source address of this client process's own (127.0.0.2, .3, ...): one source
    address has ~28,000 ephemeral ports towards one server port, fewer than 40,000 sockets."""
    return (f"127.0.0.{2 + client_no % 250}", 0) if "//127.0.0.1:" in url else None


async def _open(
    url: str,
    token: str,
    query: str,
    compression: str,
    gate: asyncio.Semaphore,
    local_addr: tuple[str, int] | None,
) -> ClientConnection:
    async with gate:
        ws = await connect(
            url,
            local_addr=local_addr,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            compression="deflate" if compression == "deflate" else None,
            open_timeout=60,
            ping_interval=None,
            max_size=None,
        )
        payload = {"authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"not acknowledged: {ack}")
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        return ws


async def _client(
    client_no: int,
    url: str,
    tokens: list[str],
    count: int,
    query: str,
    queue: Any,
    stop: Any,
    compression: str,
) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    local_addr = source_address(client_no, url)
    sockets = await asyncio.gather(
        *(
            _open(url, tokens[i % len(tokens)], query, compression, gate, local_addr)
            for i in range(count)
        )
    )
    times: dict[int, list[float]] = defaultdict(list)

    async def read(ws: ClientConnection) -> None:
        async for raw in ws:
            received = time.time()
            message = json.loads(raw)
            if message.get("type") != "next" or "errors" in message["payload"]:
                queue.put(("failed", client_no, str(message)[:500]))
                return
            _, event_id = decode_global_id(
                message["payload"]["data"]["mentorshipRequestEvents"]["id"]
            )
            arrived = times[event_id]
            arrived.append(received)
            if len(arrived) == count:
                queue.put(("seen", client_no, event_id))

    readers = [asyncio.create_task(read(ws)) for ws in sockets]
    queue.put(("ready", client_no, count))
    # `stop` is a multiprocessing.Event (another process sets it): poll it.
    await asyncio.to_thread(stop.wait)
    queue.put(("times", client_no, dict(times)))
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def run_client(
    client_no: int,
    url: str,
    tokens: list[str],
    count: int,
    query: str,
    *,
    queue: Any,
    stop: Any,
    compression: str,
) -> None:
    try:
        asyncio.run(_client(client_no, url, tokens, count, query, queue, stop, compression))
    except Exception as exc:  # report, so the benchmark stops instead of waiting
        queue.put(("failed", client_no, repr(exc)))
