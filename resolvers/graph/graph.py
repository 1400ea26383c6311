"""The mentorship graph: a user's mentorships, the graph around someone, the public aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mentorgraph.models.accounts.users import User
from mentorgraph.models.graph import graph
from mentorgraph.models.graph.graph import MentorshipRole, MentorshipStatus
from mentorgraph.models.graph.lineage import Lineage
from mentorgraph.models.policies import MENTOR_PUBLIC, sees_mentee_load
from mentorgraph.models.requests.request_guards import others_open_and_active
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import check_range
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE, NEWEST_FIRST, Page, Slice, keyset_page

__all__ = [
    "DEFAULT_GRAPH_SIZE",
    "Graph",
    "lineage_of",
    "mentee_load",
    "mentorship_graph",
    "mentorships",
]

DEFAULT_GRAPH_SIZE = 50


@dataclass(frozen=True)
class Graph:
    root: User
    nodes: list[User]
    edges: list[MentorshipRequest]
    truncated: bool


async def mentorships(
    ctx: Context,
    user: User,
    *,
    role: MentorshipRole | None,
    statuses: Sequence[MentorshipStatus] | None,
    page: Slice,
) -> Page[MentorshipRequest]:
    """Newest first; only the edges the viewer may see (all of them for the user and admins)."""
    queryset = graph.mentorships_of(ctx.viewer, user.id, role=role, statuses=statuses or ())
    return await keyset_page(queryset, NEWEST_FIRST, page)


async def mentorship_graph(ctx: Context, root_id: str, depth: int, first: int) -> Graph | None:
    root_pk = decode_id_of("User", root_id, "rootId")
    check_range("depth", depth, 1, graph.MAX_DEPTH)
    check_range("first", first, 1, MAX_PAGE_SIZE)
    root = await ctx.loaders.user.load(root_pk)
    if root is None:
        return None
    found = await graph.neighbourhood(ctx.viewer, root_pk, depth=depth, first=first)
    users = await ctx.loaders.user.load_many([user_id for user_id, _ in found.nodes])
    return Graph(
        root=root,
        nodes=[u for u in users if u is not None],
        edges=found.edges,
        truncated=found.truncated,
    )


async def lineage_of(ctx: Context, user: User) -> Lineage | None:
    """Public for mentors; null for members who never became one."""
    return (
        await ctx.loaders.lineage.load(user.id) if MENTOR_PUBLIC.python(ctx.viewer, user) else None
    )


async def mentee_load(ctx: Context, request: MentorshipRequest) -> tuple[int, int] | None:
    """(other open requests, other active mentorships) of the request's mentee, for the
    request's mentor only: what they weigh before approving. Null for everyone else."""
    if not sees_mentee_load(ctx.viewer, request):
        return None
    counts = await ctx.loaders.sent_counts.load(request.mentee_id)
    return others_open_and_active(counts, request.status)
