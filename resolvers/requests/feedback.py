"""leaveMentorshipFeedback, a request's feedback, a mentor's public rating."""

from __future__ import annotations

from mentorgraph.models.accounts.users import User
from mentorgraph.models.policies import FEEDBACK_COMMENT, MENTOR_PUBLIC
from mentorgraph.models.requests import feedback
from mentorgraph.models.requests.feedback import MentorshipFeedback, Rating
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of

__all__ = ["comment_of", "feedback_of", "leave_feedback", "rating_of"]


async def leave_feedback(
    ctx: Context, request_id: str, rating: int, comment: str | None
) -> tuple[MentorshipFeedback, MentorshipRequest]:
    viewer = ctx.require_viewer()
    pk = decode_id_of("MentorshipRequest", request_id, "requestId")
    left, request = await feedback.leave_feedback(viewer, pk, rating=rating, comment=comment)
    # The payload's request and its fields read this row, not another copy of it.
    ctx.loaders.request.prime(pk, request)
    return left, request


async def feedback_of(ctx: Context, request: MentorshipRequest) -> list[MentorshipFeedback]:
    """Reached through the request, so only its mentor, its mentee and admins get here."""
    return await ctx.loaders.feedback.load(request.id)


def comment_of(ctx: Context, left: MentorshipFeedback) -> str | None:
    return left.comment if FEEDBACK_COMMENT.python(ctx.viewer, left) else None


async def rating_of(ctx: Context, user: User) -> Rating | None:
    """Public for mentors; null for other members."""
    return (
        await ctx.loaders.rating.load(user.id) if MENTOR_PUBLIC.python(ctx.viewer, user) else None
    )
