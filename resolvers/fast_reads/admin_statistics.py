"""`adminStatistics` as SQL (declared per field, `fields.py`): each selected figure is the
ordinary path's own statement (`models/admin/admin_statistics.py`'s texts), a materialised CTE of
one WITH around the whole answer (after a `weeks` table of the range's boundaries), its rows
turned into the answer's JSON. A figure two fields read (`requestsByStatus` and `matchRate`)
is computed once, as in the ordinary path.

The range is computed as `mentorgraph.resolvers.admin.admin_statistics.statistics_weeks` does (a bad
one is declined: the ordinary path reports it). Its boundaries and week names are parameters renewed
for each run of the statement (`Build.renewed_param`): without `toWeek`, the range follows the
clock. Admins only, as the other admins' views (`admin._admins_only`). The median's operands
are read as the ordinary path reads them and its rounding is Python's (`$hours`), as is the
match rate's (`$rate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

from mentorgraph.models import clock
from mentorgraph.models import json_sql as js
from mentorgraph.models.admin.admin_statistics import (
    APPROVED_STATUSES,
    DECIDED_STATUSES,
    active_sql,
    by_status_sql,
    first_answers_sql,
    flagged_sql,
)
from mentorgraph.models.admin.statistics_weeks import WeekRange, week_range
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.fast_reads.admin import _admins_only
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import declare, object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported, UnsupportedValue

__all__: list[str] = []

# The hours of one middle answer (its interval, `took`) exactly as Python's
# `timedelta.total_seconds() / 3600` (as
# `mentorgraph.models.directory.responsiveness.responsiveness_sql`).
_HOURS = "(extract(epoch FROM {f}.took) * 1000000)::bigint::float8 / 1000000 / 3600"
_STATUSES = ", ".join(f"('{s.value}', {i})" for i, s in enumerate(RequestStatus))


@dataclass
class _Range:
    """The `weeks(n, s, e, name)` table of the range, for the WITH clause (the answer lists
    every week), the parameter holding the week names, the range's start and end, and the
    figures the selected fields read (their CTEs, by name)."""

    weeks: str
    names: str
    first: str
    end: str
    figures: dict[str, str] = field(default_factory=dict)

    def figure(self, figure: Callable[[str], str]) -> str:
        """The name of the CTE holding the figure's rows (the ordinary path's statement, its
        bounds ours), added to the WITH once however many fields read it."""
        name = f"fig_{figure.__name__.removesuffix('_sql')}"
        if name not in self.figures:
            select = figure("postgres").replace("{first}", self.first).replace("{end}", self.end)
            # MATERIALIZED: computed once, not inlined into each week's lookup (a CTE read once
            # is otherwise inlined, and its aggregate run again for every week).
            self.figures[name] = f"{name} AS MATERIALIZED ({select})"
        return name

    def with_clause(self) -> str:
        return "WITH " + ", ".join([self.weeks, *self.figures.values()])


@dataclass(frozen=True)
class _Week:
    """One week's row `w` of `weeks`, the figure's rows `fig`, and (for counts) its count."""

    w: str
    fig: str
    count: str = "0"


# The figures that scan many rows (each a range or a partial index of the requests: hundreds of
# milliseconds at 2M requests). One statement runs its CTEs one after another on one backend,
# where the ordinary path runs each figure's statement on its own connection, concurrently:
# measured at 100,000 members / 2M requests (docs/admin-statistics.md), the whole query took
# twice as long compiled. So an operation selecting more than one of them is left to the
# ordinary path; one of them (`requestsByStatus` and `matchRate` share theirs) is compiled.
_SCANNING = frozenset({"fig_by_status", "fig_first_answers", "fig_active"})


@renders("Query", "adminStatistics", arguments=("fromWeek", "toWeek"))
def _admin_statistics(build: Build, selected: Selected, _row: None) -> str:
    _admins_only(build)
    arguments = build.arguments(selected)

    def weeks() -> WeekRange:
        today = clock.now().astimezone(UTC).date()
        return week_range(arguments.get("fromWeek"), arguments.get("toWeek"), today)

    try:
        weeks()
    except RuleViolation:  # the ordinary path reports it
        raise UnsupportedValue("statistics range") from None
    bounds = build.renewed_param(lambda: weeks().bounds)
    names = build.renewed_param(lambda: [weeks().name(n) for n in range(weeks().count)])
    table = (
        "weeks(n, s, e, name) AS (SELECT g.n, b.at[g.n + 1], b.at[g.n + 2], nm.at[g.n + 1]"
        f" FROM (SELECT {bounds}::timestamptz[] AS at) b, (SELECT {names}::text[] AS at) nm,"
        f" generate_series(0, cardinality({names}::text[]) - 1) g(n))"
    )
    at = f"{bounds}::timestamptz[]"
    r = _Range(table, f"{names}::text[]", f"({at})[1]", f"({at})[cardinality({at})]")
    # Both parameters typed even when no field reads them (PostgreSQL refuses an untyped one).
    answer = object_sql(build, selected, r)  # rendering the fields names the figures they read
    if len(_SCANNING & r.figures.keys()) > 1:
        raise Unsupported("several statistics figures: the ordinary path runs them concurrently")
    return (
        f"CASE WHEN {at} IS NULL OR {r.names} IS NULL THEN NULL"
        f" ELSE ({r.with_clause()} SELECT {answer}) END"
    )


@renders("AdminStatistics", "fromWeek", "toWeek")
def _range_end(build: Build, child: Selected, r: _Range) -> str:
    at = "1" if child.name == "fromWeek" else f"cardinality({r.names})"
    return f"({r.names})[{at}]"


def _weekly(
    build: Build, child: Selected, r: _Range, select: Callable[[str], str], count: str = "0"
) -> str:
    """A list with one object per week of the range, oldest first, over the figure `select`."""
    fig = r.figure(select)
    item = object_sql(build, child, _Week("w", fig, count.format(fig=fig)))
    return f"(SELECT coalesce(json_agg({item} ORDER BY w.n), '[]'::json) FROM weeks w)"


@renders("AdminStatistics", "requestsByStatus", "matchRate")
def _by_status(build: Build, child: Selected, r: _Range) -> str:
    return _weekly(build, child, r, by_status_sql)


@renders("AdminStatistics", "timeToFirstAnswer")
def _first_answers(build: Build, child: Selected, r: _Range) -> str:
    return _weekly(build, child, r, first_answers_sql)


@renders("AdminStatistics", "silentMentorsFlagged")
def _flagged(build: Build, child: Selected, r: _Range) -> str:
    count = "coalesce((SELECT f.c FROM {fig} f WHERE f.n = w.n), 0)"
    return _weekly(build, child, r, flagged_sql, count)


@renders("AdminStatistics", "activeMentorships")
def _active(build: Build, child: Selected, r: _Range) -> str:
    return object_sql(build, child, r.figure(active_sql))


@renders("ActiveMentorships", "now")
def _active_now(build: Build, child: Selected, fig: str) -> str:
    return f"coalesce((SELECT f.d FROM {fig} f WHERE f.n = -2), 0)"


@renders("ActiveMentorships", "weekly")
def _active_weekly(build: Build, child: Selected, fig: str) -> str:
    # Those active before the range (n = -1), then each week's change, summed to this week.
    active = f"coalesce((SELECT sum(f.d) FROM {fig} f WHERE f.n BETWEEN -1 AND w.n), 0)"
    item = object_sql(build, child, _Week("w", fig, active))
    return f"(SELECT coalesce(json_agg({item} ORDER BY w.n), '[]'::json) FROM weeks w)"


# --- One week's object, whatever the figure.


def _week_name(build: Build, child: Selected, week: _Week) -> str:
    return f"{week.w}.name"


def _week_start(build: Build, child: Selected, week: _Week) -> str:
    return js.iso_timestamp(f"{week.w}.s")


for _type in ("WeeklyRequests", "WeeklyMatchRate", "WeeklyFirstAnswer", "WeeklyCount"):
    declare(_type, ["week"], _week_name)
    declare(_type, ["startsAt"], _week_start)


@renders("WeeklyCount", "count")
def _week_count(build: Build, child: Selected, week: _Week) -> str:
    return week.count


def _counted(week: _Week, condition: str) -> str:
    return f"coalesce((SELECT sum(f.c) FROM {week.fig} f WHERE f.n = {week.w}.n{condition}), 0)"


def _statuses(statuses: tuple[RequestStatus, ...]) -> str:
    return " AND f.status IN (" + ", ".join(f"'{s.value}'" for s in statuses) + ")"


@renders("WeeklyRequests", "total")
def _total(build: Build, child: Selected, week: _Week) -> str:
    return _counted(week, "")


@renders("WeeklyRequests", "byStatus")
def _by_status_list(build: Build, child: Selected, week: _Week) -> str:
    item = object_sql(build, child, (week, "st"))
    return f"(SELECT json_agg({item} ORDER BY st.o) FROM (VALUES {_STATUSES}) st(status, o))"


@renders("RequestStatusCount", "status")
def _status(build: Build, child: Selected, row: tuple[_Week, str]) -> str:
    return f"{row[1]}.status"


@renders("RequestStatusCount", "count")
def _status_count(build: Build, child: Selected, row: tuple[_Week, str]) -> str:
    week, st = row
    return _counted(week, f" AND f.status = {st}.status")


def _approved(week: _Week) -> str:
    return _counted(week, _statuses(APPROVED_STATUSES))


def _decided(week: _Week) -> str:
    return _counted(week, _statuses(DECIDED_STATUSES))


@renders("WeeklyMatchRate", "approved")
def _match_approved(build: Build, child: Selected, week: _Week) -> str:
    return _approved(week)


@renders("WeeklyMatchRate", "decided")
def _match_decided(build: Build, child: Selected, week: _Week) -> str:
    return _decided(week)


@renders("WeeklyMatchRate", "rate")
def _match_rate(build: Build, child: Selected, week: _Week) -> str:
    approved = _approved(week)
    return build.marker("rate", f"json_build_array({approved}, {_decided(week)} - {approved})")


@renders("WeeklyFirstAnswer", "answered")
def _answered(build: Build, child: Selected, week: _Week) -> str:
    return f"coalesce((SELECT max(f.c) FROM {week.fig} f WHERE f.n = {week.w}.n), 0)"


@renders("WeeklyFirstAnswer", "medianHours")
def _median_hours(build: Build, child: Selected, week: _Week) -> str:
    """The mean of the middle one or two answers' hours: `statistics.median`'s `(a + b) / 2`."""
    hours = _HOURS.format(f="f")
    median = (
        f"(SELECT CASE WHEN count(*) = 1 THEN min({hours}) ELSE (min({hours}) + max({hours})) / 2"
        f" END FROM {week.fig} f WHERE f.n = {week.w}.n)"
    )
    return build.marker("hours", median)
