"""The request lifecycle mutations: inputs, payloads and the `RequestMutation` root fields."""

from __future__ import annotations

import strawberry

from resolvers import requests
from schema.context import Info
from schema.errors import UserError, payload
from schema.types.request import DeclineReason, MentorshipRequest

__all__ = ["RequestMutation"]


@strawberry.input
class CreateMentorshipRequestInput:
    mentor_id: strawberry.ID
    message: str = strawberry.field(description="30-5000 characters: what you ask for.")
    background: str = strawberry.field(description="30-5000 characters: where you stand.")
    expectation: str = strawberry.field(description="30-5000 characters: what you hope for.")


@strawberry.type
class CreateMentorshipRequestPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.input
class MarkMentorshipRequestViewedInput:
    request_id: strawberry.ID


@strawberry.type
class MarkMentorshipRequestViewedPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.input
class ApproveMentorshipRequestInput:
    request_id: strawberry.ID
    message: str | None = strawberry.field(
        default=None, description="Shown to the mentee (at most 5000 characters)."
    )


@strawberry.type
class ApproveMentorshipRequestPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.input
class DeclineMentorshipRequestInput:
    request_id: strawberry.ID
    reason: DeclineReason  # type: ignore[valid-type]
    message: str | None = strawberry.field(
        default=None, description="Shown to the mentee (at most 5000 characters)."
    )


@strawberry.type
class DeclineMentorshipRequestPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.input
class CancelMentorshipRequestInput:
    request_id: strawberry.ID
    reason: str | None = strawberry.field(
        default=None, description="Kept as the note of the cancellation (at most 5000)."
    )


@strawberry.type
class CancelMentorshipRequestPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.input
class CancelOtherMentorshipRequestsInput:
    keep_request_id: strawberry.ID = strawberry.field(
        description="An APPROVED request of yours; your other NEW and VIEWED ones are cancelled."
    )


@strawberry.type
class CancelOtherMentorshipRequestsPayload:
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="The requests cancelled now."
    )
    user_errors: list[UserError]


@strawberry.input
class CompleteMentorshipInput:
    request_id: strawberry.ID
    note: str | None = strawberry.field(
        default=None, description="How it went (at most 5000 characters)."
    )


@strawberry.type
class CompleteMentorshipPayload:
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.type
class RequestMutation:
    @strawberry.mutation(description="Ask a mentor for mentorship (a NEW request).")
    async def create_mentorship_request(
        self, info: Info, input: CreateMentorshipRequestInput
    ) -> CreateMentorshipRequestPayload:
        work = requests.create(
            info.context,
            mentor_id=input.mentor_id,
            message=input.message,
            background=input.background,
            expectation=input.expectation,
        )
        return await payload(CreateMentorshipRequestPayload, work, "request")

    @strawberry.mutation(
        description="The mentor opened a NEW request. Marking a VIEWED one again changes nothing."
    )
    async def mark_mentorship_request_viewed(
        self, info: Info, input: MarkMentorshipRequestViewedInput
    ) -> MarkMentorshipRequestViewedPayload:
        work = requests.mark_viewed(info.context, request_id=input.request_id)
        return await payload(MarkMentorshipRequestViewedPayload, work, "request")

    @strawberry.mutation(
        description="The mentor takes the mentee on; reveals the mentor's channels to them."
    )
    async def approve_mentorship_request(
        self, info: Info, input: ApproveMentorshipRequestInput
    ) -> ApproveMentorshipRequestPayload:
        work = requests.approve(info.context, request_id=input.request_id, message=input.message)
        return await payload(ApproveMentorshipRequestPayload, work, "request")

    @strawberry.mutation(description="The mentor (or an admin) says no, with a reason.")
    async def decline_mentorship_request(
        self, info: Info, input: DeclineMentorshipRequestInput
    ) -> DeclineMentorshipRequestPayload:
        work = requests.decline(
            info.context, request_id=input.request_id, reason=input.reason, message=input.message
        )
        return await payload(DeclineMentorshipRequestPayload, work, "request")

    @strawberry.mutation(description="The mentee (or an admin) withdraws an unanswered request.")
    async def cancel_mentorship_request(
        self, info: Info, input: CancelMentorshipRequestInput
    ) -> CancelMentorshipRequestPayload:
        work = requests.cancel(info.context, request_id=input.request_id, reason=input.reason)
        return await payload(CancelMentorshipRequestPayload, work, "request")

    @strawberry.mutation(
        description="The mentee keeps one approved mentorship and cancels all their other"
        " unanswered requests at once."
    )
    async def cancel_other_mentorship_requests(
        self, info: Info, input: CancelOtherMentorshipRequestsInput
    ) -> CancelOtherMentorshipRequestsPayload:
        work = requests.cancel_others(info.context, keep_request_id=input.keep_request_id)
        return await payload(CancelOtherMentorshipRequestsPayload, work, "requests")

    @strawberry.mutation(description="The mentor or the mentee ends an active mentorship.")
    async def complete_mentorship(
        self, info: Info, input: CompleteMentorshipInput
    ) -> CompleteMentorshipPayload:
        work = requests.complete(info.context, request_id=input.request_id, note=input.note)
        return await payload(CompleteMentorshipPayload, work, "request")
