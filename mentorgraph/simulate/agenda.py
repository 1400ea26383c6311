"""The simulation's agenda: what someone will do, and when (seconds from the start).

Equal times keep the order in which they were planned, so a run is the same every time.
"""

from __future__ import annotations

import heapq
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from mentorgraph.models import clock
from mentorgraph.simulate.config import START

__all__ = ["Action", "Agenda", "move_clock_to"]

Action = Callable[[], Awaitable[None]]


def move_clock_to(seconds: int) -> None:
    """Pin the project's clock (`models/clock.py`) at this instant of the simulation: the
    step that follows sees it alone, however long it takes on this machine."""
    clock.pin(START + timedelta(seconds=seconds))


@dataclass(order=True)
class _Entry:
    at: int
    seq: int
    action: Action = field(compare=False)


class Agenda:
    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._seq = 0

    def at(self, seconds: int, action: Action) -> None:
        self._seq += 1
        heapq.heappush(self._heap, _Entry(seconds, self._seq, action))

    def next_time(self) -> int | None:
        return self._heap[0].at if self._heap else None

    def pop(self) -> tuple[int, Action]:
        entry = heapq.heappop(self._heap)
        return entry.at, entry.action
