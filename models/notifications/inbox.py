"""The in-app notification list, and the one place that decides a notification and its email.

`deliver` runs inside the transaction of the change that causes the notifications (on its
connection): the rows and their emails commit or roll back with it. For each notice it writes
the member's `Notification` and, by the member's email preference for its kind, queues the
email at once (with its unsubscribe link and List-Unsubscribe headers), leaves it for the
daily digest (`models/notifications/digest.py`), or sends none.

Notification ids are the live feed's order and its resume cursor, as request events' are
(`mentorgraph.models.requests.events`): on PostgreSQL they are drawn under the same event-order
lock, so committed notifications are always a prefix of the id order, and the commit rings every
process's bus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_preferences import (
    DEFAULT_FREQUENCY,
    EmailFrequency,
    NotificationKind,
    frequencies_for,
)
from mentorgraph.models.notifications.email_templates import compose
from mentorgraph.models.notifications.outbox import enqueue_email
from mentorgraph.models.notifications.unsubscribe import unsubscribe_url
from mentorgraph.models.requests.events import announce_commit, take_event_order
from mentorgraph.models.requests.requests import MentorshipRequest

__all__ = [
    "MAX_MARK_IDS",
    "Notice",
    "Notification",
    "deliver",
    "latest_notification_id",
    "mark_all_read",
    "mark_read",
    "notifications_after",
    "notifications_of",
    "purge_read",
    "unread_count",
]

# Ids one markNotificationsRead may name.
MAX_MARK_IDS = 100
# Mark-read calls per member: generous for any client, closed for a flood (each call is one
# bounded UPDATE; the throttle keeps a loop from holding a connection busy).
MARK_READ_RULE = throttle.Rule(free=300, base_seconds=1, max_seconds=60, forget_seconds=60)


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    request: fields.ForeignKeyNullableRelation[MentorshipRequest] = fields.ForeignKeyField(
        "models.MentorshipRequest",
        related_name="notifications",
        on_delete=fields.CASCADE,
        null=True,
    )
    # Who caused it (the mentor who answered, the author of a message); None: the system.
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications_caused", on_delete=fields.SET_NULL, null=True
    )
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)
    # Waiting for the member's daily digest email (their preference for the kind said so).
    digest_pending = fields.BooleanField(default=False)

    user_id: int
    request_id: int | None
    actor_id: int | None

    class Meta:
        table = "notifications"
        indexes = [("user_id", "read_at"), ("digest_pending", "created_at")]


@dataclass(frozen=True)
class Notice:
    """One notification to write, and the email template that tells it."""

    to: User
    kind: NotificationKind
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    request_id: int | None = None
    actor_id: int | None = None


async def deliver(conn: BaseDBAsyncClient, notices: Sequence[Notice]) -> list[Notification]:
    """Write each notice's notification and (by preference) its email, on `conn`. The caller
    commits, then calls `mentorgraph.models.requests.events.committed` to ring this process's
    bus."""
    if not notices:
        return []
    chosen = await frequencies_for(conn, [n.to.id for n in notices])
    await take_event_order(conn)
    now = clock.now()
    rows = []
    for notice in notices:
        frequency = chosen.get((notice.to.id, notice.kind), DEFAULT_FREQUENCY)
        rows.append(
            await Notification.create(
                user_id=notice.to.id,
                kind=notice.kind,
                request_id=notice.request_id,
                actor_id=notice.actor_id,
                created_at=now,
                digest_pending=frequency is EmailFrequency.DAILY_DIGEST,
                using_db=conn,
            )
        )
        if frequency is EmailFrequency.IMMEDIATELY:
            link = unsubscribe_url(notice.to.id, notice.kind)
            email = compose(notice.template, notice.to, {**notice.context, "unsubscribe_url": link})
            email.unsubscribe_url = link
            await enqueue_email(email, connection=conn)
    await announce_commit(conn, "notification")
    return rows


def notifications_of(user_id: int, *, unread_only: bool) -> QuerySet[Notification]:
    rows = Notification.filter(user_id=user_id)
    return rows.filter(read_at__isnull=True) if unread_only else rows


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def _admit_mark(user: User) -> None:
    now = clock.now()
    row_key = throttle.key("mark_read", str(user.id))
    if not await throttle.count(row_key, MARK_READ_RULE, now):
        wait = max(1, round(await throttle.retry_after([row_key], now)))
        raise RuleViolation(
            ErrorCode.TOO_SOON,
            "You marked notifications read very many times in a row; wait a little.",
            ["ids"],
            retry_after_seconds=wait,
        )


async def mark_read(user: User, ids: Sequence[int]) -> int:
    """Mark these of `user`'s notifications read; ids of others' (or gone) ones change nothing
    and are not told apart. Returns how many went from unread to read."""
    if len(ids) > MAX_MARK_IDS:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, f"Mark at most {MAX_MARK_IDS} notifications at once.", ["ids"]
        )
    await _admit_mark(user)
    if not ids:
        return 0
    return await Notification.filter(
        user_id=user.id, id__in=list(set(ids)), read_at__isnull=True
    ).update(read_at=clock.now())


async def mark_all_read(user: User) -> int:
    await _admit_mark(user)
    return await Notification.filter(user_id=user.id, read_at__isnull=True).update(
        read_at=clock.now()
    )


async def latest_notification_id() -> int:
    last = await Notification.all().order_by("-id").first()
    return last.id if last is not None else 0


async def notifications_after(
    after_id: int, limit: int, *, user_id: int | None = None
) -> list[Notification]:
    """Committed notifications after `after_id` (one member's, or everyone's), oldest first."""
    rows = Notification.filter(id__gt=after_id)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    return await rows.order_by("id").limit(limit)


async def purge_read(now: datetime) -> int:
    """Delete read notifications older than the retention (the sweep's)."""
    before = now - timedelta(days=limits().notification_retention_days)
    return await Notification.filter(read_at__isnull=False, created_at__lt=before).delete()
