"""`MentorshipFeedback` and `Rating`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.feedback import AuthorRole as AuthorRoleEnum
from models.feedback import MentorshipFeedback as FeedbackModel
from resolvers import feedback, requests_read
from schema.context import Info

if TYPE_CHECKING:
    from schema.types.user import User

__all__ = ["FeedbackAuthorRole", "MentorshipFeedback", "Rating"]

FeedbackAuthorRole = strawberry.enum(AuthorRoleEnum, name="FeedbackAuthorRole")
UserRef = Annotated["User", strawberry.lazy("schema.types.user")]


@strawberry.type(description="A mentor's rating by their mentees (public).")
class Rating:
    average: float | None = strawberry.field(description="1-5; null until someone rated.")
    count: int


@strawberry.type(
    description="What one side of a completed mentorship thought of it. Reached through its"
    " request (its mentor, its mentee and admins)."
)
class MentorshipFeedback:
    rating: int = strawberry.field(description="1-5.")
    created_at: datetime
    author_role: FeedbackAuthorRole  # type: ignore[valid-type]

    @strawberry.field
    async def author(self, root: strawberry.Parent[FeedbackModel], info: Info) -> UserRef:
        return await requests_read.user_of(info.context, root.author_id)  # type: ignore[return-value]

    @strawberry.field(
        description="Visible to its author, the person it is about and admins; null otherwise."
    )
    def comment(self, root: strawberry.Parent[FeedbackModel], info: Info) -> str | None:
        return feedback.comment_of(info.context, root)
