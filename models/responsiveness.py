"""How reliably a mentor answers: the public record mentees see before they ask.

- response rate: of the requests of the last 180 days that were settled either way, the share the
  mentor answered (approved or declined) before they expired; requests the mentee cancelled first,
  and those still waiting, count neither way. A decline by the system because the mentor was
  inactive counts as unanswered.
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

from tortoise.expressions import Q

from models import clock
from models.requests import DeclineReason, MentorshipRequest, RequestStatus

__all__ = ["WINDOW", "Responsiveness", "responsiveness_of"]

WINDOW = timedelta(days=180)
OPEN = (RequestStatus.NEW, RequestStatus.VIEWED)


@dataclass(frozen=True)
class Responsiveness:
    response_rate: float | None
    median_response_hours: float | None
    last_active_at: datetime | None
    open_requests: int
    active_mentees: int


@dataclass
class _Tally:
    answered: int = 0
    unanswered: int = 0
    open_requests: int = 0
    active_mentees: int = 0
    last_active_at: datetime | None = None

    def __post_init__(self) -> None:
        self.response_hours: list[float] = []

    def seen_at(self, moment: datetime | None) -> None:
        if moment is not None and (self.last_active_at is None or moment > self.last_active_at):
            self.last_active_at = moment


def _answered_by_mentor(row: dict[str, object]) -> bool:
    inactive = row["decline_reason"] == DeclineReason.MENTOR_INACTIVE
    return row["responded_at"] is not None and not inactive


async def responsiveness_of(mentor_ids: Sequence[int]) -> list[Responsiveness]:
    """One statement for any number of mentors, in the order given."""
    since = clock.now() - WINDOW
    rows = await MentorshipRequest.filter(
        Q(mentor_id__in=list(mentor_ids))
        & (
            Q(created_at__gte=since)
            | Q(status__in=[*OPEN, RequestStatus.APPROVED])
            | Q(responded_at__gte=since)
        )
    ).values("mentor_id", "status", "decline_reason", "created_at", "viewed_at", "responded_at")
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for row in rows:
        tally = tallies[row["mentor_id"]]
        status = RequestStatus(row["status"])
        answered = _answered_by_mentor(row)
        if answered:
            tally.seen_at(row["responded_at"])
        tally.seen_at(row["viewed_at"])
        if status in OPEN:
            tally.open_requests += 1
        elif status is RequestStatus.APPROVED:
            tally.active_mentees += 1
        if row["created_at"] < since:
            continue
        if answered:
            tally.answered += 1
            delta = row["responded_at"] - row["created_at"]
            tally.response_hours.append(delta.total_seconds() / 3600)
        elif status is RequestStatus.EXPIRED or (status is RequestStatus.DECLINED and not answered):
            tally.unanswered += 1
    return [_summarise(tallies.get(i) or _Tally()) for i in mentor_ids]


def _summarise(tally: _Tally) -> Responsiveness:
    settled = tally.answered + tally.unanswered
    return Responsiveness(
        response_rate=round(tally.answered / settled, 4) if settled else None,
        median_response_hours=(
            round(statistics.median(tally.response_hours), 1) if tally.response_hours else None
        ),
        last_active_at=tally.last_active_at,
        open_requests=tally.open_requests,
        active_mentees=tally.active_mentees,
    )
