"""A user's requests, counts per status and active mentorships: for the user and admins only."""

from __future__ import annotations

from collections.abc import Sequence

from models.privacy import is_self_or_admin
from models.requests import MentorshipRequest, RequestStatus
from models.users import User
from resolvers.context import Context
from resolvers.pagination import Page, keyset_page
from resolvers.request_loaders import Side

__all__ = ["active_partners", "request_page", "status_counts"]

NEWEST_FIRST = [("id", True)]


async def request_page(
    ctx: Context,
    user: User,
    side: Side,
    *,
    statuses: Sequence[RequestStatus] | None,
    first: int | None,
    after: str | None,
) -> Page[MentorshipRequest] | None:
    """The user's sent (`mentee_id`) or received (`mentor_id`) requests, newest first."""
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    queryset = MentorshipRequest.filter(**{side: user.id})
    if statuses:
        queryset = queryset.filter(status__in=list(statuses))
    return await keyset_page(queryset, NEWEST_FIRST, first=first, after=after)


async def status_counts(ctx: Context, user: User, side: Side) -> dict[RequestStatus, int] | None:
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    loader = ctx.loaders.sent_counts if side == "mentee_id" else ctx.loaders.received_counts
    return await loader.load(user.id)


async def active_partners(ctx: Context, user: User, side: Side) -> list[User] | None:
    """The mentors (side `mentee_id`) or mentees (side `mentor_id`) of APPROVED requests."""
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    loader = ctx.loaders.active_mentors if side == "mentee_id" else ctx.loaders.active_mentees
    ids = await loader.load(user.id)
    return [u for u in await ctx.loaders.user.load_many(ids) if u is not None]
