"""A user's requests, counts per status and active mentorships: for the user and admins only."""

from __future__ import annotations

from collections.abc import Sequence

from models.privacy import is_self_or_admin
from models.requests import MentorshipRequest, RequestStatus
from models.users import User
from resolvers.context import Context
from resolvers.errors import BadUserInput
from resolvers.pagination import Page, check_first, decode_cursor, encode_cursor
from resolvers.request_loaders import PageKey, Side

__all__ = ["active_partners", "request_page", "status_counts"]


async def request_page(
    ctx: Context,
    user: User,
    side: Side,
    *,
    statuses: Sequence[RequestStatus] | None,
    first: int | None,
    after: str | None,
    with_users: Sequence[Side] = (),
) -> Page[MentorshipRequest] | None:
    """The user's sent (`mentee_id`) or received (`mentor_id`) requests, newest first.

    `with_users`: the sides whose users the caller will read on each item; the page's batch
    loads them too (see `Loaders._request_pages`).
    """
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    size = check_first(first)
    before_id = None
    if after:
        [before_id] = decode_cursor(after, 1)
        if not isinstance(before_id, int):
            raise BadUserInput(f"'{after}' is not a valid cursor for this list.", field="after")
    wanted = tuple(dict.fromkeys(RequestStatus(s) for s in statuses or ()))
    # One more than asked tells whether there is a next page; batched across users.
    key = PageKey(side, wanted, size + 1, before_id, user.id, tuple(with_users))
    rows = await ctx.loaders.request_pages.load(key)
    items = rows[:size]

    async def count() -> int:
        per_status = await status_counts(ctx, user, side) or {}
        return sum(n for s, n in per_status.items() if not wanted or s in wanted)

    return Page(
        items=items,
        cursors=[encode_cursor([item.id]) for item in items],
        has_next_page=len(rows) > size,
        count=count,
    )


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
