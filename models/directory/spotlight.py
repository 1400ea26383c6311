"""Spotlight: a few mentors worth meeting, the same all week, different the next.

Who qualifies: an available mentor with room for a mentee, at least one COMPLETED mentorship,
an average rating by their mentees of at least 4 (rated at least once), a response rate of at
least 80% over the responsiveness window, a view or answer of a request in the last 30 days,
and not going quiet (`models/requests/silent_mentors.quiet_mentors`): a mentee cannot ask a
mentor who is away or full, and should not ask one who has stopped answering.
Who is shown: the qualifying mentors in an order shuffled by the ISO week of `clock.now()`,
so the choice holds for a week and then rotates instead of always crowning the same few.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import connections

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.listing import offered_q, offered_sql
from mentorgraph.models.directory.responsiveness import (
    RESPONSIVE_RATE,
    Responsiveness,
    responsiveness_of,
)
from mentorgraph.models.requests.feedback import AuthorRole
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.requests.silent_mentors import quiet_mentors
from mentorgraph.models.safety.block_visibility import block_between_sql
from mentorgraph.models.sql import fetch

__all__ = [
    "MIN_RESPONSE_RATE",
    "RECENT",
    "WeekShuffle",
    "is_worthy",
    "spotlight",
    "unblocked_sql",
    "week_shuffle",
]

MIN_RESPONSE_RATE = RESPONSIVE_RATE
RECENT = timedelta(days=30)
# A prime above any user id we expect: `(id * a + b) % P` is a different order for each (a, b).
_P = 2_147_483_659
# How many qualifying candidates are read per spotlight asked (the rest fail the live checks).
_POOL_FACTOR = 10

_CANDIDATES = """
SELECT r.mentor_id AS id FROM mentorship_requests r JOIN users u ON u.id = r.mentor_id
WHERE {offered} AND r.status = ? {unblocked}
  AND r.mentor_id IN (SELECT f.subject_id FROM mentorship_feedback f WHERE f.author_role = ?
                      GROUP BY f.subject_id HAVING SUM(f.rating) >= 4 * COUNT(*))
GROUP BY r.mentor_id
ORDER BY (CAST(r.mentor_id AS BIGINT) * ? + ?) % ?, r.mentor_id
LIMIT ?
"""


@dataclass(frozen=True)
class WeekShuffle:
    week: str  # e.g. "2026-W48"
    multiplier: int
    offset: int


def week_shuffle(now: datetime) -> WeekShuffle:
    year, week, _ = now.isocalendar()
    label = f"{year}-W{week:02d}"
    rng = random.Random(label)  # a string seed: the same on every process and platform
    return WeekShuffle(week=label, multiplier=rng.randrange(1, _P), offset=rng.randrange(_P))


def is_worthy(record: Responsiveness, now: datetime) -> bool:
    return (
        record.response_rate is not None
        and record.response_rate >= MIN_RESPONSE_RATE
        and record.last_active_at is not None
        and record.last_active_at >= now - RECENT
    )


def unblocked_sql(mentor_id: str, viewer_id: str | None) -> str:
    """The candidates' condition for a signed-in viewer: no block between them and the mentor
    (`models/safety/block_visibility.py`), so the pool of `first * _POOL_FACTOR` is the viewer's
    own."""
    return "" if viewer_id is None else f"AND NOT {block_between_sql(mentor_id, viewer_id)}"


async def spotlight(first: int, viewer: User | None = None) -> list[User]:
    """At most `first` mentors, this week's order, none with a block between them and the
    viewer. Five statements at most."""
    now = clock.now()
    shuffle = week_shuffle(now)
    viewer_id = None if viewer is None else str(int(viewer.id))
    rows = await fetch(
        _CANDIDATES.format(
            offered=offered_sql("u"), unblocked=unblocked_sql("r.mentor_id", viewer_id)
        ),
        [
            RequestStatus.COMPLETED.value,
            AuthorRole.MENTEE.value,
            shuffle.multiplier,
            shuffle.offset,
            _P,
            first * _POOL_FACTOR,
        ],
    )
    ids = [int(row["id"]) for row in rows]
    if not ids:
        return []
    records = dict(zip(ids, await responsiveness_of(ids), strict=True))
    worthy = [i for i in ids if is_worthy(records[i], now)]
    users = {u.id: u for u in await User.filter(offered_q(), id__in=worthy)}
    quiet = await quiet_mentors(connections.get("default"), list(users), now)
    return [
        users[i]
        for i in worthy
        if i in users and records[i].active_mentees < users[i].capacity and i not in quiet
    ][:first]
