"""`mentorshipGraph(rootId, depth, first)`: the network around a user."""

from __future__ import annotations

import strawberry

from resolvers import graph
from schema.context import Info
from schema.types.graph import MentorshipGraph

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
