"""Other mentors to suggest to a mentee whose request went unanswered (expired, or released
because the mentor went silent or took a break).

Only mentors the mentee can ask now: available, with room, not the mentor they asked, none they
already wait on or work with, none with a block between them (`models/safety/block_visibility.py`),
and none going quiet (`models/requests/silent_mentors.quiet_mentors`):
a suggestion must not send a mentee from one silent mentor to the next.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User, UserTag
from mentorgraph.models.directory.listing import offered_q
from mentorgraph.models.directory.responsiveness import RESPONSIVE_RATE
from mentorgraph.models.requests.request_guards import PAIR_BLOCKING_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.requests.silent_mentors import quiet_mentors
from mentorgraph.models.safety.block_visibility import blocked_either_way

__all__ = ["RESPONSIVE_SCORE", "suggest_mentors"]

# How many candidates to look at before checking their room and quiet.
_CANDIDATES = 50
# The fallback's "responsive": a known response rate at least this (basis points).
RESPONSIVE_SCORE = round(RESPONSIVE_RATE * 10_000)


async def suggest_mentors(
    conn: BaseDBAsyncClient, mentee: User, *, excluding: int, limit: int = 3
) -> list[User]:
    """Up to `limit` mentors the mentee can ask now, not `excluding`.

    First those sharing the mentee's tags (or, for a mentee without tags, the tags of the mentor
    `excluding`, whom they asked): most shared tags first, then the better responders, then
    the newest. Then, to fill up, responsive mentors with room, best responders first.
    """
    busy_with = await (
        MentorshipRequest.filter(mentee_id=mentee.id, status__in=PAIR_BLOCKING_STATUSES)
        .using_db(conn)
        .values_list("mentor_id", flat=True)
    )
    skip = {mentee.id, excluding, *cast("list[int]", busy_with)}
    skip |= await blocked_either_way(conn, mentee.id)
    tags = await UserTag.filter(user_id=mentee.id).using_db(conn).values_list("tag", flat=True)
    if not tags:
        tags = await UserTag.filter(user_id=excluding).using_db(conn).values_list("tag", flat=True)
    chosen: list[User] = []
    if tags:
        sharing = await (
            UserTag.filter(tag__in=list(tags))
            .exclude(user_id__in=list(skip))
            .using_db(conn)
            .values_list("user_id", flat=True)
        )
        shared = Counter(cast("list[int]", sharing))
        mentors = await User.filter(offered_q(), id__in=list(shared)).using_db(conn)
        mentors.sort(key=lambda m: (-shared[m.id], -m.response_score, -m.id))
        chosen = await _askable(conn, mentors[:_CANDIDATES], limit)
    if len(chosen) < limit:
        responsive = (
            await User.filter(offered_q(), response_score__gte=RESPONSIVE_SCORE)
            .exclude(id__in=[*skip, *(m.id for m in chosen)])
            .using_db(conn)
            .order_by("-response_score", "-id")
            .limit(_CANDIDATES)
        )
        chosen += await _askable(conn, responsive, limit - len(chosen))
    return chosen


async def _askable(conn: BaseDBAsyncClient, mentors: Sequence[User], limit: int) -> list[User]:
    """The first `limit` of these (available) mentors with room who are not going quiet."""
    if not mentors or limit <= 0:
        return []
    ids = [m.id for m in mentors]
    approved = await (
        MentorshipRequest.filter(mentor_id__in=ids, status=RequestStatus.APPROVED)
        .using_db(conn)
        .values_list("mentor_id", flat=True)
    )
    active = Counter(cast("list[int]", approved))
    quiet = await quiet_mentors(conn, ids, clock.now())
    return [m for m in mentors if active[m.id] < m.capacity and m.id not in quiet][:limit]
