"""`mentorgraph serve` pings each WebSocket every WS_PING_INTERVAL_SECONDS and drops a client
that does not answer within WS_PING_TIMEOUT_SECONDS (uvicorn's keep-alive, configured by us).

The client here speaks the protocol by hand (websockets' sans-I/O `ClientProtocol`) and never
answers a ping. With the settings at a fifth of a second, the server pings and then closes with
1011 ("keepalive ping timeout") well within the test's patience; uvicorn's own defaults (20 s
and 20 s) would not close it before the patience runs out.
"""

from __future__ import annotations

import asyncio

from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from devkit.live_server import LiveServer
from mentorgraph.settings import Settings
from tests.utils.subscriptions import PATIENCE


async def _pings_until_closed(port: int) -> tuple[int, int | None]:
    """Pings received, and the close code the server sent, never answering a ping."""
    protocol = ClientProtocol(
        parse_uri(f"ws://127.0.0.1:{port}/graphql"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        protocol.send_request(protocol.connect())
        writer.write(b"".join(protocol.data_to_send()))
        pings, code = 0, None
        # One deadline for the whole exchange: with uvicorn's defaults the first ping alone
        # would come at 20 s and the close at 40 s.
        deadline = asyncio.get_running_loop().time() + PATIENCE
        while True:
            left = deadline - asyncio.get_running_loop().time()
            data = await asyncio.wait_for(reader.read(65536), max(left, 0.0))
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
            for event in protocol.events_received():
                if isinstance(event, Frame) and event.opcode is Opcode.PING:
                    pings += 1  # its pong stays in `data_to_send()`, never written
                elif isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                    code = Close.parse(event.data).code
            if not data or code is not None:
                return pings, code
    finally:
        writer.close()


async def test_the_server_pings_at_the_configured_interval_and_drops_a_silent_client(
    settings: Settings, db: None
) -> None:
    server = LiveServer(settings, WS_PING_INTERVAL_SECONDS="0.2", WS_PING_TIMEOUT_SECONDS="0.2")
    server.start()
    try:
        pings, code = await _pings_until_closed(server.port)
    finally:
        server.stop()
    assert pings >= 1
    assert code == 1011
