"""The mentorship graph's fields of `User` (mixed into `User`, to keep the feature together)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.accounts.users import User as UserModel
from mentorgraph.resolvers.directory import recommendations
from mentorgraph.resolvers.directory.recommendations import MAX_RECOMMENDATIONS
from mentorgraph.resolvers.graph import graph
from mentorgraph.resolvers.pagination import Slice
from mentorgraph.resolvers.requests import feedback
from mentorgraph.schema.context import Info
from mentorgraph.schema.directory.recommendation_types import MentorRecommendation
from mentorgraph.schema.graph.graph_types import Mentorship, MentorshipRole, MentorshipStatus
from mentorgraph.schema.pagination import After, Before, Connection, First, Last, connection
from mentorgraph.schema.requests.feedback_types import Rating
from mentorgraph.schema.resolver_fields import field_resolver

__all__ = ["UserGraphFields"]


@strawberry.type
class UserGraphFields:
    @field_resolver(
        description="This user's mentorships as mentor or mentee (either when `role` is not"
        " given), newest first. Holds only those the viewer may see: all for the user and"
        " admins, the ones shared with the viewer for anyone else."
    )
    async def mentorships(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        role: Annotated[
            MentorshipRole | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only as mentor, or only as mentee (default both)."),
        ] = None,
        status: Annotated[
            list[MentorshipStatus] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only mentorships in these statuses (default all)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Mentorship]:
        page = await graph.mentorships(
            info.context,
            root,
            role=role,
            statuses=status,
            page=Slice.of(first, after, last, before),
        )
        return connection(page)

    @field_resolver(description="Distinct mentees this mentor has taken on (public).")
    async def mentored_count(self, root: strawberry.Parent[UserModel], info: Info) -> int | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.mentored_count if lineage else None

    @field_resolver(
        description="Distinct people mentored by this mentor's former mentees, and by theirs"
        " (three steps), the mentor excluded (public)."
    )
    async def lineage_size(self, root: strawberry.Parent[UserModel], info: Info) -> int | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.lineage_size if lineage else None

    @field_resolver(description="Whether this mentor was once a mentee here (public).")
    async def was_mentee_here(self, root: strawberry.Parent[UserModel], info: Info) -> bool | None:
        lineage = await graph.lineage_of(info.context, root)
        return lineage.was_mentee_here if lineage else None

    @field_resolver(description="A mentor's rating by their mentees (public); null otherwise.")
    async def rating(self, root: strawberry.Parent[UserModel], info: Info) -> Rating | None:
        return await feedback.rating_of(info.context, root)  # type: ignore[return-value]

    @field_resolver(
        description="Available mentors with room, best first, each with why (at most `first`,"
        f" 1-{MAX_RECOMMENDATIONS}); mentors you already have an open or active request with"
        " are left out."
        " The user themself only; null for everyone else."
    )
    async def recommended_mentors(
        self,
        root: strawberry.Parent[UserModel],
        info: Info,
        first: Annotated[
            int, strawberry.argument(description=f"How many, 1-{MAX_RECOMMENDATIONS}.")
        ] = 10,
    ) -> list[MentorRecommendation] | None:
        picks = await recommendations.recommended_mentors(info.context, root, first)
        return picks  # type: ignore[return-value]
