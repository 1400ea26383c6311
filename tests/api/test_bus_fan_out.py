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
import contextvars
from typing import Any

import pytest

from mentorgraph.bus import EventBus
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.event_feed import SubscriberTooSlow

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


async def test_a_detached_reader_is_drained_by_a_task_only_while_something_is_queued() -> None:
    # A live subscription without a task of its own (`Subscriber.detach`,
    # `mentorgraph.live_sink`): what the fan-out's direct take declines is queued, one drain
    # task takes it in order and ends once the queue is empty; the reader is parked again.
    bus = EventBus(queue_size=3)
    subscriber = bus.subscribe(User(id=1, is_admin=False, name="u1"))
    taken_directly: list[object] = []
    drained: list[object] = []
    declining = True
    runs = 0

    def take(delivery: object) -> bool:
        if declining:
            return False
        taken_directly.append(delivery)
        return True

    async def drain() -> None:
        nonlocal runs
        runs += 1
        while (delivery := subscriber.pop()) is not None:
            await asyncio.sleep(0)  # a write that yields
            drained.append(delivery)

    subscriber.direct = take
    subscriber.detach(drain, contextvars.copy_context())
    assert subscriber._parked()
    for number in range(3):
        subscriber.offer(number)  # type: ignore[arg-type]
    assert not subscriber._parked()  # queued, and being drained
    drainer = subscriber._drainer
    assert drainer is not None
    await drainer
    assert (drained, runs) == ([0, 1, 2], 1)
    assert subscriber._parked()
    declining = False
    subscriber.offer(3)  # type: ignore[arg-type]
    assert taken_directly == [3] and runs == 1  # no task for what is taken directly
    declining = True
    for number in range(4, 9):  # more than the queue holds while nobody drains it yet
        subscriber.offer(number)  # type: ignore[arg-type]
    assert subscriber.overflowed and subscriber.closed
    with pytest.raises(SubscriberTooSlow):  # what the drain then meets (SUBSCRIBER_TOO_SLOW)
        subscriber.pop()
    subscriber.stop()  # as the sink's end does: the drain started for it is cancelled
    await asyncio.sleep(0)
    assert subscriber._drainer is None
    assert not bus._by_viewer
