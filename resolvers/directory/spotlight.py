"""`spotlightMentors`: public, anonymous included."""

from __future__ import annotations

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.spotlight import spotlight
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import check_range

__all__ = ["MAX_SPOTLIGHT", "spotlight_mentors"]

MAX_SPOTLIGHT = 20


async def spotlight_mentors(ctx: Context, first: int) -> list[User]:
    check_range("first", first, 1, MAX_SPOTLIGHT)
    mentors = await spotlight(first, ctx.viewer)
    for mentor in mentors:
        ctx.loaders.user.prime(mentor.id, mentor)
    return mentors
