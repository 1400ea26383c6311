"""The event bus: reads committed events in id order and fans them out to subscriptions.

Notifications are only a doorbell. Whatever rings it (a commit in this process, a PostgreSQL
`NOTIFY`, a restored listening connection), the bus reads the event table after the last id it
handed out, so a lost or duplicated notification costs latency, never an event. That is sound
because committed event ids only ever grow (see `mentorgraph.models.requests.events`).

Each event is read once per process, with its request and the users it touches (including the
subscribed viewers, so permissions are re-checked on fresh rows), then offered to every
subscription whose viewer is the request's mentor or mentee, and to admins' subscriptions.
A subscription whose reader waits on an empty queue may take the event at once, from this
loop (`Subscriber.direct`), instead of having its task woken to do it: with thousands of
subscribers the wake-ups were most of a fan-out's CPU. Whatever it declines is queued.

Members' notifications (`mentorgraph.models.notifications.inbox`) ride the same bus: the same
doorbell, the same `LISTEN` connection and the same pump read the notification table after the last
notification id, under the same ordering guarantee (their ids are drawn under the event-order lock),
and offer each to the subscriptions of its member only (always queued: they are few).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Generic, TypeVar, cast

from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.inbox import (
    Notification,
    latest_notification_id,
    notifications_after,
)
from mentorgraph.models.requests.events import (
    add_commit_listener,
    events_after,
    latest_event_id,
    remove_commit_listener,
)
from mentorgraph.models.requests.requests import RequestEvent
from mentorgraph.resolvers.event_feed import Delivery, DirectTake, SubscriberTooSlow

__all__ = ["EventBus", "Subscriber"]

logger = logging.getLogger("mentorgraph.bus")

# Events read from the table per statement while catching up.
READ_BATCH = 500
# After a failed read, wait this long before trying again.
RETRY_SECONDS = 1.0
# How long the fan-out waits for the shared answers its direct readers asked for; the
# readers of answers not ready by then get the event queued (their own task waits for it).
ANSWER_WAIT_SECONDS = 2.0
# Shared answers waited for one by one during a fan-out's pass (see `EventBus._fan_out`).
WAIT_IN_PASS = 8

# What a subscriber's queue holds: a request event's `Delivery`, or a `Notification`.
D = TypeVar("D")


class Subscriber(Generic[D]):
    """One subscription's bounded queue. Never blocks the bus: a full queue ends the stream.

    Small on purpose (there is one per live subscription, thousands per process): the queue
    is made when the first event has to wait in it, and a waiting reader parks on one future
    made when it starts to wait (an empty `deque` or `asyncio.Event` is ~0.6 KB each,
    measured with tracemalloc; `docs/benchmarks.md`).
    """

    __slots__ = (
        "_bus",
        "_context",
        "_drain",
        "_drainer",
        "_queue",
        "_waiter",
        "capacity",
        "closed",
        "direct",
        "for_notifications",
        "is_admin",
        "overflowed",
        "start_after",
        "viewer_id",
    )

    def __init__(
        self, bus: EventBus, viewer: User, capacity: int, *, for_notifications: bool = False
    ) -> None:
        self._bus = bus
        self._queue: deque[D] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.capacity = capacity
        self.viewer_id: int = viewer.id
        self.for_notifications = for_notifications
        # Notifications are each member's own, admins' too.
        self.is_admin: bool = viewer.is_admin and not for_notifications
        # Every event (notification) handed to this subscriber has a greater id.
        self.start_after = bus.last_notification_id if for_notifications else bus.last_id
        self.closed = False
        self.overflowed = False
        # Set by a reader that can take an event at once, from the fan-out loop, while it is
        # parked on an empty queue (`mentorgraph.resolvers.event_feed.DirectTake`); None: queue it.
        self.direct: DirectTake | None = None
        # Once the reader has no task of its own (`detach`): what drains the queue, started
        # in a task of its own only while something is queued, and that task.
        self._drain: Callable[[], Coroutine[object, object, None]] | None = None
        self._context: contextvars.Context | None = None
        self._drainer: asyncio.Task[None] | None = None

    def offer(self, delivery: D) -> asyncio.Future[object] | None:
        """Hand `delivery` over: taken at once by `direct`, or queued for the reader.

        A future means "not yet": `direct` waits for it (a shared answer being computed);
        offer the delivery again with `offer_again` once it is done.
        """
        if self.closed:
            return None
        if self.direct is not None and self._parked():
            taken = self._take(delivery)
            if taken is True:
                return None
            if taken is not False:
                return taken
        self._enqueue(delivery)
        return None

    def offer_again(self, delivery: D) -> None:
        """After the future `offer` returned: taken at once if it can be now, else queued."""
        if self.closed:
            return
        if self.direct is not None and self._parked() and self._take(delivery) is True:
            return
        self._enqueue(delivery)

    def _parked(self) -> bool:
        # Nothing queued and the reader waiting for more: a delivery taken now is in order.
        if self._queue:
            return False
        if self._drain is not None:
            return self._drainer is None
        waiter = self._waiter
        return waiter is not None and not waiter.done()

    def _take(self, delivery: D) -> bool | asyncio.Future[object]:
        direct = self.direct
        assert direct is not None
        try:
            return direct(cast("Delivery", delivery))  # only request events' readers set it
        except Exception:  # never the fan-out's problem: this reader goes the usual way
            logger.exception("Taking a live event directly failed; queueing it instead")
            self.direct = None
            return False

    def _enqueue(self, delivery: D) -> None:
        queue = self._queue
        if queue is None:
            queue = self._queue = deque()
        if len(queue) >= self.capacity:
            # Holding more would grow memory without bound; the client resumes with `after`.
            self.overflowed = True
            self.close()
            self._wake()
            return
        queue.append(delivery)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        elif self._drain is not None and self._drainer is None:
            self._drainer = asyncio.get_running_loop().create_task(
                self._drained(self._drain), context=self._context
            )

    async def _drained(self, drain: Callable[[], Coroutine[object, object, None]]) -> None:
        try:
            await drain()
        finally:
            self._drainer = None

    def detach(
        self,
        drain: Callable[[], Coroutine[object, object, None]],
        context: contextvars.Context,
    ) -> None:
        """From now on nobody waits in `next`: whenever something is queued, `drain()` runs
        (in a task of its own, in `context`) and takes it with `pop` until nothing is left.

        What a live subscription costs between events is then this object and its reader's
        record, not a parked task with its whole stack (`mentorgraph.live_sink`).
        """
        self._drain = drain
        self._context = context
        if self._queue or self.overflowed:
            self._wake()

    def pop(self) -> D | None:
        """The next queued delivery, None when nothing is queued (for a detached reader)."""
        if self._queue:
            return self._queue.popleft()
        if self.overflowed:
            raise SubscriberTooSlow
        return None

    async def next(self) -> D:
        while not self._queue:
            if self.overflowed:
                raise SubscriberTooSlow
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._queue.popleft()

    def close(self) -> None:
        self.closed = True
        self.direct = None
        if self._queue:
            self._queue.clear()
        self._bus._forget(self)

    def stop(self) -> None:
        """Close, and stop a detached reader's drain (a task cannot stop itself this way)."""
        self.close()
        self._drain = None
        drainer = self._drainer
        if drainer is not None and drainer is not asyncio.current_task():
            drainer.cancel()  # one cancelled before it started never runs its `finally`
            self._drainer = None


class EventBus:
    """In-process by itself (rung by commits in this process); see `PostgresBus` for more."""

    def __init__(self, *, queue_size: int) -> None:
        self.queue_size = queue_size
        self.last_id = 0
        self.last_notification_id = 0
        self._by_viewer: dict[int, set[Subscriber[Delivery]]] = defaultdict(set)
        self._admins: set[Subscriber[Delivery]] = set()
        self._notified: dict[int, set[Subscriber[Notification]]] = defaultdict(set)
        self._doorbell = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.last_id = await latest_event_id()
        self.last_notification_id = await latest_notification_id()
        self._pump = asyncio.create_task(self._run_pump(), name="event-bus-pump")
        add_commit_listener(self._on_commit)

    async def stop(self) -> None:
        remove_commit_listener(self._on_commit)
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
            self._pump = None

    def subscribe(self, viewer: User) -> Subscriber[Delivery]:
        subscriber: Subscriber[Delivery] = Subscriber(self, viewer, self.queue_size)
        (self._admins if subscriber.is_admin else self._by_viewer[viewer.id]).add(subscriber)
        return subscriber

    def subscribe_notifications(self, viewer: User) -> Subscriber[Notification]:
        """`viewer`'s own notifications, from now on."""
        subscriber: Subscriber[Notification] = Subscriber(
            self, viewer, self.queue_size, for_notifications=True
        )
        self._notified[viewer.id].add(subscriber)
        return subscriber

    def ring(self) -> None:
        """New events may have committed: read them (soon, and once for many rings)."""
        self._doorbell.set()

    def _on_commit(self, _events: Sequence[RequestEvent]) -> None:
        self.ring()

    def _forget(self, subscriber: Subscriber[Any]) -> None:
        registry: dict[int, Any] = (
            self._notified if subscriber.for_notifications else self._by_viewer
        )
        if subscriber.is_admin:
            self._admins.discard(subscriber)
            return
        subscribers = registry.get(subscriber.viewer_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del registry[subscriber.viewer_id]

    async def _run_pump(self) -> None:
        while True:
            await self._doorbell.wait()
            self._doorbell.clear()
            try:
                await self._catch_up()
            except Exception:  # the database may be away; keep the pump alive and retry
                logger.exception("Reading new request events failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self.ring()

    async def _catch_up(self) -> None:
        while True:
            events = await events_after(self.last_id, READ_BATCH)
            if events:
                await self._dispatch(events)
                self.last_id = events[-1].id
            if len(events) < READ_BATCH:
                break
        while True:
            notifications = await notifications_after(self.last_notification_id, READ_BATCH)
            for notification in notifications:
                for subscriber in list(self._notified.get(notification.user_id, ())):
                    subscriber.offer(notification)
            if notifications:
                self.last_notification_id = notifications[-1].id
            if len(notifications) < READ_BATCH:
                return

    def _targets(self, event: RequestEvent) -> list[Subscriber[Delivery]]:
        request = event.request
        targets = list(self._admins)
        targets += self._by_viewer.get(request.mentor_id, ())
        if request.mentee_id != request.mentor_id:
            targets += self._by_viewer.get(request.mentee_id, ())
        return targets

    async def _dispatch(self, events: Sequence[RequestEvent]) -> None:
        routed = [(event, self._targets(event)) for event in events]
        user_ids: set[int] = set()
        for event, targets in routed:
            if targets:
                request = event.request
                user_ids.update((request.mentor_id, request.mentee_id))
                user_ids.update(s.viewer_id for s in targets)
                if event.actor_id is not None:
                    user_ids.add(event.actor_id)
        if not user_ids:
            return
        users = {user.id: user for user in await User.filter(id__in=list(user_ids))}
        for event, targets in routed:
            await self._fan_out(Delivery(event=event, request=event.request, users=users), targets)

    async def _fan_out(self, delivery: Delivery, targets: list[Subscriber[Delivery]]) -> None:
        """Offer `delivery` to each of `targets`, waiting for the shared answers they need.

        The first reader of each visibility class starts that class's answer and gets the
        future computing it. The first few such futures are waited for at once, in the pass:
        the class's later readers then find the answer ready and take the event the first
        time they are offered it. (Offering every reader twice, once to learn that the answer
        is pending and again when it is done, was 13 % of a fan-out: `docs/benchmarks.md`.)
        Beyond `WAIT_IN_PASS` classes, the rest are collected and waited for together, so
        that many per-viewer answers are still computed concurrently, not one after another.
        """
        waited: set[asyncio.Future[object]] = set()
        later: list[tuple[Subscriber[Delivery], asyncio.Future[object]]] = []
        for subscriber in targets:
            waiting = subscriber.offer(delivery)
            if waiting is None:
                continue
            if waiting.done() or waiting in waited:
                # Ready since (or given up on: then `offer_again` queues it for the reader).
                subscriber.offer_again(delivery)
            elif len(waited) < WAIT_IN_PASS:
                waited.add(waiting)
                await asyncio.wait((waiting,), timeout=ANSWER_WAIT_SECONDS)
                subscriber.offer_again(delivery)
            else:
                later.append((subscriber, waiting))
        if later:
            # Wait for the remaining classes' answers once here, not in a task per subscriber.
            await asyncio.wait({future for _, future in later}, timeout=ANSWER_WAIT_SECONDS)
            for subscriber, _ in later:
                subscriber.offer_again(delivery)
