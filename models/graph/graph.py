"""The mentorship graph: every APPROVED or COMPLETED request is an edge mentor -> mentee.

An edge is the request row itself (`since` = when the mentor approved, `until` = when it was
completed). Who may see an edge is who may see its request: its mentor, its mentee and admins.
`neighbourhood` walks the graph in the database with a recursive query, in both directions,
over the edges the viewer may see only; so for anyone but an admin it never leaves the edges
they are part of, and a stranger gets the root alone. The public side of the graph is the
aggregates of `mentorgraph.models.graph.lineage`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from mentorgraph.models.accounts.users import User
from mentorgraph.models.policies import REQUEST
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import fetch

__all__ = [
    "EDGE_STATUS",
    "EDGE_STATUSES",
    "MAX_DEPTH",
    "MAX_EDGES",
    "MentorshipRole",
    "MentorshipStatus",
    "Neighbourhood",
    "edge_since",
    "edge_until",
    "mentorships_of",
    "neighbourhood",
    "visible_edges",
]

EDGE_STATUSES = (RequestStatus.APPROVED, RequestStatus.COMPLETED)
MAX_DEPTH = 3
# A drawing of at most 100 people; pairs that met several times keep every edge, up to this.
MAX_EDGES = 1000


class MentorshipRole(StrEnum):
    MENTOR = "MENTOR"
    MENTEE = "MENTEE"


class MentorshipStatus(StrEnum):
    ACTIVE = "ACTIVE"  # the request is APPROVED
    COMPLETED = "COMPLETED"


EDGE_STATUS = {
    MentorshipStatus.ACTIVE: RequestStatus.APPROVED,
    MentorshipStatus.COMPLETED: RequestStatus.COMPLETED,
}


def edge_since(edge: MentorshipRequest) -> datetime | None:
    return edge.responded_at


def edge_until(edge: MentorshipRequest) -> datetime | None:
    # COMPLETED is terminal: nothing changes the row after it, so its last update is the end.
    return edge.updated_at if edge.status == RequestStatus.COMPLETED else None


def visible_edges(viewer: User | None) -> Q:
    """The edges `viewer` may see: the `REQUEST` policy of `mentorgraph.models.policies`, as a
    filter."""
    return Q(status__in=EDGE_STATUSES) & REQUEST.filter(viewer)


def mentorships_of(
    viewer: User | None,
    user_id: int,
    *,
    role: MentorshipRole | None = None,
    statuses: Sequence[MentorshipStatus] = (),
) -> QuerySet[MentorshipRequest]:
    """`user_id`'s edges as mentor, mentee or either (every status unless `statuses` are given),
    of those `viewer` may see."""
    side = {
        MentorshipRole.MENTOR: Q(mentor_id=user_id),
        MentorshipRole.MENTEE: Q(mentee_id=user_id),
        None: Q(mentor_id=user_id) | Q(mentee_id=user_id),
    }[role]
    wanted = [EDGE_STATUS[s] for s in statuses] or list(EDGE_STATUSES)
    return MentorshipRequest.filter(side & visible_edges(viewer) & Q(status__in=wanted))


@dataclass(frozen=True)
class Neighbourhood:
    # (user id, steps from the root), nearest first then by id; the root comes first.
    nodes: list[tuple[int, int]]
    edges: list[MentorshipRequest]
    truncated: bool  # more people were within reach than `first`


# UNION (not UNION ALL) drops repeated (user, depth) rows, so a cycle (a mentee who later
# mentors their mentor) cannot grow the walk; the depth bound ends it.
_WALK = """
WITH RECURSIVE walk(user_id, depth) AS (
    SELECT CAST(? AS INTEGER), 0
    UNION
    SELECT CASE WHEN r.mentor_id = w.user_id THEN r.mentee_id ELSE r.mentor_id END,
           w.depth + 1
    FROM walk w
    JOIN mentorship_requests r ON (r.mentor_id = w.user_id OR r.mentee_id = w.user_id)
    WHERE w.depth < ? AND r.status IN (?, ?) {restriction}
)
SELECT user_id, MIN(depth) AS depth FROM walk
GROUP BY user_id ORDER BY MIN(depth), user_id LIMIT ?
"""


async def neighbourhood(
    viewer: User | None, root_id: int, *, depth: int, first: int
) -> Neighbourhood:
    """People within `depth` steps of `root_id` (either direction) over the edges `viewer` may
    see, at most `first` of them, and the visible edges between them. Two statements."""
    values: list[object] = [root_id, depth, *EDGE_STATUSES]
    restriction = ""
    if viewer is None or not viewer.is_admin:
        restriction = "AND (r.mentor_id = ? OR r.mentee_id = ?)"
        seen_by = viewer.id if viewer is not None else 0
        values += [seen_by, seen_by]
    rows = await fetch(_WALK.format(restriction=restriction), [*values, first + 1])
    nodes = [(int(row["user_id"]), int(row["depth"])) for row in rows]
    truncated = len(nodes) > first
    nodes = nodes[:first]
    ids = [user_id for user_id, _ in nodes]
    edges: list[MentorshipRequest] = []
    if len(ids) > 1:
        edges = (
            await MentorshipRequest.filter(
                visible_edges(viewer), mentor_id__in=ids, mentee_id__in=ids
            )
            .order_by("id")
            .limit(MAX_EDGES)
        )
    return Neighbourhood(nodes=nodes, edges=edges, truncated=truncated)
