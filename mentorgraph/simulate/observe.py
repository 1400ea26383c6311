"""Notes the state of every mentor the platform suggests to a mentee, read from the database at
the moment of the suggestion: could the mentee have asked them, and would they answer?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import cast

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.simulate.population import Habit, habit_of
from mentorgraph.simulate.world import Suggested, World

__all__ = ["note_suggestions"]


async def note_suggestions(world: World, source: str, mentor_ids: Sequence[int]) -> None:
    if not mentor_ids:
        return
    ids = list(dict.fromkeys(mentor_ids))
    users = {u.id: u for u in await User.filter(id__in=ids)}
    active = Counter(
        cast(
            "list[int]",
            await MentorshipRequest.filter(
                mentor_id__in=ids, status=RequestStatus.APPROVED
            ).values_list("mentor_id", flat=True),
        )
    )
    latest: dict[int, AvailabilityChange] = {}
    for row in await AvailabilityChange.filter(mentor_id__in=ids).order_by("id"):
        latest[row.mentor_id] = row
    for mentor_id in ids:
        user = users.get(mentor_id)
        if user is None:
            continue
        change = latest.get(mentor_id)
        flagged = (
            not user.available
            and change is not None
            and not change.available
            and change.actor_id is None
        )
        world.suggested.append(
            Suggested(
                source=source,
                at=world.now,
                mentor_id=mentor_id,
                silent=habit_of(user.email) is Habit.SILENT,
                unavailable=not user.available,
                full=active[mentor_id] >= user.capacity,
                flagged=flagged,
            )
        )
