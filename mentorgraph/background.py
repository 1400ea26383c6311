"""Periodic jobs inside a server process (outbox delivery, sweeps), started by the app lifespan.

Every job is safe to run in several processes at once (leases, conditional updates, advisory
locks live in the jobs themselves), so this runner needs no coordination of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["Job", "JobRunner"]

logger = logging.getLogger("mentorgraph.background")


@dataclass
class Job:
    name: str
    interval_seconds: float
    run: Callable[[], Awaitable[object]]


class JobRunner:
    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(job), name=job.name) for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _loop(self, job: Job) -> None:
        while True:
            try:
                await job.run()
            except Exception:  # a failing job must not stop the server; it retries next tick
                logger.exception("background job %s failed", job.name)
            await asyncio.sleep(job.interval_seconds)
