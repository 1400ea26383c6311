"""A mentor's availability changed by someone else (the system or an admin), with its record.

The mentor's own `setAvailability` is theirs to make and is not recorded here.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import clock
from models.availability_changes import AvailabilityChange
from models.outbox import enqueue_email
from models.request_guards import lock_user
from models.request_notifications import availability_email
from models.users import User

__all__ = ["change_availability"]


async def change_availability(
    mentor_id: int,
    *,
    available: bool,
    actor: User | None,
    reason: str,
    connection: BaseDBAsyncClient | None = None,
) -> User | None:
    """Set the mentor's availability, record who did it and why, and (when set unavailable)
    tell the mentor how to come back. Returns the mentor, or None when nothing changed (they
    were already so, or are no mentor). In its own transaction, or in the caller's
    `connection` (which then holds the mentor's row until it commits)."""
    if connection is not None:
        return await _change(connection, mentor_id, available, actor, reason)
    async with in_transaction() as conn:
        return await _change(conn, mentor_id, available, actor, reason)


async def _change(
    conn: BaseDBAsyncClient, mentor_id: int, available: bool, actor: User | None, reason: str
) -> User | None:
    mentor = await lock_user(conn, mentor_id)
    if mentor is None or not mentor.is_mentor or mentor.available == available:
        return None
    now = clock.now()
    await User.filter(id=mentor_id).using_db(conn).update(available=available, updated_at=now)
    mentor.available = available
    await AvailabilityChange.create(
        mentor_id=mentor_id,
        available=available,
        actor_id=actor.id if actor is not None else None,
        reason=reason,
        occurred_at=now,
        using_db=conn,
    )
    if not available:
        email = availability_email(mentor, by_system=actor is None, reason=reason)
        await enqueue_email(email, connection=conn)
    return mentor
