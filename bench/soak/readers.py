"""The ordinary reads whose latency the report compares, made from a process of their own.

The abuse clients (cancellers, aborters, slow readers) run in the soak's event loop. A read
timed in that same loop also waits for every abuse callback ahead of it, so its latency would
include the client's own starvation, not only the server's. Here the browsers run in a child
process with its own loop and HTTP client; they still share the machine's CPUs with the abuse
clients and the server (as any client on the same host would), but not the soak's loop.

Each read is recorded with its CLOCK_MONOTONIC start (the same clock in every process on
Linux); the parent assigns it to the phase it started in.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as ProcessEvent

import httpx

from bench.soak.load import Crowd, browse
from bench.soak.stats import Stats

__all__ = ["ReaderProcess", "Reads"]


@dataclass
class Reads:
    """What the child sends back: (monotonic start, seconds) per read, and the outcomes."""

    latencies: list[tuple[float, float]] = field(default_factory=list)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (monotonic time, outcome) of every answer that is a failure.
    failures: list[tuple[float, str]] = field(default_factory=list)


class _Recorder(Stats):
    """Stats whose clock is the absolute monotonic time (the parent maps it to phases)."""

    def now(self) -> float:
        return time.monotonic()


async def _browse_until(url: str, tokens: list[str], browsers: int, stop: ProcessEvent) -> Reads:
    stats = _Recorder()
    done = asyncio.Event()
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        crowd = Crowd(http, stats, done, [], [], list(tokens))
        tasks = [asyncio.ensure_future(browse(crowd)) for _ in range(browsers)]
        while not stop.is_set():  # noqa: ASYNC110 (a process event: no awaitable form)
            await asyncio.sleep(0.2)
        done.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    reads = Reads(outcomes=stats.outcomes)
    reads.latencies = [(at, seconds) for at, _, seconds in stats.latencies]
    reads.failures = [(at, outcome) for at, _, outcome in stats.failures]
    return reads


def _main(url: str, tokens: list[str], browsers: int, stop: ProcessEvent, out: Connection) -> None:
    reads = asyncio.run(_browse_until(url, tokens, browsers, stop))
    out.send(reads)


class ReaderProcess:
    """`browsers` anonymous (sometimes signed-in) visitors in a child process."""

    def __init__(self, url: str, tokens: list[str], browsers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._receive, self._send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_main, args=(url, tokens, browsers, self._stop, self._send), daemon=True
        )

    def start(self) -> None:
        self._process.start()
        self._send.close()  # the child's copy only: a child that died is an EOF, not a hang

    async def stop(self) -> Reads:
        """Their reads; none if the process died (the caller notes it: no latencies)."""
        self._stop.set()
        try:
            reads: Reads = await asyncio.to_thread(self._receive.recv)
        except EOFError:
            reads = Reads()
        await asyncio.to_thread(self._process.join, 30)
        return reads
