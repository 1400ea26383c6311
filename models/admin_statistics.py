"""Admins' statistics over time, week by week (`models/statistics_weeks.py`: ISO weeks, UTC).

Each figure is one statement over the range's weeks, passed as a small table of boundaries
(`_weeks`) that the rows are joined to by range: the database reads only the rows of the range,
by index, whatever the size of the history (see docs/admin-statistics.md for the plans and
times at 100,000 members and 2,000,000 requests). The same text runs on PostgreSQL and SQLite
but for two small differences (a cast of the boundaries and the duration's expression).

What each figure counts (the requests ones by the week the request was *made*: a cohort, whose
figures still move while its requests are waiting):
- requests by status: the requests made that week, by their status now;
- match rate: of those decided (APPROVED, COMPLETED, DECLINED or EXPIRED; a request withdrawn
  by its mentee or still waiting is not decided), the share approved (APPROVED or COMPLETED);
- time to first answer: of those the mentor answered (approved or declined, as
  `models/responsiveness.py` counts answers), the median hours from the request to the answer;
- active mentorships: APPROVED requests now, and per week those approved before the week's end
  and not completed by then (completion is the row's `updated_at`, as `models/graph.py`);
- silent mentors flagged: the silent-mentor rule setting a mentor unavailable (an availability
  change by the system, `models/ladder.py`), by the week it happened.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from models.availability_changes import AvailabilityChange
from models.requests import MentorshipRequest, RequestStatus
from models.responsiveness import ANSWERED_SQL, median_hours_rounded, response_rate
from models.sql import enum_list, fetch
from models.statistics_weeks import WeekRange

__all__ = [
    "APPROVED_STATUSES",
    "DECIDED_STATUSES",
    "AnswerWeek",
    "CountWeek",
    "StatusWeek",
    "active_mentorships",
    "first_answers",
    "requests_by_status",
    "silent_mentors_flagged",
]

REQUESTS = MentorshipRequest._meta.db_table
CHANGES = AvailabilityChange._meta.db_table
S = RequestStatus
APPROVED_STATUSES = (S.APPROVED, S.COMPLETED)
DECIDED_STATUSES = (*APPROVED_STATUSES, S.DECLINED, S.EXPIRED)


@dataclass(frozen=True)
class Week:
    name: str
    starts_at: datetime


@dataclass(frozen=True)
class StatusWeek(Week):
    """The requests made in one week, by their status now."""

    counts: dict[RequestStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approved(self) -> int:
        return sum(self.counts.get(s, 0) for s in APPROVED_STATUSES)

    @property
    def decided(self) -> int:
        return sum(self.counts.get(s, 0) for s in DECIDED_STATUSES)

    @property
    def match_rate(self) -> float | None:
        """Approved / decided, rounded as a response rate is (4 places); None if none decided."""
        return response_rate(self.approved, self.decided - self.approved)


@dataclass(frozen=True)
class AnswerWeek(Week):
    answered: int
    median_hours: float | None


@dataclass(frozen=True)
class CountWeek(Week):
    count: int


def _dialect() -> str:
    return str(connections.get("default").capabilities.dialect)


def _weeks(weeks: WeekRange) -> tuple[str, list[Any]]:
    """`weeks(n, s, e)`: the range's weeks as rows (n from 0, start, end), for a WITH clause.
    The boundaries are parameters; PostgreSQL needs them typed (a VALUES list is not)."""
    bound = "CAST(? AS timestamptz)" if _dialect() == "postgres" else "?"
    rows = ", ".join(f"({n}, {bound}, {bound})" for n in range(weeks.count))
    bounds = weeks.bounds
    values = [moment for n in range(weeks.count) for moment in (bounds[n], bounds[n + 1])]
    return f"weeks(n, s, e) AS (VALUES {rows})", values


_AT = MentorshipRequest._meta.fields_map["created_at"]


def _moment(value: Any) -> datetime:
    # asyncpg returns datetimes; SQLite the stored text (parsed as the ORM does).
    return value if isinstance(value, datetime) else _AT.to_python_value(value)


async def requests_by_status(weeks: WeekRange) -> list[StatusWeek]:
    """One statement: per week and status, the requests made that week (match rate too)."""
    table, values = _weeks(weeks)
    sql = f"""WITH {table}
SELECT w.n AS n, r.status AS status, count(*) AS c
FROM weeks w JOIN {REQUESTS} r ON r.created_at >= w.s AND r.created_at < w.e
GROUP BY w.n, r.status"""
    counts: dict[int, dict[RequestStatus, int]] = defaultdict(dict)
    for row in await fetch(sql, values):
        counts[int(row["n"])][RequestStatus(row["status"])] = int(row["c"])
    return [
        StatusWeek(weeks.name(n), weeks.start(n), {s: counts[n].get(s, 0) for s in S})
        for n in range(weeks.count)
    ]


def _hours(created: Any, responded: Any) -> float:
    # As `models.responsiveness` computes one answer's hours.
    return (_moment(responded) - _moment(created)).total_seconds() / 3600


async def first_answers(weeks: WeekRange) -> list[AnswerWeek]:
    """One statement: per week, how many of its requests the mentor answered, and the middle
    one or two of them by time to answer (the median's operands, whose hours Python computes
    as the mentors' own `medianResponseHours`: the same rounding). `ANSWERED_SQL` names
    its columns unqualified: only the requests have them. SQLite orders the times to
    the millisecond (its `julianday`), PostgreSQL to the microsecond."""
    table, values = _weeks(weeks)
    took = (
        "r.responded_at - r.created_at"
        if _dialect() == "postgres"
        else "julianday(r.responded_at) - julianday(r.created_at)"
    )
    sql = f"""WITH {table},
answered AS (
  SELECT w.n AS n, r.created_at AS created_at, r.responded_at AS responded_at,
    row_number() OVER (PARTITION BY w.n ORDER BY {took}, r.id) AS k,
    count(*) OVER (PARTITION BY w.n) AS c
  FROM weeks w JOIN {REQUESTS} r ON r.created_at >= w.s AND r.created_at < w.e
  WHERE {ANSWERED_SQL}
)
SELECT n, c, created_at, responded_at FROM answered WHERE k = (c + 1) / 2 OR k = c / 2 + 1"""
    middle: dict[int, list[float]] = defaultdict(list)
    answered: dict[int, int] = {}
    for row in await fetch(sql, values):
        n = int(row["n"])
        answered[n] = int(row["c"])
        middle[n].append(_hours(row["created_at"], row["responded_at"]))
    return [
        AnswerWeek(
            weeks.name(n),
            weeks.start(n),
            answered.get(n, 0),
            median_hours_rounded(statistics.median(middle[n]) if middle[n] else None),
        )
        for n in range(weeks.count)
    ]


async def active_mentorships(weeks: WeekRange) -> tuple[int, list[CountWeek]]:
    """One statement: the mentorships active now, and at the end of each week (for the
    current week: now, as nothing is recorded after now), as those active when the range
    starts plus each week's approvals less its completions (a running sum)."""
    table, values = _weeks(weeks)
    first = weeks.start(0)
    active = enum_list(APPROVED_STATUSES)
    approved, completed = S.APPROVED.value, S.COMPLETED.value
    sql = f"""WITH {table},
changes AS (
  SELECT w.n AS n, 1 AS d FROM weeks w JOIN {REQUESTS} r
    ON r.responded_at >= w.s AND r.responded_at < w.e WHERE r.status IN ({active})
  UNION ALL
  SELECT w.n AS n, -1 AS d FROM weeks w JOIN {REQUESTS} r
    ON r.updated_at >= w.s AND r.updated_at < w.e WHERE r.status = '{completed}'
),
per_week AS (SELECT n, sum(d) AS d FROM changes GROUP BY n),
before AS (
  SELECT (SELECT count(*) FROM {REQUESTS} WHERE status IN ({active}) AND responded_at < ?)
    - (SELECT count(*) FROM {REQUESTS} WHERE status = '{completed}' AND updated_at < ?) AS d
)
SELECT w.n AS n, b.d + sum(coalesce(p.d, 0)) OVER (ORDER BY w.n) AS active,
  (SELECT count(*) FROM {REQUESTS} WHERE status = '{approved}') AS now
FROM weeks w LEFT JOIN per_week p ON p.n = w.n CROSS JOIN before b
ORDER BY w.n"""
    rows = await fetch(sql, [*values, first, first])
    now = int(rows[0]["now"]) if rows else 0
    return now, [
        CountWeek(weeks.name(int(row["n"])), weeks.start(int(row["n"])), int(row["active"]))
        for row in rows
    ]


async def silent_mentors_flagged(weeks: WeekRange) -> list[CountWeek]:
    """One statement: per week, the mentors the silent-mentor rule set unavailable (the
    system's availability changes to unavailable; admins' have an actor)."""
    table, values = _weeks(weeks)
    sql = f"""WITH {table}
SELECT w.n AS n, count(*) AS c
FROM weeks w JOIN {CHANGES} a ON a.occurred_at >= w.s AND a.occurred_at < w.e
WHERE a.actor_id IS NULL AND NOT a.available
GROUP BY w.n"""
    counts = {int(row["n"]): int(row["c"]) for row in await fetch(sql, values)}
    return [CountWeek(weeks.name(n), weeks.start(n), counts.get(n, 0)) for n in range(weeks.count)]
