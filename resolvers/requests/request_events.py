"""`mentorshipRequestEvents(after:)`: replay what the client missed, then follow live events.

The order of work is what makes "nothing missed, nothing twice" hold:
1. subscribe to the bus first, so every event committed from now on is queued for us;
2. replay from the event table the events after `after` (it sees everything committed before
   step 1, and perhaps some queued ones too);
3. follow the queue, skipping ids already sent (ids only grow; see
`mentorgraph.models.requests.events`).

Each event is presented with a fresh `Loaders` for a freshly read viewer, and its visibility is
checked again on the freshly read request: the socket's context outlives any single event.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import FaultCode
from mentorgraph.models.privacy import can_see_request
from mentorgraph.models.requests.events import visible_events_after
from mentorgraph.models.requests.requests import RequestEvent
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput, ClientError, Unauthenticated
from mentorgraph.resolvers.event_feed import (
    LIVE_SINK,
    Delivery,
    Detached,
    EventStream,
    SubscriberTooSlow,
)
from mentorgraph.resolvers.loaders import Loaders
from mentorgraph.resolvers.pagination import cursor_fits, decode_cursor, encode_cursor

__all__ = ["REPLAY_PAGE", "SubscriberLagged", "follow_request_events"]

# Events read per statement while replaying.
REPLAY_PAGE = 100


class SubscriberLagged(ClientError):
    code = FaultCode.SUBSCRIBER_TOO_SLOW


def _lagged(last_id: int) -> SubscriberLagged:
    cursor = encode_cursor([last_id])
    return SubscriberLagged(
        "This subscription fell too far behind the live events and was stopped. Subscribe "
        f'again with `after: "{cursor}"` to receive everything since the last event sent.',
        resumeAfter=cursor,
    )


def _event_id(after: str) -> int:
    (event_id,) = decode_cursor(after, 1)
    # Beyond the id column (bigint) the database would refuse the parameter: not our cursor.
    if not cursor_fits(RequestEvent, [("id", False)], [event_id]):
        raise BadUserInput(f"'{after}' is not a cursor of a request event.", field="after")
    return int(event_id)


def _account_gone() -> Unauthenticated:
    return Unauthenticated("Your account no longer exists: sign in again.")


def _present(
    ctx: Context, viewer: User | None, event: RequestEvent, users: dict[int, User]
) -> RequestEvent | None:
    """Prepare `ctx` for one event; None when `viewer` may not see it (any longer)."""
    if viewer is None:
        raise _account_gone()
    request = event.request
    loaders = Loaders(viewer, users=users, requests={request.id: request}, events={event.id: event})
    ctx.renew(viewer, loaders)
    return event if can_see_request(viewer, request) else None


def _present_delivery(ctx: Context, viewer_id: int, delivery: Delivery) -> RequestEvent | None:
    # Only the users an event's fields reach (not every subscribed viewer: that would be
    # O(N) work per subscriber, O(N^2) per event).
    event, request, known = delivery.event, delivery.request, delivery.users
    wanted = (event.actor_id, request.mentor_id, request.mentee_id, viewer_id)
    users = {i: known[i] for i in wanted if i is not None and i in known}
    return _present(ctx, known.get(viewer_id), event, users)


async def _replay(ctx: Context, viewer_id: int, after_id: int) -> AsyncIterator[RequestEvent]:
    """The visible events after `after_id` in the table, as of now, oldest first."""
    while True:
        viewer = await User.get_or_none(id=viewer_id)
        page = await visible_events_after(viewer, after_id, REPLAY_PAGE) if viewer else []
        for event in page:
            if _present(ctx, viewer, event, {viewer.id: viewer} if viewer else {}) is not None:
                yield event
        if len(page) < REPLAY_PAGE:
            return
        after_id = page[-1].id


class _Live:
    """The live phase of one subscription: the visible events after `last_id`, in order.

    `last_id` lives here, not in a generator's locals, because two readers move it: this
    subscription's own task (iterating) and, while that task waits, the fan-out loop handing
    an event straight to the transport (`mentorgraph.live_sink`). They never run at once: the
    bus only hands an event over directly while the task is parked on an empty queue.
    """

    __slots__ = ("ctx", "last_id", "stream", "viewer_id")

    def __init__(self, ctx: Context, viewer_id: int, stream: EventStream, last_id: int) -> None:
        self.ctx = ctx
        self.viewer_id = viewer_id
        self.stream = stream
        self.last_id = last_id

    def present(self, delivery: Delivery) -> RequestEvent | None:
        return _present_delivery(self.ctx, self.viewer_id, delivery)

    def accept(self, delivery: Delivery) -> RequestEvent | None:
        if delivery.event.id <= self.last_id:
            return None  # already replayed from the table, or already sent
        visible = self.present(delivery)
        self.last_id = delivery.event.id
        return visible

    def lagged(self) -> SubscriberLagged:
        return _lagged(self.last_id)

    async def __aiter__(self) -> AsyncGenerator[RequestEvent, None]:
        while True:
            try:
                delivery = await self.stream.next()
            except SubscriberTooSlow:
                raise _lagged(self.last_id) from None
            visible = self.accept(delivery)
            if visible is not None:
                yield visible


async def follow_request_events(ctx: Context, after: str | None) -> AsyncIterator[RequestEvent]:
    viewer = ctx.require_viewer()
    after_id = _event_id(after) if after else None
    if ctx.event_feed is None:
        raise RuntimeError("No event bus in this context: subscriptions need the WebSocket")
    stream = ctx.event_feed.subscribe(viewer)
    # The id of the last event sent (or skipped): what the client would resume after.
    last_id = stream.start_after if after_id is None else after_id
    owned = True  # until a sink takes the stream over
    try:
        if after_id is not None:
            async for event in _replay(ctx, viewer.id, after_id):
                last_id = event.id
                yield event
        live = _Live(ctx, viewer.id, stream, last_id)
        sink = LIVE_SINK.get()
        if sink is not None and sink.ready():
            # The transport takes the live phase over: it executes and sends each event itself
            # (one shared execution and encoding per document and visibility class), and this
            # operation's task ends (`Detached`); see `mentorgraph.live_sink`.
            await sink.deliver(live)
            return
        async with aclosing(live.__aiter__()) as events:
            async for event in events:
                yield event
    except Detached:
        owned = False
        raise
    finally:
        if owned:
            stream.close()
