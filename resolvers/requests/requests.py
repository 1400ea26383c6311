"""The request lifecycle mutations: decode ids, clean free text, call `models/`."""

from __future__ import annotations

from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.request_rules import clean_optional_text, create_request
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of

__all__ = [
    "approve",
    "cancel",
    "cancel_others",
    "complete",
    "create",
    "decline",
    "mark_viewed",
]


def _request_pk(global_id: str, argument: str = "requestId") -> int:
    return decode_id_of("MentorshipRequest", global_id, argument)


async def create(
    ctx: Context, *, mentor_id: str, message: str, background: str, expectation: str
) -> MentorshipRequest:
    mentee = ctx.require_viewer()
    return await create_request(
        mentee,
        mentor_id=decode_id_of("User", mentor_id, "mentorId"),
        message=message,
        background=background,
        expectation=expectation,
    )


async def mark_viewed(ctx: Context, *, request_id: str) -> MentorshipRequest:
    # Idempotent: marking a VIEWED request again returns it unchanged and writes no event.
    viewer = ctx.require_viewer()
    return await lifecycle.transition(
        _request_pk(request_id), RequestStatus.VIEWED, actor=viewer, unchanged_if_already=True
    )


async def approve(ctx: Context, *, request_id: str, message: str | None) -> MentorshipRequest:
    viewer = ctx.require_viewer()
    text = clean_optional_text(message, "message", "Message")
    return await lifecycle.transition(
        _request_pk(request_id),
        RequestStatus.APPROVED,
        actor=viewer,
        note=text,
        response_message=text,
    )


async def decline(
    ctx: Context, *, request_id: str, reason: DeclineReason, message: str | None
) -> MentorshipRequest:
    viewer = ctx.require_viewer()
    text = clean_optional_text(message, "message", "Message")
    return await lifecycle.transition(
        _request_pk(request_id),
        RequestStatus.DECLINED,
        actor=viewer,
        note=text,
        # Strawberry hands the enum's value over, not the models' member.
        decline_reason=DeclineReason(reason),
        response_message=text,
    )


async def cancel(ctx: Context, *, request_id: str, reason: str | None) -> MentorshipRequest:
    viewer = ctx.require_viewer()
    return await lifecycle.transition(
        _request_pk(request_id),
        RequestStatus.CANCELLED,
        actor=viewer,
        note=clean_optional_text(reason, "reason", "Reason"),
    )


async def cancel_others(ctx: Context, *, keep_request_id: str) -> list[MentorshipRequest]:
    viewer = ctx.require_viewer()
    return await lifecycle.cancel_others(
        _request_pk(keep_request_id, "keepRequestId"), actor=viewer
    )


async def complete(ctx: Context, *, request_id: str, note: str | None) -> MentorshipRequest:
    viewer = ctx.require_viewer()
    return await lifecycle.transition(
        _request_pk(request_id),
        RequestStatus.COMPLETED,
        actor=viewer,
        note=clean_optional_text(note, "note", "Note"),
    )
