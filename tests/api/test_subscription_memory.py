"""What an idle subscription costs the event bus, measured with tracemalloc.

Thousands of subscriptions per process each hold a `Subscriber`: it must not carry empty
containers it may never use (an empty `deque` or `asyncio.Event` is ~0.6 KB each; the old
`Subscriber` held one of each, ~2 KB with its index entries; `docs/benchmarks.md`, round three).
"""

from __future__ import annotations

import gc
import tracemalloc

from mentorgraph.bus import EventBus
from mentorgraph.models.accounts.users import User

SUBSCRIBERS = 1_000
# Bytes per idle subscriber with the bus's index entries: measured 367; main at 8abaa7a
# (a deque and an asyncio.Event each) 1,978.
MAX_BYTES_PER_SUBSCRIBER = 600


async def test_an_idle_subscriber_costs_the_bus_a_few_hundred_bytes(db: None) -> None:
    bus = EventBus(queue_size=256)
    viewers = [User(id=i + 1, is_admin=False, name=f"u{i}") for i in range(SUBSCRIBERS)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        subscribers = [bus.subscribe(viewer) for viewer in viewers]
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(d.size_diff for d in after.compare_to(before, "filename"))
    per_subscriber = grown / SUBSCRIBERS
    assert per_subscriber <= MAX_BYTES_PER_SUBSCRIBER, per_subscriber
    for subscriber in subscribers:
        subscriber.close()
    assert not bus._by_viewer and not bus._admins
