"""Admins' statistics over time: who may read them and the range of weeks asked for (the
figures are `mentorgraph.models.admin.admin_statistics`', one statement each)."""

from __future__ import annotations

from datetime import UTC

from mentorgraph.models import clock
from mentorgraph.models.admin.statistics_weeks import WeekRange, week_range
from mentorgraph.models.errors import RuleViolation
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput

__all__ = ["statistics_weeks"]


def statistics_weeks(ctx: Context, *, from_week: str | None, to_week: str | None) -> WeekRange:
    """The weeks asked for, for admins only (FORBIDDEN for anyone else, UNAUTHENTICATED when
    signed out); a malformed or too long range is the client's fault (BAD_USER_INPUT)."""
    ctx.require_admin()
    try:
        return week_range(from_week, to_week, clock.now().astimezone(UTC).date())
    except RuleViolation as bad:
        raise BadUserInput(bad.message, field=(bad.field or ["fromWeek"])[0]) from None
