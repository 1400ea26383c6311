"""Other mentors to suggest to a mentee whose request went unanswered."""

from __future__ import annotations

from collections import Counter
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient

from models.request_guards import PAIR_BLOCKING_STATUSES
from models.requests import MentorshipRequest, RequestStatus
from models.users import User, UserTag

__all__ = ["suggest_mentors"]

# How many candidates sharing a tag to look at before checking their capacity.
_CANDIDATES = 50


async def suggest_mentors(
    conn: BaseDBAsyncClient, mentee: User, *, excluding: int, limit: int = 3
) -> list[User]:
    """Up to `limit` available mentors with room who share the mentee's tags, not `excluding`.

    Most shared tags first, then the better responders, then the newest. Mentors the mentee
    already waits on or works with are left out: they cannot be asked again.
    """
    tags = await UserTag.filter(user_id=mentee.id).using_db(conn).values_list("tag", flat=True)
    if not tags:
        return []
    busy_with = set(
        await MentorshipRequest.filter(mentee_id=mentee.id, status__in=PAIR_BLOCKING_STATUSES)
        .using_db(conn)
        .values_list("mentor_id", flat=True)
    )
    sharing = await (
        UserTag.filter(tag__in=list(tags))
        .exclude(user_id__in=[mentee.id, excluding, *busy_with])
        .using_db(conn)
        .values_list("user_id", flat=True)
    )
    shared = Counter(cast("list[int]", sharing))
    if not shared:
        return []
    mentors = await User.filter(id__in=list(shared), is_mentor=True, available=True).using_db(conn)
    mentors.sort(key=lambda m: (-shared[m.id], -m.response_score, -m.id))
    mentors = mentors[:_CANDIDATES]
    approved = await (
        MentorshipRequest.filter(
            mentor_id__in=[m.id for m in mentors], status=RequestStatus.APPROVED
        )
        .using_db(conn)
        .values_list("mentor_id", flat=True)
    )
    active = Counter(cast("list[int]", approved))
    return [m for m in mentors if active[m.id] < m.capacity][:limit]
