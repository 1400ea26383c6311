"""The weeks admins' statistics are counted in: ISO weeks (Monday to Sunday) in UTC.

A week is named as ISO 8601 does, `2026-W48`; it runs from its Monday 00:00 UTC to the next
Monday 00:00 UTC (the start included, the end not). A range is at most `MAX_WEEKS` weeks, so
every statement over it is bounded whatever a client asks. Every figure is counted against the
same boundaries (`WeekRange.bounds`), computed here once, in Python, and passed to the database
as parameters: both dialects compare stored times with them and never do date arithmetic, which
PostgreSQL and SQLite do differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mentorgraph.models.errors import ErrorCode, RuleViolation

__all__ = ["DEFAULT_WEEKS", "MAX_WEEKS", "WeekRange", "iso_week", "week_range"]

# Two years, week by week: the longest range one statement counts.
MAX_WEEKS = 104
# Without a first week: the quarter ending with the last one.
DEFAULT_WEEKS = 12
# Weeks outside these years are refused (no date overflow, no absurd ranges).
FIRST_YEAR, LAST_YEAR = 2000, 2100

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_SEVEN_DAYS = timedelta(days=7)


def iso_week(day: date) -> str:
    """The ISO week `day` falls in, e.g. `2026-W48`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday_of(name: str, field: str) -> date:
    matched = _WEEK.fullmatch(name) if len(name) <= 8 else None
    problem = f"'{field}' must be an ISO week like 2026-W48."
    if matched is None:
        raise RuleViolation(ErrorCode.INVALID_INPUT, problem, [field])
    year, week = int(matched[1]), int(matched[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"'{field}' must be a week of the years {FIRST_YEAR} to {LAST_YEAR}.",
            [field],
        )
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:  # week 00, or 53 of a year with 52
        raise RuleViolation(ErrorCode.INVALID_INPUT, problem, [field]) from None


@dataclass(frozen=True)
class WeekRange:
    """`count` consecutive weeks from the one starting on `monday`."""

    monday: date
    count: int

    def start(self, i: int) -> datetime:
        """The start of the i-th week (i = count: the end of the range), midnight UTC."""
        return datetime.combine(self.monday + i * _SEVEN_DAYS, time(), UTC)

    @property
    def bounds(self) -> list[datetime]:
        """Each week's start, then the range's end: week i is [bounds[i], bounds[i + 1])."""
        return [self.start(i) for i in range(self.count + 1)]

    def name(self, i: int) -> str:
        return iso_week(self.monday + i * _SEVEN_DAYS)


def week_range(first: str | None, last: str | None, today: date) -> WeekRange:
    """The weeks from `first` to `last` (ISO week names, both included). Without `last`: up to
    the week of `today` (UTC); without `first`: the `DEFAULT_WEEKS` weeks ending with `last`.
    INVALID_INPUT for a malformed week, `first` after `last`, or more than `MAX_WEEKS` weeks."""
    end = (
        _monday_of(last, "toWeek") if last is not None else today - timedelta(days=today.weekday())
    )
    start = (
        _monday_of(first, "fromWeek")
        if first is not None
        else end - (DEFAULT_WEEKS - 1) * _SEVEN_DAYS
    )
    if start > end:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, "'fromWeek' must not be after 'toWeek'.", ["fromWeek"]
        )
    count = (end - start).days // 7 + 1
    if count > MAX_WEEKS:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"At most {MAX_WEEKS} weeks at once ({count} asked).",
            ["fromWeek"],
        )
    return WeekRange(start, count)
