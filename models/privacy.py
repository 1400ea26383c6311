"""Who may see what of a user. Applied wherever a `User` is reached."""

from __future__ import annotations

from collections.abc import Iterable

from models.requests import MentorshipRequest, RequestStatus
from models.users import User

__all__ = ["REVEALING_STATUSES", "can_see_request", "is_self_or_admin", "mentors_revealed_to"]

# A mentee sees a mentor's channels once the mentor approved (and still after completion).
REVEALING_STATUSES = (RequestStatus.APPROVED, RequestStatus.COMPLETED)


def is_self_or_admin(viewer: User | None, user_id: int) -> bool:
    """The user themself and admins see private fields (email, channels, request lists)."""
    return viewer is not None and (viewer.id == user_id or viewer.is_admin)


async def mentors_revealed_to(mentee_id: int, mentor_ids: Iterable[int]) -> set[int]:
    """Of `mentor_ids`, those whose channels `mentee_id` may see."""
    rows = await MentorshipRequest.filter(
        mentee_id=mentee_id, mentor_id__in=list(mentor_ids), status__in=REVEALING_STATUSES
    ).values_list("mentor_id", flat=True)
    return set(rows)  # type: ignore[arg-type]


def can_see_request(viewer: User | None, request: MentorshipRequest) -> bool:
    """A request and its history: its mentor, its mentee and admins; nobody else."""
    return viewer is not None and (
        viewer.is_admin or viewer.id in (request.mentor_id, request.mentee_id)
    )
