"""Feedback after a completed mentorship: each side rates the other once (1-5, optional comment).

The mentee's ratings of a mentor make the mentor's public rating (average and count); a
comment is seen by its author, the person it is about and admins only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Sum
from tortoise.models import Model
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications.inbox import deliver
from mentorgraph.models.notifications.request_notifications import feedback_notice
from mentorgraph.models.policies import can_read_comment
from mentorgraph.models.requests.events import committed
from mentorgraph.models.requests.lifecycle import party_request
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.safety.blocks import blocks_between

__all__ = [
    "MAX_COMMENT",
    "MAX_RATING",
    "MIN_RATING",
    "AuthorRole",
    "MentorshipFeedback",
    "Rating",
    "average_rating",
    "can_read_comment",
    "leave_feedback",
    "rating_sql",
    "ratings_of",
]

MAX_COMMENT = 2000
MIN_RATING = 1
MAX_RATING = 5


class AuthorRole(StrEnum):
    MENTOR = "MENTOR"
    MENTEE = "MENTEE"


class MentorshipFeedback(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[MentorshipRequest] = fields.ForeignKeyField(
        "models.MentorshipRequest", related_name="feedback", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feedback_given", on_delete=fields.CASCADE
    )
    # Whom it is about (the other side of the request), kept so ratings read by one index.
    subject: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feedback_received", on_delete=fields.CASCADE
    )
    author_role = fields.CharEnumField(AuthorRole, max_length=8)
    rating = fields.SmallIntField()
    comment = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    request_id: int
    author_id: int
    subject_id: int

    class Meta:
        table = "mentorship_feedback"
        # Once per side: the database refuses a second one whatever races.
        unique_together = (("request", "author"),)
        indexes = [("subject_id", "author_role")]


@dataclass(frozen=True)
class Rating:
    average: float | None
    count: int


def _clean(rating: int, comment: str | None) -> tuple[int, str | None]:
    if not MIN_RATING <= rating <= MAX_RATING:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, f"Rate from {MIN_RATING} to {MAX_RATING}.", ["rating"]
        )
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT:
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"Keep the comment under {MAX_COMMENT} characters.",
            ["comment"],
        )
    return rating, text


async def leave_feedback(
    author: User, request_id: int, *, rating: int, comment: str | None
) -> tuple[MentorshipFeedback, MentorshipRequest]:
    """The feedback left, and the request it is about (as read for the checks)."""
    request = await party_request(
        author,
        request_id,
        "Only the mentor or the mentee of a mentorship may leave feedback on it.",
    )
    if request.status != RequestStatus.COMPLETED:
        raise RuleViolation(
            ErrorCode.MENTORSHIP_NOT_COMPLETED,
            f"This request is {request.status.value}; feedback follows a COMPLETED mentorship.",
            ["requestId"],
        )
    if await blocks_between(None, request.mentor_id, request.mentee_id):
        # A rating and a comment reach the other side: closed while either blocked the other,
        # in the words of the closed thread (`models/requests/request_messages.py`), which say no
        # more.
        raise RuleViolation(ErrorCode.FORBIDDEN, "This conversation is closed.", ["requestId"])
    rating, text = _clean(rating, comment)
    by_mentor = author.id == request.mentor_id
    subject_id = request.mentee_id if by_mentor else request.mentor_id
    try:
        # The feedback and the subject's notification (and email) commit together.
        async with in_transaction() as conn:
            left = await MentorshipFeedback.create(
                request_id=request.id,
                author_id=author.id,
                subject_id=subject_id,
                author_role=AuthorRole.MENTOR if by_mentor else AuthorRole.MENTEE,
                rating=rating,
                comment=text,
                created_at=clock.now(),
                using_db=conn,
            )
            subject = await User.get_or_none(id=subject_id, using_db=conn)
            if subject is not None:
                notice = feedback_notice(request, author, subject, rating, text)
                await deliver(conn, [notice])
    except IntegrityError:
        raise RuleViolation(
            ErrorCode.DUPLICATE_FEEDBACK,
            "You already left feedback on this mentorship; it cannot be changed.",
            ["requestId"],
        ) from None
    committed([])  # the notification: ring this process's bus
    return left, request


def average_rating(total: int | None, count: int) -> float | None:
    """The mean of `count` ratings summing to `total`, to two places (Python's round)."""
    return round(total / count, 2) if count and total is not None else None


def rating_sql(mentor_id_sql: str) -> str:
    """`ratings_of` for one mentor in PostgreSQL (the fast read path): a subquery with one row
    of `total` and `count`; `average_rating` rounds."""
    return (
        f"(SELECT sum(rating) AS total, count(*) AS count FROM {MentorshipFeedback._meta.db_table}"
        f" WHERE subject_id = {mentor_id_sql} AND author_role = '{AuthorRole.MENTEE.value}')"
    )


async def ratings_of(mentor_ids: Sequence[int]) -> list[Rating]:
    """Each mentor's rating by their mentees, in the order given: one statement."""
    rows = (
        await MentorshipFeedback.filter(
            subject_id__in=list(mentor_ids), author_role=AuthorRole.MENTEE
        )
        # Avg would come back cast to the column's integer type: divide here instead.
        .annotate(total=Sum("rating"), count=Count("id"))
        .group_by("subject_id")
        .values("subject_id", "total", "count")
    )
    found = {
        row["subject_id"]: Rating(
            average=average_rating(row["total"], row["count"]), count=row["count"]
        )
        for row in rows
    }
    return [found.get(i, Rating(average=None, count=0)) for i in mentor_ids]
