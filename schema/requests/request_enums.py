"""`RequestStatus` and `DeclineReason`, apart from the request type so `User` can use them."""

from __future__ import annotations

from mentorgraph.models.requests.requests import DeclineReason as DeclineReasonEnum
from mentorgraph.models.requests.requests import EventKind as EventKindEnum
from mentorgraph.models.requests.requests import RequestStatus as RequestStatusEnum
from mentorgraph.schema.documentation import described_enum

__all__ = ["DeclineReason", "RequestEventKind", "RequestStatus"]

RequestStatus = described_enum(
    RequestStatusEnum,
    name="RequestStatus",
    description="Where a mentorship request stands. NEW and VIEWED are open (waiting for the"
    " mentor); APPROVED is an active mentorship; the rest are final.",
    values={
        "NEW": "Sent; the mentor has not opened it yet.",
        "VIEWED": "The mentor has read it and not answered yet.",
        "APPROVED": "The mentor said yes: the mentorship is under way.",
        "DECLINED": "The mentor (or an admin) said no, with a `declineReason`.",
        "CANCELLED": "The mentee (or an admin) withdrew it before an answer.",
        "EXPIRED": "Unanswered for too long: closed by the system.",
        "COMPLETED": "The mentorship is over; each side may leave feedback.",
    },
)
DeclineReason = described_enum(
    DeclineReasonEnum,
    name="DeclineReason",
    description="Why a mentor said no.",
    values={
        "NOT_A_GOOD_FIT": "The mentor thinks someone else would suit you better.",
        "NO_CAPACITY": "The mentor has no room for another mentee now.",
        "NOT_ENOUGH_INFORMATION": "The request did not say enough to decide.",
        "OUT_OF_EXPERTISE": "The topic is outside the mentor's expertise.",
        "MENTOR_INACTIVE": "The mentor was set unavailable (by an admin or the system). Never"
        " a mentor's to give (FORBIDDEN).",
        "ACCOUNT_CLOSED": "The mentor closed their account (the system declined it). Only the"
        " system gives it (FORBIDDEN).",
        "OTHER": "Another reason, given in the response message.",
    },
)
RequestEventKind = described_enum(
    EventKindEnum,
    name="RequestEventKind",
    description="What a `RequestEvent` records.",
    values={
        "STATUS_CHANGE": "The request moved from `fromStatus` to `toStatus`.",
        "MESSAGE": "A message in the request's thread: `note` is its text, `actor` its author;"
        " the status did not change (`fromStatus` = `toStatus`).",
    },
)
