"""Who may see what of a user. Applied wherever a `User` is reached."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import Q

from models.requests import MentorshipRequest, RequestStatus
from models.sql import enum_list
from models.users import User

__all__ = [
    "REVEALING_STATUSES",
    "can_see_request",
    "can_see_request_sql",
    "contact_visible_sql",
    "contacts_revealed_to",
    "is_self_or_admin",
    "is_self_or_admin_sql",
]

# Once a mentor approved (and still after completion), the mentor and the mentee each see the
# other's contact (channels and email); before that, neither does.
REVEALING_STATUSES = (RequestStatus.APPROVED, RequestStatus.COMPLETED)


def is_self_or_admin(viewer: User | None, user_id: int) -> bool:
    """The user themself and admins see private fields (email, channels, request lists)."""
    return viewer is not None and (viewer.id == user_id or viewer.is_admin)


async def contacts_revealed_to(viewer_id: int, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those whose contact (channels, email) `viewer_id` may see as their
    partner: a request between the two, either way round, in `REVEALING_STATUSES`. One
    statement (each side of it served by the index on that side's id and status)."""
    wanted = list(user_ids)
    pairs = await MentorshipRequest.filter(
        Q(mentee_id=viewer_id, mentor_id__in=wanted) | Q(mentor_id=viewer_id, mentee_id__in=wanted),
        status__in=REVEALING_STATUSES,
    ).values_list("mentor_id", "mentee_id")
    return {mentee if mentor == viewer_id else mentor for mentor, mentee in pairs}


def can_see_request(viewer: User | None, request: MentorshipRequest) -> bool:
    """A request and its history: its mentor, its mentee and admins; nobody else."""
    return viewer is not None and (
        viewer.is_admin or viewer.id in (request.mentor_id, request.mentee_id)
    )


# The same rules as SQL predicates, for reads answered in PostgreSQL (`resolvers/fast_reads/`).
# `viewer` is the alias of the viewer's `users` row in the statement, None when anonymous: the
# statement reads the viewer's row (and whether they are an admin) in the same snapshot.


def is_self_or_admin_sql(viewer: str | None, user_id_sql: str) -> str:
    """`is_self_or_admin` for the user whose id is `user_id_sql`."""
    if viewer is None:
        return "false"
    return f"({viewer}.is_admin OR {user_id_sql} = {viewer}.id)"


def contact_visible_sql(viewer: str | None, user_alias: str) -> str:
    """Whether the viewer may see the channels and email of the `users` row `user_alias`: the
    user, admins, and their partners (`contacts_revealed_to`)."""
    if viewer is None:
        return "false"
    return (
        f"({is_self_or_admin_sql(viewer, f'{user_alias}.id')}"
        f" OR EXISTS (SELECT 1 FROM {MentorshipRequest._meta.db_table} revealing"
        f" WHERE ((revealing.mentee_id = {viewer}.id AND revealing.mentor_id = {user_alias}.id)"
        f" OR (revealing.mentor_id = {viewer}.id AND revealing.mentee_id = {user_alias}.id))"
        f" AND revealing.status IN ({enum_list(REVEALING_STATUSES)})))"
    )


def can_see_request_sql(viewer: str | None, request_alias: str) -> str:
    """`can_see_request` for the `mentorship_requests` row `request_alias`."""
    if viewer is None:
        return "false"
    return (
        f"({viewer}.is_admin OR {viewer}.id IN"
        f" ({request_alias}.mentor_id, {request_alias}.mentee_id))"
    )
