"""What admins read about requests and silent mentors (the rules of who may: the caller's)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Subquery
from tortoise.functions import Max
from tortoise.queryset import QuerySet

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.responsiveness import responsiveness_of
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus

__all__ = [
    "UnresponsiveMentor",
    "cutoff",
    "filtered_requests",
    "summarise_unresponsive",
    "unresponsive",
]


def cutoff(older_than_days: float) -> datetime:
    return clock.now() - timedelta(days=older_than_days)


def filtered_requests(
    *,
    status: RequestStatus | None = None,
    mentor_id: int | None = None,
    mentee_id: int | None = None,
    older_than_days: float | None = None,
) -> QuerySet[MentorshipRequest]:
    requests = MentorshipRequest.all()
    if status is not None:
        requests = requests.filter(status=status)
    if mentor_id is not None:
        requests = requests.filter(mentor_id=mentor_id)
    if mentee_id is not None:
        requests = requests.filter(mentee_id=mentee_id)
    if older_than_days is not None:
        requests = requests.filter(created_at__lte=cutoff(older_than_days))
    return requests


def unresponsive(older_than_days: float) -> QuerySet[User]:
    """Mentors with at least one open request older than that (unordered; the caller pages)."""
    waiting = filtered_requests(older_than_days=older_than_days).filter(status__in=OPEN_STATUSES)
    return User.filter(id__in=Subquery(waiting.values("mentor_id")))


@dataclass(frozen=True)
class UnresponsiveMentor:
    mentor: User
    waiting_requests: int
    oldest_request_at: datetime
    reminders_sent: int
    last_responded_at: datetime | None
    response_rate: float | None

    @property
    def oldest_request_age_days(self) -> float:
        return round((clock.now() - self.oldest_request_at).total_seconds() / 86400, 1)


async def summarise_unresponsive(
    mentors: list[User], older_than_days: float
) -> list[UnresponsiveMentor]:
    """The figures for one page of `unresponsive` mentors: four statements, whatever its size."""
    ids = [m.id for m in mentors]
    waiting = await (
        filtered_requests(older_than_days=older_than_days)
        .filter(status__in=OPEN_STATUSES, mentor_id__in=ids)
        .values("id", "mentor_id", "created_at")
    )
    by_mentor: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in waiting:
        by_mentor[row["mentor_id"]].append(row)
    reminded = await RequestReminder.filter(
        request_id__in=[row["id"] for row in waiting]
    ).values_list("request_id", flat=True)
    owner = {row["id"]: row["mentor_id"] for row in waiting}
    reminders: dict[int, int] = defaultdict(int)
    for request_id in reminded:
        reminders[owner[request_id]] += 1
    answered = await (
        MentorshipRequest.filter(mentor_id__in=ids, responded_at__isnull=False)
        .annotate(last=Max("responded_at"))
        .group_by("mentor_id")
        .values("mentor_id", "last")
    )
    last = {row["mentor_id"]: row["last"] for row in answered}
    rates = await responsiveness_of(ids)
    return [
        UnresponsiveMentor(
            mentor=mentor,
            waiting_requests=len(by_mentor[mentor.id]),
            oldest_request_at=min(row["created_at"] for row in by_mentor[mentor.id]),
            reminders_sent=reminders[mentor.id],
            last_responded_at=last.get(mentor.id),
            response_rate=rate.response_rate,
        )
        for mentor, rate in zip(mentors, rates, strict=True)
        if by_mentor[mentor.id]  # answered between the page's query and this one
    ]
