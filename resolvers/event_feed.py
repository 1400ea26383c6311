"""What a subscription needs of the server's event bus (the bus lives in `mentorgraph.bus`).

The bus reads each committed event once per process, with its request and the users an event
touches loaded fresh, and hands that `Delivery` to every subscription that may care about it.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncGenerator, Callable, Coroutine, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent

__all__ = [
    "LIVE_SINK",
    "Delivery",
    "Detached",
    "DirectTake",
    "EventFeed",
    "EventStream",
    "LiveEvents",
    "LiveSink",
    "NotificationStream",
    "SubscriberTooSlow",
]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One committed event and the rows its subscribers need, read after the commit."""

    event: RequestEvent
    request: MentorshipRequest
    # The actor, mentor, mentee and the viewers of the subscriptions it is handed to.
    users: Mapping[int, User]


# How a parked reader takes a delivery straight from the fan-out loop, without waking its
# task: True taken (sent, or skipped as already sent), False "queue it for my task", a future
# "not yet: offer it again when this is done" (an answer being computed for many readers).
DirectTake: TypeAlias = Callable[[Delivery], "bool | asyncio.Future[object]"]


class SubscriberTooSlow(Exception):
    """The subscription's bounded queue overflowed: it stopped receiving live events."""


class Detached(BaseException):
    """Raised through a subscription's resolver by a `LiveSink` that took its live phase over.

    It unwinds the operation's task (Strawberry's stream, graphql-core's generators, this
    resolver) without completing the operation: from then on the sink and the stream carry
    the subscription (`mentorgraph.live_sink`). Not an `Exception`, so that nothing on the way
    turns it into an error result.
    """


class EventStream(Protocol):
    # Every event this stream hands out has a greater id (where a live-only client stands).
    start_after: int
    # Offered each delivery first while the reader waits on an empty queue (None: never).
    direct: DirectTake | None

    async def next(self) -> Delivery:
        """The next event for this subscriber, in id order; raises `SubscriberTooSlow`."""
        ...

    def pop(self) -> Delivery | None:
        """The next queued event, None when nothing is queued; raises `SubscriberTooSlow`."""
        ...

    def detach(
        self,
        drain: Callable[[], Coroutine[object, object, None]],
        context: contextvars.Context,
    ) -> None:
        """Nobody will wait in `next`: run `drain()` (in `context`) whenever events queue."""
        ...

    def close(self) -> None: ...

    def stop(self) -> None:
        """`close`, and stop a running `drain`."""
        ...


class NotificationStream(Protocol):
    # Every notification this stream hands out has a greater id.
    start_after: int

    async def next(self) -> Notification:
        """The subscriber's next notification, in id order; raises `SubscriberTooSlow`."""
        ...

    def close(self) -> None: ...


class EventFeed(Protocol):
    def subscribe(self, viewer: User) -> EventStream:
        """Events of requests where `viewer` is mentor or mentee (admins: all), from now on."""
        ...

    def subscribe_notifications(self, viewer: User) -> NotificationStream:
        """`viewer`'s own notifications, from now on."""
        ...


class LiveEvents(Protocol):
    """One subscription's live phase: its stream, where it stands, how it presents an event."""

    stream: EventStream
    viewer_id: int
    # The id of the last event sent or skipped (what the client would resume after).
    last_id: int

    def present(self, delivery: Delivery) -> RequestEvent | None:
        """Prepare the context for `delivery`; None when the viewer may not see it."""
        ...

    def accept(self, delivery: Delivery) -> RequestEvent | None:
        """The event to send for `delivery` (moving `last_id`), None to skip it."""
        ...

    def lagged(self) -> Exception:
        """The error that ends a subscription whose queue overflowed (resume after `last_id`)."""
        ...

    def __aiter__(self) -> AsyncGenerator[RequestEvent, None]:
        """The visible events after `last_id`, in order, as they come (moving `last_id`)."""
        ...


class LiveSink(Protocol):
    """A faster way out for live events than yielding them through the GraphQL stream.

    The transport sets one per operation (`LIVE_SINK`, task-local); the subscription hands it
    its live events once replay is done, and the sink executes and sends each one itself.
    """

    def ready(self) -> bool:
        """Whether it can take this operation's live events (else: yield them as usual)."""
        ...

    async def deliver(self, live: LiveEvents) -> None:
        """Take the live phase over: raises `Detached` once the sink carries it (it then owns
        `live.stream`); anything else it raises propagates, the stream still the caller's."""
        ...


LIVE_SINK: ContextVar[LiveSink | None] = ContextVar("LIVE_SINK", default=None)
