"""`RequestStatusCounts`: how many of a user's requests are in each status."""

from __future__ import annotations

from collections.abc import Mapping

import strawberry

from mentorgraph.models.requests.requests import RequestStatus

__all__ = ["RequestStatusCounts", "counts_of"]


@strawberry.type(description="How many requests are in each status.")
class RequestStatusCounts:
    new: int = strawberry.field(description="NEW: not opened by the mentor yet.")
    viewed: int = strawberry.field(description="VIEWED: read, not answered yet.")
    approved: int = strawberry.field(description="APPROVED: active mentorships.")
    declined: int = strawberry.field(description="DECLINED.")
    cancelled: int = strawberry.field(description="CANCELLED by the mentee or an admin.")
    expired: int = strawberry.field(description="EXPIRED without an answer.")
    completed: int = strawberry.field(description="COMPLETED mentorships.")
    open: int = strawberry.field(description="Waiting for an answer: NEW plus VIEWED.")
    total: int = strawberry.field(description="All requests, whatever their status.")


def counts_of(by_status: Mapping[RequestStatus, int] | None) -> RequestStatusCounts | None:
    if by_status is None:
        return None
    per = {status.value.lower(): by_status.get(status, 0) for status in RequestStatus}
    return RequestStatusCounts(
        **per,
        open=per["new"] + per["viewed"],
        total=sum(per.values()),
    )
