"""`User.recommendedMentors`: for the user themself only."""

from __future__ import annotations

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.recommendation_data import recommend
from mentorgraph.models.directory.recommendations import Recommendation
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import check_range

__all__ = ["MAX_RECOMMENDATIONS", "recommended_mentors"]

MAX_RECOMMENDATIONS = 50


async def recommended_mentors(ctx: Context, user: User, first: int) -> list[Recommendation] | None:
    if ctx.viewer is None or ctx.viewer.id != user.id:
        return None
    check_range("first", first, 1, MAX_RECOMMENDATIONS)
    picks, mentors = await recommend(ctx.viewer, first)
    # The mentors were read to score them: serve their fields from the same rows.
    for pick in picks:
        ctx.loaders.user.prime(pick.mentor_id, mentors[pick.mentor_id])
    return picks
