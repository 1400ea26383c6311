"""A mentor's availability: set by the mentor (a pause until a date, or open-ended), by an admin
or by the system (with its record), and the end of pauses.

Every change stamps `users.availability_changed_at`: the silent-mentor rule counts nothing from
before it, so nothing that happened while a mentor was away counts against them when back.
Lock order as everywhere: the mentor's `users` row first, then their requests' rows, then the
event-order lock (`mentorgraph.models.requests.events`), which
`mentorgraph.models.notifications.inbox.deliver` takes for the notification telling a mentor they
were set unavailable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.directory.listing import ensure_may_be_listed
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.inbox import deliver
from mentorgraph.models.notifications.request_notifications import availability_notice
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.request_guards import OPEN_STATUSES, lock_request, lock_user
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestEvent

__all__ = ["change_availability", "end_pauses", "set_own_availability"]

PAUSE_NOTE = "The mentor is taking a break and cannot take new mentees for now."


async def change_availability(
    mentor_id: int,
    *,
    available: bool,
    actor: User | None,
    reason: str,
    connection: BaseDBAsyncClient | None = None,
) -> User | None:
    """Set the mentor's availability as the system or an admin, record who did it and why,
    and (when set unavailable) tell the mentor how to come back. Returns the mentor, or None
    when nothing changed (they were already so, or are no mentor). Setting a paused mentor
    unavailable ends the pause's date: they stay unavailable until they come back themselves.
    In its own transaction, or in the caller's `connection` (which then holds the mentor's
    row until it commits)."""
    if connection is not None:
        return await _change(connection, mentor_id, available, actor, reason)
    async with in_transaction() as conn:
        changed = await _change(conn, mentor_id, available, actor, reason)
    committed([])  # its notification, if any: ring this process's bus
    return changed


async def _change(
    conn: BaseDBAsyncClient, mentor_id: int, available: bool, actor: User | None, reason: str
) -> User | None:
    mentor = await lock_user(conn, mentor_id)
    if mentor is None or not mentor.is_mentor:
        return None
    if mentor.available == available and (available or mentor.unavailable_until is None):
        return None
    if available:
        ensure_may_be_listed(mentor)
    now = clock.now()
    await (
        User.filter(id=mentor_id)
        .using_db(conn)
        .update(
            available=available,
            unavailable_until=None,
            availability_changed_at=now,
            updated_at=now,
        )
    )
    mentor.available, mentor.unavailable_until, mentor.availability_changed_at = (
        available,
        None,
        now,
    )
    await AvailabilityChange.create(
        mentor_id=mentor_id,
        available=available,
        actor_id=actor.id if actor is not None else None,
        reason=reason,
        occurred_at=now,
        using_db=conn,
    )
    if not available:
        # `deliver` takes the event-order lock, held to commit. The callers in whose
        # transaction this runs (the silence sweep, an admin's `setMentorAvailability`) go on
        # to decline the mentor's waiting requests, locking each row: waiting for a row while
        # holding the event-order lock deadlocks with a change of that request (which holds
        # its row and waits for the event-order lock to record its event). So the rows come
        # first, here: the mentor's open requests, in id order (no new one can appear: a
        # request's creation locks the mentor's row, which this transaction holds).
        open_ids = cast(
            "list[int]",
            await MentorshipRequest.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES)
            .using_db(conn)
            .order_by("id")
            .values_list("id", flat=True),
        )
        for request_id in open_ids:
            await lock_request(conn, request_id)
        notice = availability_notice(
            mentor, actor_id=actor.id if actor is not None else None, reason=reason
        )
        await deliver(conn, [notice])
    return mentor


def _check_pause(until: datetime, now: datetime) -> datetime:
    # A date without a zone is read as UTC, the zone of every time the API returns.
    until = until if until.tzinfo is not None else until.replace(tzinfo=UTC)
    if until <= now:
        raise RuleViolation(
            ErrorCode.PAUSE_IN_PAST,
            "A pause must end in the future; to come back now, set yourself available.",
            ["unavailableUntil"],
        )
    longest = limits().max_pause_days
    if until > now + timedelta(days=longest):
        raise RuleViolation(
            ErrorCode.PAUSE_TOO_LONG,
            f"A pause lasts at most {longest:g} days; set yourself unavailable without a date"
            " for longer.",
            ["unavailableUntil"],
        )
    return until


async def set_own_availability(
    user: User,
    *,
    available: bool,
    until: datetime | None = None,
    decline_waiting: bool = False,
) -> tuple[User, list[MentorshipRequest]]:
    """The mentor opens or closes themselves to new requests; closing, optionally until a date
    (a pause the sweep ends) and declining their waiting requests in the same step (NO_CAPACITY,
    as their own answer: it counts as answered in their response rate, and each mentee is told
    at once instead of waiting for the expiry). One transaction. Returns the mentor and the
    declined requests."""
    if not user.is_mentor:
        raise RuleViolation(
            ErrorCode.FORBIDDEN, "Only mentors have an availability to set.", ["available"]
        )
    if available and (until is not None or decline_waiting):
        field = "unavailableUntil" if until is not None else "declineWaitingRequests"
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, "Only a mentor going unavailable can set this.", [field]
        )
    now = clock.now()
    if until is not None:
        until = _check_pause(until, now)
    declined: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    async with in_transaction() as conn:
        mentor = await lock_user(conn, user.id)
        if mentor is None:
            raise RuleViolation(ErrorCode.NOT_FOUND, "No such mentor.", ["available"])
        if available:
            ensure_may_be_listed(mentor)
        changes: dict[str, object] = {"unavailable_until": until}
        if mentor.available != available:
            changes |= {"available": available, "availability_changed_at": now}
        await User.filter(id=user.id).using_db(conn).update(**changes, updated_at=now)
        if decline_waiting:
            declined, events = await lifecycle.decline_open_requests(
                conn, user.id, reason=DeclineReason.NO_CAPACITY, note=PAUSE_NOTE, actor=mentor
            )
    committed(events)
    if declined:
        await refresh_scores([user.id])
    await user.refresh_from_db()
    return user, declined


async def end_pauses() -> int:
    """Mentors whose pause has ended are available again (one conditional UPDATE: concurrent
    sweeps cannot both count a mentor). Returns how many came back."""
    now = clock.now()
    # Only members who may be listed (a deletion clears the pause anyway).
    return await User.filter(
        is_mentor=True,
        available=False,
        unavailable_until__lte=now,
        email_verified=True,
        deletion_due_at__isnull=True,
    ).update(available=True, unavailable_until=None, availability_changed_at=now, updated_at=now)
