"""`spotlightMentors`: public, anonymous included."""

from __future__ import annotations

from models.spotlight import spotlight
from models.users import User
from resolvers.context import Context
from resolvers.errors import check_range

__all__ = ["MAX_SPOTLIGHT", "spotlight_mentors"]

MAX_SPOTLIGHT = 20


async def spotlight_mentors(ctx: Context, first: int) -> list[User]:
    check_range("first", first, 1, MAX_SPOTLIGHT)
    mentors = await spotlight(first, ctx.viewer)
    for mentor in mentors:
        ctx.loaders.user.prime(mentor.id, mentor)
    return mentors
