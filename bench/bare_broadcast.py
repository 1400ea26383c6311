"""The practical limit for the fan-out benchmark: a bare `websockets` broadcast server.

Run as `python -m bench.bare_broadcast` with DATABASE_URL and PORT. It speaks just enough
graphql-transport-ws for `bench.fanout_client` (`connection_init` -> `connection_ack`, one
`subscribe`), with no GraphQL, no authorization and no per-subscriber state: it LISTENs on
the same channel as mentorgraph's bus, reads each new event once and sends every subscribed
socket the same `next` frame, byte for byte the shape and size of mentorgraph's answer to
`bench.subscriptions.SUBSCRIPTION`, with `websockets.broadcast` (one frame built, written
to each socket without awaiting, as mentorgraph's fast lane does).
"""

from __future__ import annotations

import asyncio
import json
import os

import asyncpg
from websockets.asyncio.server import ServerConnection, broadcast, serve

from mentorgraph.models.requests.events import NOTIFY_CHANNEL
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import encode_cursor

__all__ = ["frame_for"]

# The subscribed sockets and the operation id each used (the benchmark's clients use "1").
subscribed: dict[ServerConnection, str] = {}

EVENTS = """
SELECT e.id, e.from_status, e.to_status, e.note, e.occurred_at, r.id, r.status, u.id, u.name
FROM request_events e JOIN mentorship_requests r ON r.id = e.request_id
LEFT JOIN users u ON u.id = e.actor_id
WHERE e.id > $1 ORDER BY e.id
"""


def frame_for(row: asyncpg.Record, operation_id: str) -> str:
    """The `next` frame mentorgraph sends for `bench.subscriptions.SUBSCRIPTION`."""
    event_id, from_status, to_status, note, occurred_at, request_id, status, actor, name = row
    data = {
        "mentorshipRequestEvents": {
            "id": encode_global_id("RequestEvent", event_id),
            "cursor": encode_cursor([event_id]),
            "fromStatus": from_status.upper() if from_status else None,
            "toStatus": to_status.upper(),
            "occurredAt": occurred_at.isoformat(),
            "note": note,
            "request": {
                "id": encode_global_id("MentorshipRequest", request_id),
                "status": status.upper(),
            },
            "actor": None
            if actor is None
            else {"id": encode_global_id("User", actor), "name": name},
        }
    }
    body = json.dumps(data, separators=(",", ":"))
    return f'{{"id":{json.dumps(operation_id)},"type":"next","payload":{{"data":{body}}}}}'


async def handler(ws: ServerConnection) -> None:
    try:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "connection_init":
                await ws.send('{"type":"connection_ack"}')
            elif message.get("type") == "subscribe":
                subscribed[ws] = message["id"]
    finally:
        subscribed.pop(ws, None)


async def main() -> None:
    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    last_id = await connection.fetchval("SELECT coalesce(max(id), 0) FROM request_events")
    doorbell = asyncio.Event()
    await connection.add_listener(NOTIFY_CHANNEL, lambda *_: doorbell.set())
    async with serve(
        handler,
        "127.0.0.1",
        int(os.environ["PORT"]),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        compression=None,
        ping_interval=None,
        max_size=1_000_000,
    ):
        while True:
            await doorbell.wait()
            doorbell.clear()
            for row in await connection.fetch(EVENTS, last_id):
                last_id = row[0]
                by_id: dict[str, list[ServerConnection]] = {}
                for ws, operation_id in subscribed.items():
                    by_id.setdefault(operation_id, []).append(ws)
                for operation_id, sockets in by_id.items():
                    broadcast(sockets, frame_for(row, operation_id))


if __name__ == "__main__":
    asyncio.run(main())
