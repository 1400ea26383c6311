"""`mentorshipGraph(rootId, depth, first)` and `spotlightMentors(first)`."""

from __future__ import annotations

import strawberry

from resolvers import graph, spotlight
from schema.context import Info
from schema.types.graph import MentorshipGraph
from schema.types.user import User

__all__ = ["GraphQuery"]


@strawberry.type
class GraphQuery:
    @strawberry.field(
        description="People within `depth` (1-3) steps of `rootId` through mentorships, in"
        " either direction, at most `first` (1-100) of them, and the mentorships between"
        " them: only those the viewer may see. Null when there is no such user."
    )
    async def mentorship_graph(
        self,
        info: Info,
        root_id: strawberry.ID,
        depth: int = 1,
        first: int = graph.DEFAULT_GRAPH_SIZE,
    ) -> MentorshipGraph | None:
        found = await graph.mentorship_graph(info.context, root_id, depth, first)
        return MentorshipGraph(_graph=found) if found is not None else None

    @strawberry.field(
        description="Mentors who answer reliably, completed mentorships, rate well (4+) and"
        " were active in the last 30 days: this week's choice of them (1-20), rotating weekly."
    )
    async def spotlight_mentors(self, info: Info, first: int = 3) -> list[User]:
        return await spotlight.spotlight_mentors(info.context, first)  # type: ignore[return-value]
