"""The message thread of a request: the mentor asks for more before deciding, the mentee answers,
and the pair arranges its start once approved.

A message is a `RequestEvent` of kind MESSAGE (its text is the note; the status is recorded as
it stands, unchanged): so it is in the audit trail, takes its place in the one ordered event
feed and is delivered by the request subscription with its resume cursor, through the same
commit-ordered path as the status changes (`mentorgraph.models.requests.events`). Whoever may see
the request (`privacy.can_see_request`: its mentor, its mentee, admins) may read its thread; only
the mentor and the mentee write in it, while the request is open or the mentorship active
(`WRITABLE_STATUSES`). Once it is over (declined, cancelled, expired, completed) the thread is
closed: it is no channel to a person who said no or moved on, and an active pair has each
other's channels and email (`mentorgraph.models.privacy`).

A message does not stop the request's clock: the ladder's reminders and expiry go on, so a
mentor cannot park a request by asking a question; a mentor who needs more time answers once
the mentee has replied, well within `expire_after_days`.

Bounded, under concurrency across processes: one transaction holds the author's row and then
the request's row (the order every lifecycle change takes) while it counts the thread
(`max_messages_per_request`) and the author's recent messages (`message_burst` per
`message_burst_window_seconds`, over all their requests), so concurrent posts take turns and
no count is exceeded. The other party is told by email, queued in the same transaction.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.inbox import deliver
from mentorgraph.models.notifications.request_notifications import message_notice
from mentorgraph.models.requests.events import committed, record_event
from mentorgraph.models.requests.lifecycle import party_request, request_not_found
from mentorgraph.models.requests.request_guards import lock_request, lock_user
from mentorgraph.models.requests.requests import EventKind, RequestEvent, RequestStatus
from mentorgraph.models.safety.blocks import blocks_between

__all__ = ["WRITABLE_STATUSES", "messages_of", "post_message"]

# While the request waits for an answer, and while the mentorship is active.
WRITABLE_STATUSES = (RequestStatus.NEW, RequestStatus.VIEWED, RequestStatus.APPROVED)


def _clean(text: str) -> str:
    return validation.clean_text(
        text, "text", label="Message", min_length=1, max_length=limits().max_message_length
    )


def _closed(status: RequestStatus) -> RuleViolation:
    return RuleViolation(
        ErrorCode.REQUEST_CLOSED,
        f"This request is {status.value}; messages can be written while a request is NEW,"
        " VIEWED or APPROVED.",
        ["requestId"],
    )


async def post_message(author: User, request_id: int, text: str) -> RequestEvent:
    """Add `text` to the thread of the request as `author` (its mentor or mentee).

    Refusals: INVALID_INPUT (empty or too long), NOT_FOUND (absent, or not the author's to
    see), FORBIDDEN (an admin who is neither party), REQUEST_CLOSED (the request is over),
    MESSAGE_LIMIT (the thread is full), TOO_SOON (the author's flood ceiling; with
    `retry_after_seconds`).
    """
    body = _clean(text)
    await party_request(
        author, request_id, "Only the mentor and the mentee of a request write in its thread."
    )
    rules = limits()
    async with in_transaction() as conn:
        # Users before requests, as every lifecycle change locks them; both before the event
        # (`mentorgraph.models.requests.events`: no row lock may be awaited while holding the
        # event-order lock).
        if await lock_user(conn, author.id) is None:
            raise request_not_found()
        current = await lock_request(conn, request_id)
        if current is None:
            raise request_not_found()
        if current.status not in WRITABLE_STATUSES:
            raise _closed(current.status)
        if await blocks_between(conn, current.mentor_id, current.mentee_id):
            # Either side blocked the other: closed for both, in words that say no more.
            raise RuleViolation(ErrorCode.FORBIDDEN, "This conversation is closed.", ["requestId"])
        thread = (
            await RequestEvent.filter(request_id=current.id, kind=EventKind.MESSAGE)
            .using_db(conn)
            .count()
        )
        if thread >= rules.max_messages_per_request:
            raise RuleViolation(
                ErrorCode.MESSAGE_LIMIT,
                f"This request's thread holds its {rules.max_messages_per_request} messages;"
                " carry on through each other's channels once the mentorship is approved.",
                ["requestId"],
            )
        now = clock.now()
        await _ensure_not_flooding(conn, author.id, now)
        event = await record_event(
            current,
            from_status=current.status,
            to_status=current.status,
            actor_id=author.id,
            note=body,
            connection=conn,
            kind=EventKind.MESSAGE,
        )
        recipient_id = current.mentee_id if author.id == current.mentor_id else current.mentor_id
        recipient = await User.get(id=recipient_id, using_db=conn)
        await deliver(conn, [message_notice(current, author, recipient, body)])
    committed([event])
    return event


async def _ensure_not_flooding(conn: BaseDBAsyncClient, author_id: int, now: datetime) -> None:
    """TOO_SOON once the author wrote `message_burst` messages within the window."""
    rules = limits()
    window = timedelta(seconds=rules.message_burst_window_seconds)
    recent = RequestEvent.filter(
        actor_id=author_id, kind=EventKind.MESSAGE, occurred_at__gte=now - window
    ).using_db(conn)
    if await recent.count() < rules.message_burst:
        return
    oldest = await recent.order_by("id").first()
    first = oldest.occurred_at if oldest is not None else now
    wait = max(1, math.ceil((first + window - now).total_seconds()))
    raise RuleViolation(
        ErrorCode.TOO_SOON,
        f"You wrote {rules.message_burst} messages within"
        f" {rules.message_burst_window_seconds:g} seconds; wait a little before the next.",
        ["text"],
        retry_after_seconds=wait,
    )


async def messages_of(request_id: int) -> list[RequestEvent]:
    """The thread of a request, oldest first (the caller checks who may see it)."""
    return await RequestEvent.filter(request_id=request_id, kind=EventKind.MESSAGE).order_by("id")
