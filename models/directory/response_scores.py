"""`users.response_score`: the response rate as a sortable column, for `orderBy: RESPONSIVENESS`.

Why a column and not a computed sort: the directory pages with keyset cursors, which need a
stored, indexed key (`(is_mentor, available, response_score, id)`); computing the rate per
request over every mentor would be a full aggregate per page. The rate itself is the one of
`models/directory/responsiveness.py`, in basis points; -1 (sorted last) while a mentor has no
settled request in the window. It changes when a request is answered or expires (refreshed right
after that commit, outside its transaction, so the mentor's row is never locked after a request row)
and when old requests leave the window (the sweep refreshes every mentor).
"""

from __future__ import annotations

from collections.abc import Sequence

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.responsiveness import responsiveness_of

__all__ = ["UNKNOWN", "refresh_scores", "score_of"]

UNKNOWN = -1


def score_of(rate: float | None) -> int:
    return UNKNOWN if rate is None else round(rate * 10_000)


async def refresh_scores(mentor_ids: Sequence[int] | None = None) -> int:
    """Recompute the scores of these mentors (all mentors if None); returns how many changed."""
    if mentor_ids is None:
        rows = await User.filter(is_mentor=True).values_list("id", "response_score")
    else:
        rows = await User.filter(id__in=list(mentor_ids)).values_list("id", "response_score")
    current = {int(row[0]): int(row[1]) for row in rows}
    ids = list(current)
    changed = 0
    for mentor_id, summary in zip(ids, await responsiveness_of(ids), strict=True):
        score = score_of(summary.response_rate)
        if score != current[mentor_id]:
            # A plain UPDATE of one column: `updated_at` stays the profile's own change time.
            await User.filter(id=mentor_id).update(response_score=score)
            changed += 1
    return changed
