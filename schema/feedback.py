"""`leaveMentorshipFeedback`: rate the other side of a completed mentorship, once."""

from __future__ import annotations

import strawberry

from resolvers import feedback
from schema.context import Info
from schema.errors import UserError, payload
from schema.types.feedback import MentorshipFeedback
from schema.types.request import MentorshipRequest

__all__ = ["FeedbackMutation"]


@strawberry.input
class LeaveMentorshipFeedbackInput:
    request_id: strawberry.ID = strawberry.field(description="A COMPLETED request of yours.")
    rating: int = strawberry.field(description="1-5.")
    comment: str | None = strawberry.field(
        default=None, description="At most 2000 characters; seen by the other side and admins."
    )


@strawberry.type
class LeaveMentorshipFeedbackPayload:
    feedback: MentorshipFeedback | None
    request: MentorshipRequest | None
    user_errors: list[UserError]


@strawberry.type
class FeedbackMutation:
    @strawberry.mutation(
        description="After a COMPLETED mentorship, its mentor and its mentee may each rate it"
        " once; it cannot be changed."
    )
    async def leave_mentorship_feedback(
        self, info: Info, input: LeaveMentorshipFeedbackInput
    ) -> LeaveMentorshipFeedbackPayload:
        work = feedback.leave_feedback(info.context, input.request_id, input.rating, input.comment)
        return await payload(LeaveMentorshipFeedbackPayload, work, "feedback", "request")
