"""What admins do about silent mentors: remind them by hand, set them (un)available.

The caller has checked that the actor is an admin.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit
from mentorgraph.models.directory.mentor_availability import change_availability
from mentorgraph.models.directory.response_scores import refresh_scores
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.ladder import send_reminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestEvent
from mentorgraph.models.safety import standing
from mentorgraph.models.safety.safety_records import AuditAction

__all__ = ["REMINDER_GAP", "remind_mentor", "set_mentor_availability"]

# At most one reminder per request in this time, the ladder's own included: a mentor reminded
# an hour ago by the system does not need another nudge from an admin.
REMINDER_GAP = timedelta(days=1)


def _not_open(request: MentorshipRequest) -> RuleViolation:
    return RuleViolation(
        ErrorCode.REQUEST_NOT_WAITING,
        f"This request is {request.status.value}; only NEW or VIEWED requests wait for the mentor.",
        ["requestId"],
    )


def _too_soon(last_sent_at: datetime) -> RuleViolation | None:
    if last_sent_at <= clock.now() - REMINDER_GAP:
        return None
    return RuleViolation(
        ErrorCode.TOO_SOON,
        f"The mentor was reminded of this request at {last_sent_at:%Y-%m-%d %H:%M} UTC;"
        " send at most one reminder a day.",
        ["requestId"],
    )


async def remind_mentor(admin: User, request_id: int) -> MentorshipRequest:
    """Remind the mentor of one open request, at most once a day per request."""
    request = await MentorshipRequest.get_or_none(id=request_id)
    if request is None:
        raise lifecycle.request_not_found()
    if request.status not in OPEN_STATUSES:
        raise _not_open(request)
    sent = await send_reminder(request_id, number=None, admin=admin, refuse_if_since=_too_soon)
    await request.refresh_from_db()
    if sent is None:
        raise _not_open(request)  # answered while we looked
    # After the reminder's own transaction (the ladder's, shared with the sweep): a failure
    # between the two leaves a reminder unaudited, never an audit of a reminder not sent.
    await audit.record(
        None,
        admin,
        AuditAction.SEND_MENTOR_REMINDER,
        target_user_id=request.mentor_id,
        target_request_id=request.id,
    )
    return request


async def set_mentor_availability(
    admin: User, mentor_id: int, *, available: bool, decline_open_requests: bool
) -> tuple[User, list[MentorshipRequest]]:
    """Set a mentor (un)available as an admin; optionally decline their open requests with
    MENTOR_INACTIVE, the system acting, each mentee told. One transaction: a failure or a kill
    half-way leaves the mentor and every request as they were. Returns the mentor and the
    declined requests.
    """
    mentor = await User.get_or_none(id=mentor_id)
    if mentor is None or not mentor.is_mentor:
        raise RuleViolation(ErrorCode.NOT_FOUND, "No such mentor.", ["mentorId"])
    if available and not standing.in_good_standing(mentor):
        raise RuleViolation(
            ErrorCode.ACCOUNT_SUSPENDED,
            "This mentor is suspended or banned: lift that first.",
            ["mentorId"],
        )
    if available and decline_open_requests:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            "Open requests can only be declined when setting a mentor unavailable.",
            ["declineOpenRequests"],
        )
    reason = (
        "an admin made you available again."
        if available
        else "you have not been answering mentorship requests."
    )
    declined: list[MentorshipRequest] = []
    events: list[RequestEvent] = []
    async with in_transaction() as conn:
        # The mentor's row first (lock order: users, then requests).
        await change_availability(
            mentor_id, available=available, actor=admin, reason=reason, connection=conn
        )
        if decline_open_requests:
            declined, events = await lifecycle.decline_open_requests(
                conn,
                mentor_id,
                reason=DeclineReason.MENTOR_INACTIVE,
                note="The mentor was set unavailable by an admin.",
            )
        await audit.record(
            conn,
            admin,
            AuditAction.SET_MENTOR_AVAILABILITY,
            reason=("available" if available else "unavailable")
            + (f", {len(declined)} open request(s) declined" if declined else ""),
            target_user_id=mentor_id,
        )
    committed(events)
    if declined:
        await refresh_scores([mentor_id])
    await mentor.refresh_from_db()
    return mentor, declined
