"""`MentorshipFeedback` and `Rating`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from mentorgraph.models.requests.feedback import MAX_RATING, MIN_RATING
from mentorgraph.models.requests.feedback import AuthorRole as AuthorRoleEnum
from mentorgraph.models.requests.feedback import MentorshipFeedback as FeedbackModel
from mentorgraph.resolvers.requests import feedback, requests_read
from mentorgraph.schema.context import Info
from mentorgraph.schema.documentation import described_enum
from mentorgraph.schema.resolver_fields import field_resolver

if TYPE_CHECKING:
    from mentorgraph.schema.accounts.user_types import User

__all__ = ["FeedbackAuthorRole", "MentorshipFeedback", "Rating"]

FeedbackAuthorRole = described_enum(
    AuthorRoleEnum,
    name="FeedbackAuthorRole",
    description="Which side of the mentorship left the feedback.",
    values={"MENTOR": "The mentor rated the mentee.", "MENTEE": "The mentee rated the mentor."},
)
UserRef = Annotated["User", strawberry.lazy("mentorgraph.schema.accounts.user_types")]


@strawberry.type(description="A mentor's rating by their mentees (public).")
class Rating:
    average: float | None = strawberry.field(
        description=f"{MIN_RATING}-{MAX_RATING}; null until someone rated."
    )
    count: int = strawberry.field(description="How many mentees rated.")


@strawberry.type(
    description="What one side of a completed mentorship thought of it. Reached through its"
    " request (its mentor, its mentee and admins)."
)
class MentorshipFeedback:
    rating: int = strawberry.field(description=f"{MIN_RATING}-{MAX_RATING}, higher is better.")
    created_at: datetime = strawberry.field(description="When it was left.")
    author_role: FeedbackAuthorRole = strawberry.field(  # type: ignore[valid-type]
        description="Whether the mentor or the mentee left it."
    )

    @field_resolver(description="Who left it.")
    async def author(self, root: strawberry.Parent[FeedbackModel], info: Info) -> UserRef:
        return await requests_read.user_of(info.context, root.author_id)  # type: ignore[return-value]

    @field_resolver(
        description="Visible to its author, the person it is about and admins; null otherwise."
    )
    def comment(self, root: strawberry.Parent[FeedbackModel], info: Info) -> str | None:
        return feedback.comment_of(info.context, root)
