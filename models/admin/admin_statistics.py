"""Admins' statistics over time, week by week (`models/admin/statistics_weeks.py`: ISO weeks, UTC).

Each figure is one statement over the range's rows, read by an index range scan and grouped
by week (see docs/admin-statistics.md for the plans and times at 100,000 members and 2,000,000
requests). The same text runs on PostgreSQL and SQLite but for the week's expression, the
duration's and a cast of the bounds.

What each figure counts (the requests ones by the week the request was *made*: a cohort, whose
figures still move while its requests are waiting):
- requests by status: the requests made that week, by their status now;
- match rate: of those decided (APPROVED, COMPLETED, DECLINED or EXPIRED; a request withdrawn
  by its mentee or still waiting is not decided), the share approved (APPROVED or COMPLETED);
- time to first answer: of those the mentor answered (approved or declined, as
  `models/directory/responsiveness.py` counts answers), the median hours from the request to the
  answer;
- active mentorships: APPROVED requests now, and per week those approved before the week's end
  and not completed by then (completion is the row's `updated_at`, as `models/graph/graph.py`);
- silent mentors flagged: the silent-mentor rule setting a mentor unavailable (an availability
  change by the system, `models/requests/ladder.py`), by the week it happened.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from mentorgraph.models.admin.statistics_weeks import WeekRange
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.directory.responsiveness import (
    ANSWERED_SQL,
    median_hours_rounded,
    response_rate,
)
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import enum_list, fetch

__all__ = [
    "APPROVED_STATUSES",
    "DECIDED_STATUSES",
    "AnswerWeek",
    "CountWeek",
    "StatusWeek",
    "active_mentorships",
    "active_sql",
    "by_status_sql",
    "first_answers",
    "first_answers_sql",
    "flagged_sql",
    "requests_by_status",
    "silent_mentors_flagged",
    "week_of",
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


# Each figure's statement is a text over the range's start `{first}` and end `{end}` (tokens
# the caller binds: parameters here, the fast read path's own in
# `resolvers/fast_reads/admin_statistics.py`). Rows are read by an index range scan over the
# whole range and grouped by the index of their week, worked out from the time itself: a join
# to a table of weeks by range made PostgreSQL guess a ninth of the table per week and scan it
# all (docs/admin-statistics.md).
_BOUND = re.compile(r"\{(first|end)\}")


def week_of(column: str, dialect: str) -> str:
    """The index (from 0) of the range's week that `column` falls in, for a time in the range.
    SQLite's `julianday` keeps milliseconds; a week's start has none, so no time is ever put
    in the week before its own."""
    if dialect == "postgres":
        # The whole days of the difference (an interval's day field: exact, and twice as fast
        # as dividing its seconds as numeric), then whole weeks.
        return f"(date_part('day', {column} - {{first}})::int / 7)"
    return f"CAST((julianday({column}) - julianday({{first}})) / 7 AS INTEGER)"


def by_status_sql(dialect: str) -> str:
    """Rows (n, status, c): per week and status, the requests made that week."""
    return f"""SELECT {week_of("r.created_at", dialect)} AS n, r.status AS status, count(*) AS c
FROM {REQUESTS} r WHERE r.created_at >= {{first}} AND r.created_at < {{end}}
GROUP BY 1, 2"""


# The middle one or two answers of a week by time to answer, on PostgreSQL: one sort per week
# (an ordered-set aggregate) gives the values at the positions ceil(f * c) for both fractions.
# f = 0.5 is the lower middle (c / 2 for an even count, the middle for an odd one); the second
# fraction's extra `c * 1e-9` lifts an even count's position to c / 2 + 1, the upper middle,
# and leaves an odd count's at its middle (c / 2 is then a half, and c * 1e-9 < 0.5 below 500
# million answers a week), far above float8's rounding of the product (c * 1e-16).
MIDDLE_FRACTIONS = "ARRAY[0.5, 0.500000001]::float8[]"


def first_answers_sql(dialect: str) -> str:
    """Rows (n, c, ...): per week, its answered requests' count `c` and the middle one or two
    of them by time to answer (answers taking as long have the same hours: which of them is
    read does not matter). PostgreSQL: (n, c, took), `took` the interval of each middle one
    (two rows a week, the same twice for an odd count: the median's `(a + a) / 2` is `a`),
    picked by one ordered-set aggregate per week (a sort of the week's answers in memory, where
    window functions over the range sorted every answer at once, spilling to disk). SQLite (no
    percentile function): (n, c, created_at, responded_at) of each middle one, by window
    functions. `ANSWERED_SQL` names its columns unqualified: only the requests have them."""
    answered_in_range = (
        f"FROM {REQUESTS} r"
        f" WHERE r.created_at >= {{first}} AND r.created_at < {{end}} AND {ANSWERED_SQL}"
    )
    if dialect == "postgres":
        return f"""SELECT m.n AS n, m.c AS c, unnest(m.middle) AS took
FROM (
  SELECT {week_of("r.created_at", dialect)} AS n, count(*) AS c,
    percentile_disc({MIDDLE_FRACTIONS}) WITHIN GROUP (ORDER BY r.responded_at - r.created_at)
      AS middle
  {answered_in_range}
  GROUP BY 1
) m"""
    took = "julianday(r.responded_at) - julianday(r.created_at)"
    return f"""SELECT a.n AS n, a.c AS c, a.created_at AS created_at, a.responded_at AS responded_at
FROM (
  SELECT b.n AS n, b.created_at AS created_at, b.responded_at AS responded_at,
    row_number() OVER (PARTITION BY b.n ORDER BY b.took) AS k,
    count(*) OVER (PARTITION BY b.n) AS c
  FROM (
    SELECT {week_of("r.created_at", dialect)} AS n, {took} AS took,
      r.created_at AS created_at, r.responded_at AS responded_at
    {answered_in_range}
  ) b
) a
WHERE a.k = (a.c + 1) / 2 OR a.k = a.c / 2 + 1"""


_ACTIVE = enum_list(APPROVED_STATUSES)
_COMPLETED = S.COMPLETED.value


def active_sql(dialect: str) -> str:
    """Rows (n, d): per week, approvals less completions (n = -1: all those before the range,
    whatever their number); and one row (n = -2, d = the mentorships active now)."""
    approved, completed = week_of("responded_at", dialect), week_of("updated_at", dialect)
    return f"""SELECT n, sum(d) AS d FROM (
  SELECT CASE WHEN responded_at < {{first}} THEN -1 ELSE {approved} END AS n, 1 AS d
  FROM {REQUESTS} WHERE status IN ({_ACTIVE}) AND responded_at < {{end}}
  UNION ALL
  SELECT CASE WHEN updated_at < {{first}} THEN -1 ELSE {completed} END AS n, -1 AS d
  FROM {REQUESTS} WHERE status = '{_COMPLETED}' AND updated_at < {{end}}
) c GROUP BY n
UNION ALL
SELECT -2 AS n, count(*) AS d FROM {REQUESTS} WHERE status = '{S.APPROVED.value}'"""


def flagged_sql(dialect: str) -> str:
    """Rows (n, c): per week, the system's changes to unavailable."""
    return f"""SELECT {week_of("a.occurred_at", dialect)} AS n, count(*) AS c
FROM {CHANGES} a
WHERE a.actor_id IS NULL AND NOT a.available
  AND a.occurred_at >= {{first}} AND a.occurred_at < {{end}}
GROUP BY 1"""


async def _rows(weeks: WeekRange, figure: Callable[[str], str]) -> list[dict[str, Any]]:
    """The figure's rows over the range: its bounds bound as parameters (typed in PostgreSQL)."""
    dialect = _dialect()
    bounds = {"first": weeks.start(0), "end": weeks.start(weeks.count)}
    values: list[Any] = []

    def bind(token: re.Match[str]) -> str:
        values.append(bounds[token[1]])
        return "CAST(? AS timestamptz)" if dialect == "postgres" else "?"

    return await fetch(_BOUND.sub(bind, figure(dialect)), values)


_AT = MentorshipRequest._meta.fields_map["created_at"]


def _moment(value: Any) -> datetime:
    # asyncpg returns datetimes; SQLite the stored text (parsed as the ORM does).
    return value if isinstance(value, datetime) else _AT.to_python_value(value)


async def requests_by_status(weeks: WeekRange) -> list[StatusWeek]:
    """One statement: per week and status, the requests made that week (match rate too)."""
    counts: dict[int, dict[RequestStatus, int]] = defaultdict(dict)
    for row in await _rows(weeks, by_status_sql):
        counts[int(row["n"])][RequestStatus(row["status"])] = int(row["c"])
    return [
        StatusWeek(weeks.name(n), weeks.start(n), {s: counts[n].get(s, 0) for s in S})
        for n in range(weeks.count)
    ]


def _hours(row: dict[str, Any]) -> float:
    """One middle answer's hours, as `mentorgraph.models.directory.responsiveness` computes an
    answer's: from its interval (PostgreSQL: `responded_at - created_at` to the microsecond, the
    same timedelta
    as Python's difference) or its two times."""
    if "took" in row:
        return float(row["took"].total_seconds()) / 3600
    return (_moment(row["responded_at"]) - _moment(row["created_at"])).total_seconds() / 3600


async def first_answers(weeks: WeekRange) -> list[AnswerWeek]:
    """One statement: per week, how many of its requests the mentor answered, and the middle
    one or two of them by time to answer (the median's operands, whose hours Python computes
    as the mentors' own `medianResponseHours`: the same rounding). SQLite orders the times to
    the millisecond (its `julianday`), PostgreSQL to the microsecond."""
    middle: dict[int, list[float]] = defaultdict(list)
    answered: dict[int, int] = {}
    for row in await _rows(weeks, first_answers_sql):
        n = int(row["n"])
        answered[n] = int(row["c"])
        middle[n].append(_hours(row))
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
    current week: now, as nothing is recorded after now): those active when the range starts
    plus each week's approvals less its completions, summed week by week."""
    changes = {int(row["n"]): int(row["d"]) for row in await _rows(weeks, active_sql)}
    active = changes.get(-1, 0)
    weekly = []
    for n in range(weeks.count):
        active += changes.get(n, 0)
        weekly.append(CountWeek(weeks.name(n), weeks.start(n), active))
    return changes.get(-2, 0), weekly


async def silent_mentors_flagged(weeks: WeekRange) -> list[CountWeek]:
    """One statement: per week, the mentors the silent-mentor rule set unavailable (the
    system's availability changes to unavailable; admins' have an actor)."""
    counts = {int(row["n"]): int(row["c"]) for row in await _rows(weeks, flagged_sql)}
    return [CountWeek(weeks.name(n), weeks.start(n), counts.get(n, 0)) for n in range(weeks.count)]
