"""The daily digest: one email per member gathering the notifications their preferences held
back (`EmailFrequency.DAILY_DIGEST`), run by the sweep.

A member's digest goes once their oldest pending notification has waited `digest_after_hours`,
so nobody gets more than about one a day, and nothing waits longer than that. Each member's
digest is one transaction under their row lock: the pending rows it lists are cleared by the
same transaction that queues the email, so two sweeping processes cannot send it twice, and a
failure sends nothing and clears nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_preferences import (
    EmailFrequency,
    NotificationKind,
    frequencies_for,
)
from mentorgraph.models.notifications.email_templates import compose, web_link
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import Email, enqueue_email
from mentorgraph.models.notifications.unsubscribe import ALL_KINDS, unsubscribe_url
from mentorgraph.models.requests.request_guards import lock_user
from mentorgraph.models.requests.requests import MentorshipRequest

__all__ = ["DIGEST_ITEMS", "send_digests"]

# Lines one digest lists; beyond, it says how many more (the app lists them all).
DIGEST_ITEMS = 50
# Members handled per sweep pass (the next pass takes the rest).
DIGEST_BATCH = 500


async def send_digests(now: datetime | None = None) -> int:
    """Queue the digests that are due; returns how many were queued."""
    now = now or clock.now()
    due_before = now - timedelta(hours=limits().digest_after_hours)
    members = (
        await Notification.filter(digest_pending=True, created_at__lte=due_before)
        .distinct()
        .order_by("user_id")
        .limit(DIGEST_BATCH)
        .values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in cast("list[int]", members):
        sent += await _send_digest(user_id)
    return sent


async def _send_digest(user_id: int) -> bool:
    async with in_transaction() as conn:
        member = await lock_user(conn, user_id)
        if member is None:
            return False
        pending = (
            await Notification.filter(user_id=user_id, digest_pending=True)
            .using_db(conn)
            .order_by("id")
        )
        if not pending:
            return False  # another process sent it
        await (
            Notification.filter(id__in=[n.id for n in pending])
            .using_db(conn)
            .update(digest_pending=False)
        )
        # Kinds set to NEVER since they were held back are left out.
        chosen = await frequencies_for(conn, [user_id])
        listed = [n for n in pending if chosen.get((user_id, n.kind)) is not EmailFrequency.NEVER]
        if not listed:
            return False
        await enqueue_email(await _digest_email(member, listed), connection=conn)
        return True


async def _digest_email(member: User, listed: list[Notification]) -> Email:
    shown = listed[:DIGEST_ITEMS]
    actor_ids = {n.actor_id for n in shown if n.actor_id is not None}
    names = {u.id: u.name for u in await User.filter(id__in=list(actor_ids))} if actor_ids else {}
    # A decline by the system says why in its line (the mentor inactive, or gone).
    closed = [
        n.request_id
        for n in shown
        if n.kind is NotificationKind.REQUEST_DECLINED
        and n.actor_id is None
        and n.request_id is not None
    ]
    reasons = (
        dict(await MentorshipRequest.filter(id__in=closed).values_list("id", "decline_reason"))
        if closed
        else {}
    )
    items = [
        {
            "kind": n.kind.value,
            "actor": names.get(n.actor_id) if n.actor_id is not None else None,
            "reason": getattr(reasons.get(n.request_id), "value", None),
            "url": web_link(f"/requests/{n.request_id}") if n.request_id is not None else None,
        }
        for n in shown
    ]
    link = unsubscribe_url(member.id, ALL_KINDS)
    email = compose(
        "digest",
        member,
        {
            "items": items,
            "more": len(listed) - len(shown),
            "notifications_url": web_link("/notifications"),
            "unsubscribe_url": link,
        },
    )
    email.unsubscribe_url = link
    return email
