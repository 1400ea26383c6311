"""`spotlightMentors`: public, anonymous included."""

from __future__ import annotations

from models.spotlight import spotlight
from models.users import User
from resolvers.context import Context
from resolvers.errors import BadUserInput

__all__ = ["MAX_SPOTLIGHT", "spotlight_mentors"]

MAX_SPOTLIGHT = 20


async def spotlight_mentors(ctx: Context, first: int) -> list[User]:
    if not 1 <= first <= MAX_SPOTLIGHT:
        raise BadUserInput(f"'first' must be between 1 and {MAX_SPOTLIGHT}.", field="first")
    mentors = await spotlight(first)
    for mentor in mentors:
        ctx.loaders.user.prime(mentor.id, mentor)
    return mentors
