"""Subscribers to `mentorshipRequestEvents` over graphql-transport-ws that keep every event id
they receive, reconnect (on purpose every so often, and whenever the server drops them) and
resume with `after` the last cursor they saw. From the first event on (`after` event 0), so
what each must have received is exactly what the events table says it may see."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from bench.soak import operations as ops
from bench.soak.stats import Stats
from mentorgraph.resolvers.ids import decode_global_id
from mentorgraph.resolvers.pagination import encode_cursor

__all__ = ["Subscriber"]


@dataclass
class Subscriber:
    name: str
    user_id: int
    is_admin: bool
    token: str
    ws_url: str
    stats: Stats
    received: list[int] = field(default_factory=list)
    reconnects: Counter[str] = field(default_factory=Counter)
    cursor: str = field(default_factory=lambda: encode_cursor([0]))
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        rng = random.Random(self.name)
        while not self.stop.is_set():
            reason = await self._session(rng.uniform(15, 40))
            self.reconnects[reason] += 1
            self.stats.count(f"subscription reconnect ({self.name})", reason)
            if not self.stop.is_set():
                await asyncio.sleep(0.2 if reason == "on purpose" else 1.0)

    async def _session(self, seconds: float) -> str:
        """One connection, for `seconds` at most; why it ended."""
        try:
            async with asyncio.timeout(seconds):
                async with connect(
                    self.ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                    compression=None, open_timeout=10,
                ) as ws:  # fmt: skip
                    payload = {"authorization": f"Bearer {self.token}"}
                    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
                    ack = json.loads(await ws.recv())
                    if ack.get("type") != "connection_ack":
                        return f"no ack: {ack.get('type')}"
                    variables = {"after": self.cursor}
                    message = {"query": ops.EVENTS, "variables": variables}
                    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": message}))
                    while not self.stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        reason = self._handle(json.loads(raw))
                        if reason:
                            return reason
                    return "stopped"
        except TimeoutError:
            return "on purpose"
        except (OSError, WebSocketException) as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            return f"dropped ({code or type(exc).__name__})"

    def _handle(self, message: dict[str, object]) -> str | None:
        kind = message.get("type")
        if kind == "next":
            payload = message.get("payload") or {}
            assert isinstance(payload, dict)
            errors = payload.get("errors")
            if errors:
                code = (errors[0].get("extensions") or {}).get("code")
                return f"error {code}"
            event = (payload.get("data") or {}).get("mentorshipRequestEvents")
            if event:
                self.received.append(decode_global_id(event["id"])[1])
                self.cursor = event["cursor"]
            return None
        if kind == "ping":
            return None
        if kind == "error":
            payload = message.get("payload")
            first = payload[0] if isinstance(payload, list) and payload else {}
            return f"error {(first.get('extensions') or {}).get('code')}"
        return f"{kind}"
