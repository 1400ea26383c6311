"""`leaveMentorshipFeedback`: rate the other side of a completed mentorship, once."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.requests.feedback import MAX_COMMENT, MAX_RATING, MIN_RATING
from mentorgraph.resolvers.requests import feedback
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import INPUT
from mentorgraph.schema.errors import UserError, payload, user_errors_field
from mentorgraph.schema.requests.feedback_types import MentorshipFeedback
from mentorgraph.schema.requests.request_types import MentorshipRequest
from mentorgraph.schema.resolver_fields import mutation

__all__ = ["FeedbackMutation"]


@strawberry.input(description="Your rating of the other side of a completed mentorship.")
class LeaveMentorshipFeedbackInput:
    request_id: strawberry.ID = strawberry.field(description="A COMPLETED request of yours.")
    rating: int = strawberry.field(description=f"{MIN_RATING}-{MAX_RATING}, higher is better.")
    comment: str | None = strawberry.field(
        default=None,
        description=f"At most {MAX_COMMENT} characters; seen by the other side and admins.",
    )


@strawberry.type(description="The result of `leaveMentorshipFeedback`.")
class LeaveMentorshipFeedbackPayload:
    feedback: MentorshipFeedback | None = strawberry.field(
        description="The feedback left; null when refused."
    )
    request: MentorshipRequest | None = strawberry.field(
        description="The mentorship it is about; null when refused."
    )
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class FeedbackMutation:
    @mutation(
        description="After a COMPLETED mentorship, its mentor and its mentee may each rate it"
        " once; it cannot be changed."
    )
    async def leave_mentorship_feedback(
        self, info: Info, input: Annotated[LeaveMentorshipFeedbackInput, INPUT]
    ) -> LeaveMentorshipFeedbackPayload:
        work = feedback.leave_feedback(info.context, input.request_id, input.rating, input.comment)
        return await payload(LeaveMentorshipFeedbackPayload, work, "feedback", "request")
