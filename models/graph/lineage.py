"""The public side of the graph: safe to show anyone, because it names nobody.

- mentored count: distinct mentees a mentor has approved (APPROVED or COMPLETED edges);
- lineage size: distinct people mentored by the mentor's mentees, and by theirs, following
  mentor -> mentee edges two or three steps from the mentor; the mentor themself never counts
  (a cycle can lead back to them), a direct mentee counts only if another of the mentor's
  mentees also mentored them;
- was mentee here: whether the user ever held an APPROVED or COMPLETED request as a mentee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mentorgraph.models.graph.graph import EDGE_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.models.sql import column_values, enum_list, fetch, in_list

__all__ = [
    "LINEAGE_DEPTH",
    "Lineage",
    "lineage_of",
    "lineage_size_sql",
    "mentored_count_sql",
    "was_mentee_here_sql",
]

LINEAGE_DEPTH = 3


@dataclass(frozen=True)
class Lineage:
    mentored_count: int
    lineage_size: int
    was_mentee_here: bool


# Edges are requests in these statuses; closed enum values and a constant depth, so inlined (one
# text serves both SQL dialects and the fast read path's correlated form).
_EDGES = enum_list(EDGE_STATUSES)
_TABLE = MentorshipRequest._meta.db_table


def _walk(roots: str) -> str:
    """The descendants of the mentors that `roots` (a condition on the request `r`) picks.

    One walk for a whole batch of roots. A cycle back to the root stops there (the root's own
    mentees are not re-counted as mentored by a mentee); UNION drops repeats, the depth ends it.
    On PostgreSQL each step reads `idx_mentorship_edges` (migration 0006) alone; keep the status
    list and the columns it reads in step with it.
    """
    return f"""
WITH RECURSIVE walk(root_id, user_id, depth) AS (
    SELECT r.mentor_id, r.mentee_id, 1 FROM {_TABLE} r
    WHERE {roots} AND r.status IN ({_EDGES})
    UNION
    SELECT w.root_id, r.mentee_id, w.depth + 1
    FROM walk w JOIN {_TABLE} r ON r.mentor_id = w.user_id
    WHERE w.depth < {LINEAGE_DEPTH} AND r.status IN ({_EDGES}) AND r.mentee_id <> w.root_id
)"""


_DESCENDANTS = (
    _walk("r.mentor_id IN ({roots})")
    + """
SELECT root_id,
       COUNT(DISTINCT CASE WHEN depth = 1 THEN user_id END) AS mentored,
       COUNT(DISTINCT CASE WHEN depth > 1 THEN user_id END) AS lineage
FROM walk GROUP BY root_id
"""
)


def mentored_count_sql(user_id_sql: str) -> str:
    """`Lineage.mentored_count` of one user, in PostgreSQL (the fast read path)."""
    return (
        f"(SELECT count(DISTINCT mentee_id) FROM {_TABLE}"
        f" WHERE mentor_id = {user_id_sql} AND status IN ({_EDGES}))"
    )


def lineage_size_sql(user_id_sql: str) -> str:
    """`Lineage.lineage_size` of one user, in PostgreSQL (the fast read path)."""
    walk = _walk(f"r.mentor_id = {user_id_sql}")
    return f"({walk} SELECT count(DISTINCT user_id) FROM walk WHERE depth > 1)"


def was_mentee_here_sql(user_id_sql: str) -> str:
    """`Lineage.was_mentee_here` of one user, in PostgreSQL (the fast read path)."""
    return (
        f"EXISTS (SELECT 1 FROM {_TABLE} WHERE mentee_id = {user_id_sql} AND status IN ({_EDGES}))"
    )


async def lineage_of(user_ids: Sequence[int]) -> list[Lineage]:
    """The aggregates of each user, in the order given: two statements for any number."""
    ids = list(user_ids)
    sql = _DESCENDANTS.format(roots=in_list(ids))
    rows = await fetch(sql, ids)
    counts = {int(r["root_id"]): (int(r["mentored"]), int(r["lineage"])) for r in rows}
    mentees = column_values(
        await MentorshipRequest.filter(mentee_id__in=ids, status__in=EDGE_STATUSES)
        .distinct()
        .values_list("mentee_id", flat=True),
        int,
    )
    return [
        Lineage(
            mentored_count=counts.get(i, (0, 0))[0],
            lineage_size=counts.get(i, (0, 0))[1],
            was_mentee_here=i in mentees,
        )
        for i in ids
    ]
