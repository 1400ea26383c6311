"""`adminStatistics`: admins' figures over time, week by week (ISO weeks in UTC). Each figure
is one statement (`models/admin/admin_statistics.py`), run only when selected; everyone but admins
is
refused (FORBIDDEN), a malformed or too long range is BAD_USER_INPUT."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import Annotated

import strawberry

from mentorgraph.models.admin import admin_statistics as figures
from mentorgraph.models.admin.admin_statistics import CountWeek, StatusWeek
from mentorgraph.models.admin.statistics_weeks import DEFAULT_WEEKS, MAX_WEEKS, WeekRange
from mentorgraph.models.requests.requests import RequestStatus as RequestStatusEnum
from mentorgraph.resolvers.admin.admin_statistics import statistics_weeks
from mentorgraph.schema.context import Info
from mentorgraph.schema.requests.request_enums import RequestStatus
from mentorgraph.schema.resolver_fields import field_resolver

__all__ = ["AdminStatisticsQuery"]

_WEEK = "The ISO week, e.g. `2026-W48` (Monday to Sunday, UTC)."
_STARTS = "When the week starts: its Monday, 00:00 UTC."


@strawberry.type(description="How many requests are in one status.")
class RequestStatusCount:
    status: RequestStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many requests are in it now.")


@strawberry.type(description="The requests made in one week, by their status now.")
class WeeklyRequests:
    week: str = strawberry.field(description=_WEEK)
    starts_at: datetime = strawberry.field(description=_STARTS)
    total: int = strawberry.field(description="The requests made that week.")
    by_status: list[RequestStatusCount] = strawberry.field(
        description="Every status (zeros included), in the order of `RequestStatus`."
    )


@strawberry.type(
    description="Of the requests made in one week, those settled either way and those matched."
)
class WeeklyMatchRate:
    week: str = strawberry.field(description=_WEEK)
    starts_at: datetime = strawberry.field(description=_STARTS)
    decided: int = strawberry.field(
        description="Decided: APPROVED, COMPLETED, DECLINED or EXPIRED (not those withdrawn by"
        " the mentee, nor those still waiting)."
    )
    approved: int = strawberry.field(description="Approved: APPROVED or COMPLETED.")
    rate: float | None = strawberry.field(
        description="approved / decided, to 4 places; null when none was decided."
    )


@strawberry.type(description="How fast mentors answered the requests made in one week.")
class WeeklyFirstAnswer:
    week: str = strawberry.field(description=_WEEK)
    starts_at: datetime = strawberry.field(description=_STARTS)
    answered: int = strawberry.field(
        description="The requests the mentor approved or declined themselves (system and admin"
        " declines are not the mentor's answer)."
    )
    median_hours: float | None = strawberry.field(
        description="The median hours from a request to the mentor's answer, to one place (as"
        " `medianResponseHours`); null when none was answered."
    )


@strawberry.type(description="A count for one week.")
class WeeklyCount:
    week: str = strawberry.field(description=_WEEK)
    starts_at: datetime = strawberry.field(description=_STARTS)
    count: int = strawberry.field(description="The count (what it counts: the field's own).")


@strawberry.type(description="Mentorships under way (APPROVED requests).")
class ActiveMentorships:
    now: int = strawberry.field(description="Active now.")
    weekly: list[WeeklyCount] = strawberry.field(
        description="Active at the end of each week (for the current week: now)."
    )


def _counts(weeks: list[CountWeek]) -> list[WeeklyCount]:
    return [WeeklyCount(week=w.name, starts_at=w.starts_at, count=w.count) for w in weeks]


@strawberry.type(
    description="Admins' figures over a range of ISO weeks (UTC), oldest week first, every week"
    " listed. The request figures count the requests *made* in each week, as they stand now:"
    " recent weeks still move while their requests wait. Each figure is one database statement,"
    " run only when selected."
)
class AdminStatistics:
    weeks: strawberry.Private[WeekRange]
    # `requestsByStatus` and `matchRate` share one statement: run once, whichever asks first.
    _by_status: strawberry.Private[list[StatusWeek] | None] = None
    _lock: strawberry.Private[asyncio.Lock] = dataclasses.field(default_factory=asyncio.Lock)

    async def _statuses(self) -> list[StatusWeek]:
        async with self._lock:
            if self._by_status is None:
                self._by_status = await figures.requests_by_status(self.weeks)
            return self._by_status

    @field_resolver(description="The first week of the range, e.g. `2026-W37`.")
    def from_week(self) -> str:
        return self.weeks.name(0)

    @field_resolver(description="The last week of the range, e.g. `2026-W48`.")
    def to_week(self) -> str:
        return self.weeks.name(self.weeks.count - 1)

    @field_resolver(description="Per week, the requests made, by their status now.")
    async def requests_by_status(self) -> list[WeeklyRequests]:
        return [
            WeeklyRequests(
                week=w.name,
                starts_at=w.starts_at,
                total=w.total,
                by_status=[
                    RequestStatusCount(status=s, count=w.counts[s]) for s in RequestStatusEnum
                ],
            )
            for w in await self._statuses()
        ]

    @field_resolver(description="Per week, the share of decided requests that were approved.")
    async def match_rate(self) -> list[WeeklyMatchRate]:
        return [
            WeeklyMatchRate(
                week=w.name,
                starts_at=w.starts_at,
                decided=w.decided,
                approved=w.approved,
                rate=w.match_rate,
            )
            for w in await self._statuses()
        ]

    @field_resolver(description="Per week, the median time to the mentor's answer.")
    async def time_to_first_answer(self) -> list[WeeklyFirstAnswer]:
        return [
            WeeklyFirstAnswer(
                week=w.name, starts_at=w.starts_at, answered=w.answered, median_hours=w.median_hours
            )
            for w in await figures.first_answers(self.weeks)
        ]

    @field_resolver(description="Mentorships under way, now and at the end of each week.")
    async def active_mentorships(self) -> ActiveMentorships:
        now, weekly = await figures.active_mentorships(self.weeks)
        return ActiveMentorships(now=now, weekly=_counts(weekly))

    @field_resolver(
        description="Per week, the mentors the silent-mentor rule set unavailable (the"
        " system's changes in `availabilityChanges`; an admin's are not counted)."
    )
    async def silent_mentors_flagged(self) -> list[WeeklyCount]:
        return _counts(await figures.silent_mentors_flagged(self.weeks))


@strawberry.type
class AdminStatisticsQuery:
    @field_resolver(
        description=f"Admins: the community's figures week by week, at most {MAX_WEEKS} weeks."
    )
    def admin_statistics(
        self,
        info: Info,
        from_week: Annotated[
            str | None,
            strawberry.argument(
                description="The first ISO week, e.g. `2026-W37` (default: the"
                f" {DEFAULT_WEEKS} weeks ending with `toWeek`)."
            ),
        ] = None,
        to_week: Annotated[
            str | None,
            strawberry.argument(
                description="The last ISO week, e.g. `2026-W48` (default: the current week, UTC)."
            ),
        ] = None,
    ) -> AdminStatistics:
        weeks = statistics_weeks(info.context, from_week=from_week, to_week=to_week)
        return AdminStatistics(weeks=weeks)
