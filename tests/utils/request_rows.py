"""Mentorship requests written straight as rows, for read-side tests that need a given history
(timestamps in the past, any status) without walking the lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import clock
from models.requests import DeclineReason, MentorshipRequest, RequestStatus
from models.users import User

TEXT = "A message that is long enough to pass the thirty character rule."


async def request_row(
    mentor: User,
    mentee: User,
    status: RequestStatus,
    *,
    age: timedelta = timedelta(days=1),
    answered_after: timedelta | None = None,
    viewed_after: timedelta | None = None,
    decline_reason: DeclineReason | None = None,
) -> MentorshipRequest:
    created: datetime = clock.now() - age
    return await MentorshipRequest.create(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=status,
        message=TEXT,
        background=TEXT,
        expectation=TEXT,
        decline_reason=decline_reason,
        created_at=created,
        updated_at=created,
        viewed_at=created + viewed_after if viewed_after else None,
        responded_at=created + answered_after if answered_after else None,
    )
