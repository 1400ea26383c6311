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

from models.graph import EDGE_STATUSES
from models.requests import MentorshipRequest
from models.sql import fetch, in_list

__all__ = ["LINEAGE_DEPTH", "Lineage", "lineage_of"]

LINEAGE_DEPTH = 3


@dataclass(frozen=True)
class Lineage:
    mentored_count: int
    lineage_size: int
    was_mentee_here: bool


# One walk for a whole batch of roots. A cycle back to the root stops there (the root's own
# mentees are not re-counted as mentored by a mentee); UNION drops repeats, the depth ends it.
# On PostgreSQL each step reads `idx_mentorship_edges` (migration 0006) alone; keep the status
# list and the columns it reads in step with it.
_DESCENDANTS = """
WITH RECURSIVE walk(root_id, user_id, depth) AS (
    SELECT r.mentor_id, r.mentee_id, 1 FROM mentorship_requests r
    WHERE r.mentor_id IN ({roots}) AND r.status IN (?, ?)
    UNION
    SELECT w.root_id, r.mentee_id, w.depth + 1
    FROM walk w JOIN mentorship_requests r ON r.mentor_id = w.user_id
    WHERE w.depth < ? AND r.status IN (?, ?) AND r.mentee_id <> w.root_id
)
SELECT root_id,
       COUNT(DISTINCT CASE WHEN depth = 1 THEN user_id END) AS mentored,
       COUNT(DISTINCT CASE WHEN depth > 1 THEN user_id END) AS lineage
FROM walk GROUP BY root_id
"""


async def lineage_of(user_ids: Sequence[int]) -> list[Lineage]:
    """The aggregates of each user, in the order given: two statements for any number."""
    ids = list(user_ids)
    sql = _DESCENDANTS.format(roots=in_list(ids))
    rows = await fetch(sql, [*ids, *EDGE_STATUSES, LINEAGE_DEPTH, *EDGE_STATUSES])
    counts = {int(r["root_id"]): (int(r["mentored"]), int(r["lineage"])) for r in rows}
    mentees = set(
        await MentorshipRequest.filter(mentee_id__in=ids, status__in=EDGE_STATUSES)
        .distinct()
        .values_list("mentee_id", flat=True)
    )
    return [
        Lineage(
            mentored_count=counts.get(i, (0, 0))[0],
            lineage_size=counts.get(i, (0, 0))[1],
            was_mentee_here=i in mentees,
        )
        for i in ids
    ]
