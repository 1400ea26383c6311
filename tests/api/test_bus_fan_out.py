"""The bus's fan-out offers each reader a live event once when its class's answer is shared.

The first reader of a visibility class starts the shared answer and is told "not yet" (a
future); the bus waits for that answer in the pass, so every later reader of the class takes
the event the first time it is offered it. Offering every reader twice (once to learn that the
answer is pending, once when it is done) was 13 % of a 5,000-subscriber fan-out
(`docs/benchmarks.md`). The readers here stand in for `mentorgraph.live_sink` (the bus is what
is tested); the live sink itself is covered end to end by `tests/api/test_subscription_fanout.py`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mentorgraph.bus import EventBus
from mentorgraph.models.accounts.users import User

READERS = 50


class _Answers:
    """One shared answer per class, computed a moment after the first reader asks for it."""

    def __init__(self) -> None:
        self.pending: dict[str, asyncio.Future[object]] = {}
        self.offers = 0
        self.taken: list[int] = []

    def reader(self, number: int, visibility: str) -> Any:
        def take(_delivery: object) -> bool | asyncio.Future[object]:
            self.offers += 1
            future = self.pending.get(visibility)
            if future is None:
                future = self.pending[visibility] = asyncio.get_running_loop().create_future()
                asyncio.get_running_loop().call_later(0.01, future.set_result, None)
            if not future.done():
                return future
            self.taken.append(number)
            return True

        return take


async def _parked(bus: EventBus, answers: _Answers, classes: int) -> list[Any]:
    subscribers = []
    for number in range(READERS):
        subscriber = bus.subscribe(User(id=number + 1, is_admin=False, name=f"u{number}"))
        subscriber.direct = answers.reader(number, f"class {number % classes}")
        subscribers.append(subscriber)
    # Each reader waits on its empty queue, as a live subscription's task does.
    readers = [asyncio.ensure_future(s.next()) for s in subscribers]
    await asyncio.sleep(0)
    assert all(s._parked() for s in subscribers)
    return [subscribers, readers]


async def test_each_reader_of_a_shared_answer_is_offered_the_event_once() -> None:
    bus, answers = EventBus(queue_size=8), _Answers()
    subscribers, readers = await _parked(bus, answers, classes=3)
    await bus._fan_out(object(), subscribers)  # type: ignore[arg-type]
    assert sorted(answers.taken) == list(range(READERS))
    # The first reader of each class twice (asked, then offered again), every other once.
    assert answers.offers == READERS + 3
    assert not any(reader.done() for reader in readers)  # nothing was queued for the tasks
    for reader in readers:
        reader.cancel()
    for subscriber in subscribers:
        subscriber.close()


async def test_beyond_the_classes_waited_for_in_the_pass_the_rest_are_waited_for_together() -> None:
    bus, answers = EventBus(queue_size=8), _Answers()
    subscribers, readers = await _parked(bus, answers, classes=READERS)  # one class each
    await bus._fan_out(object(), subscribers)  # type: ignore[arg-type]
    # Every reader took it directly, each offered it twice (its own class is new each time).
    assert sorted(answers.taken) == list(range(READERS))
    assert answers.offers == 2 * READERS
    assert not any(reader.done() for reader in readers)
    for reader in readers:
        reader.cancel()
    for subscriber in subscribers:
        subscriber.close()
