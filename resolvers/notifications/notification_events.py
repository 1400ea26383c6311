"""`Subscription.notifications(after:)`: replay the viewer's notifications they missed, then
follow new ones, each with the unread count as it stands when it is sent.

The same order of work as `mentorgraph.resolvers.requests.request_events` makes "nothing missed,
nothing twice" hold: subscribe to the bus first, replay from the table after `after`, then follow
the queue, skipping ids already sent (committed notification ids only grow;
`mentorgraph.models.notifications.inbox`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.inbox import Notification, notifications_after, unread_count
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput, Unauthenticated
from mentorgraph.resolvers.event_feed import SubscriberTooSlow
from mentorgraph.resolvers.loaders import Loaders
from mentorgraph.resolvers.pagination import cursor_fits, decode_cursor, encode_cursor
from mentorgraph.resolvers.requests.request_events import SubscriberLagged

__all__ = ["NotificationPush", "follow_notifications"]

REPLAY_PAGE = 100


@dataclass(frozen=True, slots=True)
class NotificationPush:
    notification: Notification
    unread_count: int


def _notification_id(after: str) -> int:
    (notification_id,) = decode_cursor(after, 1)
    if not cursor_fits(Notification, [("id", False)], [notification_id]):
        raise BadUserInput(f"'{after}' is not a cursor of a notification.", field="after")
    return int(notification_id)


def _lagged(last_id: int) -> SubscriberLagged:
    cursor = encode_cursor([last_id])
    return SubscriberLagged(
        "This subscription fell too far behind and was stopped. Subscribe again with"
        f' `after: "{cursor}"` to receive everything since the last notification sent.',
        resumeAfter=cursor,
    )


async def _push(ctx: Context, viewer_id: int, notification: Notification) -> NotificationPush:
    """Fresh viewer and caches for each push: the socket outlives any single one."""
    viewer = await User.get_or_none(id=viewer_id)
    if viewer is None:
        raise Unauthenticated("Your account no longer exists: sign in again.")
    ctx.renew(viewer, Loaders(viewer))
    return NotificationPush(notification, await unread_count(viewer_id))


async def follow_notifications(ctx: Context, after: str | None) -> AsyncIterator[NotificationPush]:
    viewer = ctx.require_viewer()
    after_id = _notification_id(after) if after else None
    if ctx.event_feed is None:
        raise RuntimeError("No event bus in this context: subscriptions need the WebSocket")
    stream = ctx.event_feed.subscribe_notifications(viewer)
    last_id = stream.start_after if after_id is None else after_id
    try:
        if after_id is not None:
            while True:
                page = await notifications_after(last_id, REPLAY_PAGE, user_id=viewer.id)
                for notification in page:
                    last_id = notification.id
                    yield await _push(ctx, viewer.id, notification)
                if len(page) < REPLAY_PAGE:
                    break
        while True:
            try:
                notification = await stream.next()
            except SubscriberTooSlow:
                raise _lagged(last_id) from None
            if notification.id <= last_id:
                continue  # already replayed from the table
            last_id = notification.id
            yield await _push(ctx, viewer.id, notification)
    finally:
        stream.close()
