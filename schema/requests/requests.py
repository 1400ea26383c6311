"""The request lifecycle mutations: inputs, payloads and the `RequestMutation` root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.requests.request_rules import MAX_TEXT, MIN_TEXT
from mentorgraph.resolvers.requests import requests
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.requests.request_types import DeclineReason, MentorshipRequest
from mentorgraph.schema.resolver_fields import mutation

__all__ = ["RequestMutation"]


@strawberry.input(
    description="A request for mentorship: three texts the mentor reads before answering."
)
class CreateMentorshipRequestInput:
    mentor_id: strawberry.ID = strawberry.field(description="The mentor to ask (a User id).")
    message: str = strawberry.field(
        description=f"{MIN_TEXT}-{MAX_TEXT} characters: what you ask for."
    )
    background: str = strawberry.field(
        description=f"{MIN_TEXT}-{MAX_TEXT} characters: where you stand."
    )
    expectation: str = strawberry.field(
        description=f"{MIN_TEXT}-{MAX_TEXT} characters: what you hope for."
    )


@strawberry.type(description="The result of `createMentorshipRequest`.")
class CreateMentorshipRequestPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The request the mentor has read.")
class MarkMentorshipRequestViewedInput:
    request_id: strawberry.ID = strawberry.field(description="The request (its id).")


@strawberry.type(description="The result of `markMentorshipRequestViewed`.")
class MarkMentorshipRequestViewedPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The mentor says yes (their channels are then shown to the mentee).")
class ApproveMentorshipRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request (its id).")
    message: str | None = strawberry.field(
        default=None, description=f"Shown to the mentee (at most {MAX_TEXT} characters)."
    )


@strawberry.type(description="The result of `approveMentorshipRequest`.")
class ApproveMentorshipRequestPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The mentor says no, with a reason.")
class DeclineMentorshipRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request (its id).")
    reason: DeclineReason = strawberry.field(description="Why, for the mentee and the statistics.")
    message: str | None = strawberry.field(
        default=None, description=f"Shown to the mentee (at most {MAX_TEXT} characters)."
    )


@strawberry.type(description="The result of `declineMentorshipRequest`.")
class DeclineMentorshipRequestPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="The mentee withdraws a request not yet answered.")
class CancelMentorshipRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request (its id).")
    reason: str | None = strawberry.field(
        default=None,
        description=f"Kept as the note of the cancellation (at most {MAX_TEXT} characters).",
    )


@strawberry.type(description="The result of `cancelMentorshipRequest`.")
class CancelMentorshipRequestPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="Keep one approved request; cancel the rest still open.")
class CancelOtherMentorshipRequestsInput:
    keep_request_id: strawberry.ID = strawberry.field(
        description="An APPROVED request of yours; your other NEW and VIEWED ones are cancelled."
    )


@strawberry.type(description="The result of `cancelOtherMentorshipRequests`.")
class CancelOtherMentorshipRequestsPayload:
    requests: list[MentorshipRequest] | None = strawberry.field(
        description="The requests cancelled now."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.input(description="An active mentorship that has come to its end.")
class CompleteMentorshipInput:
    request_id: strawberry.ID = strawberry.field(description="The request (its id).")
    note: str | None = strawberry.field(
        default=None, description=f"How it went (at most {MAX_TEXT} characters)."
    )


@strawberry.type(description="The result of `completeMentorship`.")
class CompleteMentorshipPayload:
    request: MentorshipRequest | None = strawberry.field(
        description="The request as changed; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class RequestMutation:
    @mutation(description="Ask a mentor for mentorship (a NEW request).")
    async def create_mentorship_request(
        self, info: Info, input: Annotated[CreateMentorshipRequestInput, INPUT]
    ) -> CreateMentorshipRequestPayload:
        work = requests.create(
            info.context,
            mentor_id=input.mentor_id,
            message=input.message,
            background=input.background,
            expectation=input.expectation,
        )
        return await payload(CreateMentorshipRequestPayload, work, "request")

    @mutation(
        description="The mentor opened a NEW request. Marking a VIEWED one again changes nothing."
    )
    async def mark_mentorship_request_viewed(
        self, info: Info, input: Annotated[MarkMentorshipRequestViewedInput, INPUT]
    ) -> MarkMentorshipRequestViewedPayload:
        work = requests.mark_viewed(info.context, request_id=input.request_id)
        return await payload(MarkMentorshipRequestViewedPayload, work, "request")

    @mutation(description="The mentor takes the mentee on; reveals the mentor's channels to them.")
    async def approve_mentorship_request(
        self, info: Info, input: Annotated[ApproveMentorshipRequestInput, INPUT]
    ) -> ApproveMentorshipRequestPayload:
        work = requests.approve(info.context, request_id=input.request_id, message=input.message)
        return await payload(ApproveMentorshipRequestPayload, work, "request")

    @mutation(description="The mentor (or an admin) says no, with a reason.")
    async def decline_mentorship_request(
        self, info: Info, input: Annotated[DeclineMentorshipRequestInput, INPUT]
    ) -> DeclineMentorshipRequestPayload:
        work = requests.decline(
            info.context, request_id=input.request_id, reason=input.reason, message=input.message
        )
        return await payload(DeclineMentorshipRequestPayload, work, "request")

    @mutation(description="The mentee (or an admin) withdraws an unanswered request.")
    async def cancel_mentorship_request(
        self, info: Info, input: Annotated[CancelMentorshipRequestInput, INPUT]
    ) -> CancelMentorshipRequestPayload:
        work = requests.cancel(info.context, request_id=input.request_id, reason=input.reason)
        return await payload(CancelMentorshipRequestPayload, work, "request")

    @mutation(
        description="The mentee keeps one approved mentorship and cancels all their other"
        " unanswered requests at once."
    )
    async def cancel_other_mentorship_requests(
        self, info: Info, input: Annotated[CancelOtherMentorshipRequestsInput, INPUT]
    ) -> CancelOtherMentorshipRequestsPayload:
        work = requests.cancel_others(info.context, keep_request_id=input.keep_request_id)
        return await payload(CancelOtherMentorshipRequestsPayload, work, "requests")

    @mutation(description="The mentor or the mentee ends an active mentorship.")
    async def complete_mentorship(
        self, info: Info, input: Annotated[CompleteMentorshipInput, INPUT]
    ) -> CompleteMentorshipPayload:
        work = requests.complete(info.context, request_id=input.request_id, note=input.note)
        return await payload(CompleteMentorshipPayload, work, "request")
