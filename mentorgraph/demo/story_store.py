"""Writes what the story adds beyond requests: the mentees' ratings, the silent mentor set
unavailable by the system (with its record), the paused mentor."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentorgraph.demo.requests import DemoRequest
from mentorgraph.demo.store import StoredPeople
from mentorgraph.demo.story import PAUSE, Story
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.limits import limits
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback

__all__ = ["store_story"]


async def store_story(story: Story, request_ids: list[int], stored: StoredPeople) -> None:
    """`request_ids`: the ids of `story.requests`, in their order."""
    id_of: dict[int, int] = {
        id(request): pk for request, pk in zip(story.requests, request_ids, strict=True)
    }
    await MentorshipFeedback.bulk_create(
        [
            MentorshipFeedback(
                request_id=id_of[id(rating.request)],
                author_id=stored.id_of(rating.request.mentee),
                subject_id=stored.id_of(rating.request.mentor),
                author_role=AuthorRole.MENTEE,
                rating=rating.rating,
                comment=rating.comment,
                created_at=_completed(rating.request) + timedelta(days=1),
            )
            for rating in story.ratings
        ]
    )
    if story.silent is not None and story.silenced_at is not None:
        mentor_id = stored.id_of(story.silent)
        rule = limits()
        await User.filter(id=mentor_id).update(
            available=False, availability_changed_at=story.silenced_at, updated_at=story.silenced_at
        )
        await AvailabilityChange.create(
            mentor_id=mentor_id,
            available=False,
            actor_id=None,
            reason=f"{rule.inactive_expiries} requests to you expired unanswered within the last"
            f" {rule.inactive_window_days:g} days (the limit is {rule.inactive_expiries}).",
            occurred_at=story.silenced_at,
        )
    if story.paused is not None and story.paused_until is not None:
        # Their own pause, as `setAvailability(unavailableUntil)` makes it: no record, no email;
        # the sweep ends it.
        await User.filter(id=stored.id_of(story.paused)).update(
            available=False,
            unavailable_until=story.paused_until,
            availability_changed_at=story.paused_until - PAUSE - timedelta(days=2),
            updated_at=story.paused.created_at,
        )


def _completed(request: DemoRequest) -> datetime:
    at = request.at(request.status)
    assert at is not None
    return at
