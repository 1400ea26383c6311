"""The real app under uvicorn, on a loopback port, inside the test's own event loop.

For SQLite: the in-process bus hears the commits of its own process only, so a test that
changes statuses directly (devkit/status.py) must share the server's process.
"""

from __future__ import annotations

import asyncio

import uvicorn

from devkit.live_server import free_port
from mentorgraph.app import create_app
from mentorgraph.settings import Settings
from mentorgraph.ws_protocol import UVICORN_WS


class InProcessServer:
    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.app = create_app(settings, manage_db=False)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            ws=UVICORN_WS,  # the WebSocket protocol `mentorgraph serve` runs
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(500):
            if self.server.started:
                return
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)
        raise RuntimeError("the in-process server did not start")

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task
