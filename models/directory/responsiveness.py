"""How reliably a mentor answers: the public record mentees see before they ask.

- response rate: of the requests of the last 180 days that were settled either way, the share the
  mentor answered (approved or declined) before they expired; requests the mentee cancelled first,
  and those still waiting, count neither way. A decline by the system because the mentor was
  inactive counts as unanswered; an admin's decline for any other reason counts neither way
  (the admin answered, not the mentor, and the mentor may never have had the chance).
- median hours from a request to the mentor's answer, over the same window;
- last active: the mentor's latest view or answer of any request;
- open requests (NEW or VIEWED) and active mentees (APPROVED), now.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mentorgraph.models import clock
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestStatus,
)
from mentorgraph.models.sql import enum_list, fetch, in_list

__all__ = [
    "ANSWERED_SQL",
    "RESPONSIVE_RATE",
    "WINDOW",
    "Responsiveness",
    "median_hours_rounded",
    "response_rate",
    "responsiveness_of",
    "responsiveness_sql",
]

WINDOW = timedelta(days=180)
# A responsive mentor answers at least this share: the spotlight's bar, and the bar of the
# mentors suggested to a mentee when none shares their interests.
RESPONSIVE_RATE = 0.8
# asyncpg refuses a statement with more than 32,767 parameters (SQLite's limit depends on its
# build), and the sweep asks for every mentor, 100,000 in the largest benchmark: longer lists
# go in several statements.
MENTORS_PER_STATEMENT = 10_000


@dataclass(frozen=True)
class Responsiveness:
    response_rate: float | None
    median_response_hours: float | None
    last_active_at: datetime | None
    open_requests: int
    active_mentees: int


# Statuses and reasons are closed enums: inlined, so one text serves both SQL dialects.
_TABLE = MentorshipRequest._meta.db_table
_OPEN_SQL = enum_list(OPEN_STATUSES)
_APPROVED = RequestStatus.APPROVED.value
_INACTIVE = DeclineReason.MENTOR_INACTIVE.value
_SYSTEM_REASONS = enum_list(sorted(SYSTEM_DECLINE_REASONS))
# The mentor answered (approved or declined) themselves: a decline by the system (for
# inactivity, or as the mentor's account closed) has a response time too, but is no answer.
_ANSWERED = (
    "(responded_at IS NOT NULL AND (decline_reason IS NULL"
    f" OR decline_reason NOT IN ({_SYSTEM_REASONS})))"
)
# For other figures counting answers the same way (`models/admin/admin_statistics.py`).
ANSWERED_SQL = _ANSWERED
_EXPIRED = RequestStatus.EXPIRED.value
_DECLINED = RequestStatus.DECLINED.value
# Settled without the mentor's answer, and held against them: expired, or declined by the
# system (or an admin) because they were inactive. Other declines without their answer were
# an admin's call, and count neither way.
_UNANSWERED = (
    f"(NOT {_ANSWERED} AND (status = '{_EXPIRED}'"
    f" OR (status = '{_DECLINED}' AND decline_reason = '{_INACTIVE}')))"
)


def _relevant(mentors_sql: str, since_sql: str) -> str:
    """The rows that matter: this window's requests, those still open or active, recent answers."""
    return (
        f"{mentors_sql} AND (created_at >= {since_sql}"
        f" OR status IN ({_OPEN_SQL}, '{_APPROVED}') OR responded_at >= {since_sql})"
    )


# One statement, one scan, aggregated in SQL (a popular mentor has thousands of requests, and
# building each of them in Python cost more than the SQL). The groups are per mentor *and* per
# answered request of the window: every such request is a group of its own (its id is the key),
# which hands back exactly the two times the median needs; all the mentor's other rows share
# the group whose key is NULL. The counts are summed over a mentor's groups in Python. The
# median stays in Python: SQLite has no percentile function, and the hours must round exactly
# as before. (A UNION of counts and answered rows made PostgreSQL plan a parallel append,
# whose worker start-up cost more than the whole query on a directory page.)
_BATCH_RELEVANT = _relevant("mentor_id IN ({ids})", "?")
_SQL = f"""
SELECT mentor_id,
  CASE WHEN created_at >= ? AND {_ANSWERED} THEN id END AS answered_id,
  COUNT(CASE WHEN status IN ({_OPEN_SQL}) THEN 1 END) AS open_requests,
  COUNT(CASE WHEN status = '{_APPROVED}' THEN 1 END) AS active_mentees,
  COUNT(CASE WHEN created_at >= ? AND {_UNANSWERED} THEN 1 END) AS unanswered,
  MAX(viewed_at) AS viewed_at,
  MAX(CASE WHEN {_ANSWERED} THEN responded_at END) AS answered_at,
  MIN(created_at) AS created_at,
  MIN(responded_at) AS responded_at
FROM {_TABLE} WHERE {_BATCH_RELEVANT}
GROUP BY 1, 2
"""
_AT = MentorshipRequest._meta.fields_map["created_at"]


def _moment(value: object) -> datetime | None:
    # asyncpg returns datetimes; SQLite returns the stored text (parsed like the ORM does).
    moment: datetime | None = _AT.to_python_value(value)
    return moment


@dataclass
class _Tally:
    unanswered: int = 0
    open_requests: int = 0
    active_mentees: int = 0
    # The latest view or answer as the database returned it (a datetime, or SQLite's text,
    # which sorts the same way: SQL's MAX already relies on that); converted once, at the end.
    latest: Any = None

    def __post_init__(self) -> None:
        self.response_hours: list[float] = []

    def seen_at(self, moment: Any) -> None:
        if moment is not None and (self.latest is None or moment > self.latest):
            self.latest = moment


async def responsiveness_of(mentor_ids: Sequence[int]) -> list[Responsiveness]:
    """One statement per `MENTORS_PER_STATEMENT` mentors, in the order given."""
    if not mentor_ids:
        return []
    since = clock.now() - WINDOW
    ids = list(dict.fromkeys(int(i) for i in mentor_ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), MENTORS_PER_STATEMENT):
        part = ids[start : start + MENTORS_PER_STATEMENT]
        sql = _SQL.replace("{ids}", in_list(part))
        rows += await fetch(sql, [since, since, *part, since, since])
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for row in rows:
        tally = tallies[row["mentor_id"]]
        tally.open_requests += row["open_requests"]
        tally.active_mentees += row["active_mentees"]
        tally.unanswered += row["unanswered"]
        tally.seen_at(row["viewed_at"])
        tally.seen_at(row["answered_at"])
        if row["answered_id"] is not None:
            # A group of one answered request: its own creation and answer times.
            created, responded = row["created_at"], row["responded_at"]
            if not isinstance(created, datetime) or not isinstance(responded, datetime):
                created, responded = _moment(created), _moment(responded)
            delta = responded - created
            tally.response_hours.append(delta.total_seconds() / 3600)
    return [_summarise(tallies.get(i) or _Tally()) for i in mentor_ids]


def response_rate(answered: int, unanswered: int) -> float | None:
    settled = answered + unanswered
    return round(answered / settled, 4) if settled else None


def median_hours_rounded(median: float | None) -> float | None:
    # Python's round (half to even, on the binary value): PostgreSQL's round(numeric) differs.
    return round(median, 1) if median is not None else None


def _summarise(tally: _Tally) -> Responsiveness:
    answered = len(tally.response_hours)  # one response time per answered request
    return Responsiveness(
        response_rate=response_rate(answered, tally.unanswered),
        median_response_hours=median_hours_rounded(
            statistics.median(tally.response_hours) if tally.response_hours else None
        ),
        last_active_at=_moment(tally.latest),
        open_requests=tally.open_requests,
        active_mentees=tally.active_mentees,
    )


def responsiveness_sql(mentor_id_sql: str, since_sql: str) -> str:
    """The same record for one mentor, in PostgreSQL (the fast read path): a subquery with one
    row of `answered`, `unanswered`, `median_hours` (unrounded), `last_active_at`,
    `open_requests` and `active_mentees`. Rounding stays in Python (`response_rate`,
    `median_hours_rounded`).

    Exactly the floats of `responsiveness_of`: the hours of one answer are its whole
    microseconds / 10**6 / 3600 in IEEE doubles (what `timedelta.total_seconds() / 3600` does),
    and the median of an even count is `(a + b) / 2` of the two middle doubles, like
    `statistics.median`.
    """
    recent_answered = f"created_at >= {since_sql} AND {_ANSWERED}"
    hours = (
        "(extract(epoch FROM responded_at - created_at) * 1000000)::bigint::float8 / 1000000 / 3600"
    )
    relevant = _relevant(f"mentor_id = {mentor_id_sql}", since_sql)
    return f"""(SELECT t.answered, t.unanswered, t.last_active_at, t.open_requests,
  t.active_mentees,
  CASE WHEN t.answered % 2 = 1 THEN t.hours[t.answered / 2 + 1]
       WHEN t.answered > 0 THEN (t.hours[t.answered / 2] + t.hours[t.answered / 2 + 1]) / 2
  END AS median_hours
FROM (SELECT
  count(*) FILTER (WHERE {recent_answered}) AS answered,
  count(*) FILTER (WHERE created_at >= {since_sql} AND {_UNANSWERED}) AS unanswered,
  greatest(max(viewed_at), max(responded_at) FILTER (WHERE {_ANSWERED})) AS last_active_at,
  count(*) FILTER (WHERE status IN ({_OPEN_SQL})) AS open_requests,
  count(*) FILTER (WHERE status = '{_APPROVED}') AS active_mentees,
  array_agg({hours} ORDER BY {hours}) FILTER (WHERE {recent_answered}) AS hours
FROM {_TABLE} WHERE {relevant}) t)"""
