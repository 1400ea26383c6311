"""`mentorshipGraph(rootId, depth, first)` and `spotlightMentors(first)`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.graph.graph import MAX_DEPTH
from mentorgraph.resolvers.directory import spotlight
from mentorgraph.resolvers.directory.spotlight import MAX_SPOTLIGHT
from mentorgraph.resolvers.graph import graph
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE
from mentorgraph.schema.accounts.user_types import User
from mentorgraph.schema.context import Info
from mentorgraph.schema.graph.graph_types import MentorshipGraph
from mentorgraph.schema.resolver_fields import field_resolver

__all__ = ["GraphQuery"]


@strawberry.type
class GraphQuery:
    @field_resolver(
        description=f"People within `depth` (1-{MAX_DEPTH}) steps of `rootId` through"
        f" mentorships, in either direction, at most `first` (1-{MAX_PAGE_SIZE}) of them, and"
        " the mentorships between"
        " them: only those the viewer may see. Null when there is no such user."
    )
    async def mentorship_graph(
        self,
        info: Info,
        root_id: Annotated[
            strawberry.ID, strawberry.argument(description="The user at the centre (a User id).")
        ],
        depth: Annotated[
            int, strawberry.argument(description=f"Steps from the root, 1-{MAX_DEPTH}.")
        ] = 1,
        first: Annotated[
            int, strawberry.argument(description=f"At most this many people, 1-{MAX_PAGE_SIZE}.")
        ] = graph.DEFAULT_GRAPH_SIZE,
    ) -> MentorshipGraph | None:
        found = await graph.mentorship_graph(info.context, root_id, depth, first)
        return MentorshipGraph(_graph=found) if found is not None else None

    @field_resolver(
        description="Mentors who answer reliably, completed mentorships, rate well (4+) and"
        " were active in the last 30 days: this week's choice of them, rotating weekly."
    )
    async def spotlight_mentors(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description=f"How many, 1-{MAX_SPOTLIGHT}.")] = 3,
    ) -> list[User]:
        return await spotlight.spotlight_mentors(info.context, first)  # type: ignore[return-value]
