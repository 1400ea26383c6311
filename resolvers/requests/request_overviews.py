"""A user's requests, counts per status and active mentorships: for the user and admins only."""

from __future__ import annotations

from collections.abc import Sequence

from mentorgraph.models.accounts.users import User
from mentorgraph.models.privacy import is_self_or_admin
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.pagination import Page, Slice, decode_cursor, encode_cursor
from mentorgraph.resolvers.requests.request_loaders import PageKey, Side

__all__ = ["active_partners", "request_page", "status_counts"]


async def request_page(
    ctx: Context,
    user: User,
    side: Side,
    *,
    statuses: Sequence[RequestStatus] | None,
    page: Slice,
    with_users: Sequence[Side] = (),
) -> Page[MentorshipRequest] | None:
    """The user's sent (`mentee_id`) or received (`mentor_id`) requests, newest first.

    `with_users`: the sides whose users the caller will read on each item; the page's batch
    loads them too (see `Loaders._request_pages`).
    """
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    id_below = _cursor_id(page.after, "after")
    id_above = _cursor_id(page.before, "before")
    wanted = tuple(dict.fromkeys(RequestStatus(s) for s in statuses or ()))
    # One more than asked tells whether more lie beyond; batched across users.
    key = PageKey(
        side, wanted, page.size + 1, id_below, id_above, page.backward, user.id, tuple(with_users)
    )
    rows = await ctx.loaders.request_pages.load(key)
    items, cursors, more = page.page(rows, [encode_cursor([row.id]) for row in rows])
    has_next, has_previous = page.flags(more)

    async def count() -> int:
        per_status = await status_counts(ctx, user, side) or {}
        return sum(n for s, n in per_status.items() if not wanted or s in wanted)

    return Page(
        items=items,
        cursors=cursors,
        has_next_page=has_next,
        has_previous_page=has_previous,
        count=count,
    )


def _cursor_id(cursor: str | None, field: str) -> int | None:
    """The request id a cursor holds (any integer: compared, never stored)."""
    if not cursor:
        return None
    [request_id] = decode_cursor(cursor, 1, field)
    if not isinstance(request_id, int):
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field=field)
    return request_id


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
