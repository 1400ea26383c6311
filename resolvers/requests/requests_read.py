"""Reading mentorship requests and their events, for those allowed to see them."""

from __future__ import annotations

from collections.abc import Awaitable

from mentorgraph.models.accounts.users import User
from mentorgraph.models.privacy import can_see_request
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.pagination import encode_cursor
from mentorgraph.resolvers.ready import now_or_later

__all__ = [
    "event_cursor",
    "history_of",
    "thread_of",
    "user_now",
    "user_of",
    "visible_event",
    "visible_request",
]


async def visible_request(ctx: Context, request_id: int) -> MentorshipRequest | None:
    request = await ctx.loaders.request.load(request_id)
    return request if request is not None and can_see_request(ctx.viewer, request) else None


async def visible_event(ctx: Context, event_id: int) -> RequestEvent | None:
    event = await ctx.loaders.event.load(event_id)
    if event is None or await visible_request(ctx, event.request_id) is None:
        return None
    return event


async def history_of(ctx: Context, request: MentorshipRequest) -> list[RequestEvent]:
    return await ctx.loaders.history.load(request.id)


async def thread_of(ctx: Context, request: MentorshipRequest) -> list[RequestEvent]:
    """Reached through the request, so only its mentor, its mentee and admins get here."""
    return await ctx.loaders.thread.load(request.id)


async def user_of(ctx: Context, user_id: int | None) -> User | None:
    return await ctx.loaders.user.load(user_id) if user_id is not None else None


def user_now(ctx: Context, user_id: int) -> User | Awaitable[User | None] | None:
    """The user at once if this request already loaded them (see `mentorgraph.resolvers.ready`)."""
    return now_or_later(ctx.loaders.user, user_id)


def event_cursor(event: RequestEvent) -> str:
    """Opaque, ordered: resume a subscription `after` it (same format as connection cursors)."""
    return encode_cursor([event.id])
