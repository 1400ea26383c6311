"""The audit trail of the test world's requests: the events each one's status implies.

`request_row` writes requests without events; here each gets its history as the lifecycle would
have written it (created by the mentee, viewed and answered by the mentor, declined by the system
for inactivity, cancelled by the mentee, expired by the system, completed by either side), at the
request's own times, with notes in the awkward text the rest of the world uses.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from mentorgraph.models.requests.requests import (
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)

__all__ = ["write_histories"]

NOTES = [None, None, "Thank you! 🎉", 'Found help "elsewhere"\nsorry', "C:\\notes\\ok", "\t"]
S = RequestStatus


def _events(request: MentorshipRequest, rng: random.Random) -> list[RequestEvent]:
    mentor, mentee = request.mentor_id, request.mentee_id
    steps: list[tuple[RequestStatus | None, RequestStatus, int | None, datetime, str | None]] = [
        (None, S.NEW, mentee, request.created_at, None)
    ]
    if request.viewed_at is not None:
        steps.append((S.NEW, S.VIEWED, mentor, request.viewed_at, None))
    last = steps[-1][1]
    answered = request.responded_at or request.created_at + timedelta(days=1)
    status = request.status
    if status in (S.APPROVED, S.COMPLETED):
        steps.append((last, S.APPROVED, mentor, answered, request.response_message))
        if status is S.COMPLETED:
            closer = rng.choice([mentor, mentee])
            steps.append((S.APPROVED, S.COMPLETED, closer, answered + timedelta(days=30), None))
    elif status is S.DECLINED:
        system = request.decline_reason is DeclineReason.MENTOR_INACTIVE
        actor = None if system else mentor
        steps.append((last, S.DECLINED, actor, answered, request.response_message))
    elif status is S.CANCELLED:
        steps.append((last, S.CANCELLED, mentee, request.created_at + timedelta(hours=7), None))
    elif status is S.EXPIRED:
        steps.append((last, S.EXPIRED, None, request.created_at + timedelta(days=14), None))
    return [
        RequestEvent(
            request_id=request.id,
            from_status=before,
            to_status=after,
            actor_id=actor,
            occurred_at=at,
            note=note if note is not None else rng.choice(NOTES),
        )
        for before, after, actor, at, note in steps
    ]


async def write_histories(request_ids: list[int], rng: random.Random) -> None:
    requests = await MentorshipRequest.filter(id__in=request_ids).order_by("id")
    await RequestEvent.bulk_create([e for r in requests for e in _events(r, rng)])
