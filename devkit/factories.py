"""Small factories for test data, written straight through the models.

Every argument is keyword-only: `make_request(mentee=..., mentor=...)` and
`make_mentorship(mentor=..., mentee=...)` once took the two users in opposite orders, and a swapped
pair still type-checks. mypy (which covers tests/) refuses a positional call.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from mentorgraph.models import clock
from mentorgraph.models.accounts.passwords import hash_password
from mentorgraph.models.accounts.users import Channel, ChannelType, User, UserLanguage, UserTag
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus

__all__ = [
    "PASSWORD",
    "TEXT",
    "make_mentor",
    "make_mentorship",
    "make_request",
    "make_user",
    "request_row",
]

PASSWORD = "s3cret-enough!"
# Hashing is deliberately slow; compute it once for every factory-made user.
_PASSWORD_HASH = hash_password(PASSWORD)
_numbers = itertools.count(1)


async def make_user(
    *,
    name: str | None = None,
    email: str | None = None,
    mentor: bool = False,
    admin: bool = False,
    available: bool = True,
    capacity: int = 3,
    title: str = "",
    bio: str = "",
    avatar_url: str | None = None,
    country: str | None = None,
    tags: Sequence[str] = (),
    languages: Sequence[str] = (),
    channels: Sequence[tuple[ChannelType, str]] = (),
    verified: bool = True,
) -> User:
    """A member (verified, as every account of before verification, unless `verified=False`)."""
    n = next(_numbers)
    user = await User.create(
        email=email or f"user{n}@example.org",
        password_hash=_PASSWORD_HASH,
        name=name or f"User {n}",
        is_mentor=mentor,
        is_admin=admin,
        available=available,
        capacity=capacity,
        title=title,
        bio=bio,
        avatar_url=avatar_url,
        country=country,
        email_verified=verified,
    )
    await UserTag.bulk_create(
        [UserTag(user_id=user.id, tag=t, position=i) for i, t in enumerate(tags)]
    )
    await UserLanguage.bulk_create(
        [
            UserLanguage(user_id=user.id, language=code, position=i)
            for i, code in enumerate(languages)
        ]
    )
    await Channel.bulk_create(
        [
            Channel(user_id=user.id, type=k, handle=h, position=i)
            for i, (k, h) in enumerate(channels)
        ]
    )
    return user


async def make_mentor(**kwargs: object) -> User:
    kwargs.setdefault("tags", ["python"])
    kwargs.setdefault("channels", [(ChannelType.GITHUB, "octocat")])
    return await make_user(mentor=True, **kwargs)  # type: ignore[arg-type]


TEXT = "I would like to learn how to design resilient GraphQL APIs from you."


async def make_request(
    *,
    mentee: User,
    mentor: User,
    status: RequestStatus = RequestStatus.NEW,
    message: str = TEXT,
    background: str = TEXT,
    expectation: str = TEXT,
) -> MentorshipRequest:
    """A request already in `status`, written directly (setup only: no event is recorded)."""
    now = clock.now()
    return await MentorshipRequest.create(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        status=status,
        message=message,
        background=background,
        expectation=expectation,
        created_at=now,
        updated_at=now,
        viewed_at=now if status is not RequestStatus.NEW else None,
    )


async def make_mentorship(
    *, mentor: User, mentee: User, completed: bool = False
) -> MentorshipRequest:
    """An edge of the mentorship graph: a request the mentor approved (and maybe completed)."""
    status = RequestStatus.COMPLETED if completed else RequestStatus.APPROVED
    request = await make_request(mentee=mentee, mentor=mentor, status=status)
    request.responded_at = request.created_at
    await request.save(update_fields=["responded_at"])
    return request


async def request_row(
    *,
    mentee: User,
    mentor: User,
    status: RequestStatus,
    age: timedelta = timedelta(days=1),
    answered_after: timedelta | None = None,
    viewed_after: timedelta | None = None,
    decline_reason: DeclineReason | None = None,
    created_at: datetime | None = None,
    message: str = TEXT,
    response_message: str | None = None,
) -> MentorshipRequest:
    """A request with a history in the past (any status, answered or viewed after a delay),
    for read-side tests; written directly (no lifecycle rules, no event). `created_at`, when
    given, replaces `age` (exact times: microseconds, a window's edge)."""
    created: datetime = created_at or clock.now() - age
    return await MentorshipRequest.create(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=status,
        message=message,
        background=TEXT,
        expectation=TEXT,
        decline_reason=decline_reason,
        response_message=response_message,
        created_at=created,
        updated_at=created,
        viewed_at=created + viewed_after if viewed_after else None,
        responded_at=created + answered_after if answered_after else None,
    )
