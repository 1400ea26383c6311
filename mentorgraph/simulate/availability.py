"""A simulated mentor's own availability: full, on holiday, back. The one place that knows which
self-service the rules offer (here: `setAvailability`, and declining waiting requests one by one
before leaving)."""

from __future__ import annotations

import contextlib
from typing import cast

from mentorgraph.simulate.world import World
from models import lifecycle
from models.accounts import set_availability
from models.errors import RuleViolation
from models.request_guards import OPEN_STATUSES
from models.requests import DeclineReason, MentorshipRequest, RequestStatus
from models.users import User

__all__ = ["come_back", "go_away", "reopen_after_full", "set_available", "set_unavailable"]


async def set_available(mentor_id: int) -> None:
    await set_availability(await User.get(id=mentor_id), True)


async def set_unavailable(mentor_id: int, world: World) -> None:
    """Full: the mentor closes the door until a mentorship ends."""
    user = await User.get(id=mentor_id)
    if user.available:
        world.closed_full.add(mentor_id)
        await set_availability(user, False)


async def reopen_after_full(mentor_id: int, world: World) -> None:
    if mentor_id in world.closed_full:
        world.closed_full.discard(mentor_id)
        await set_available(mentor_id)


async def go_away(mentor_id: int, *, until: int, decline: bool) -> None:
    """On holiday until `until` (seconds from the start); some decline what waits first."""
    user = await User.get(id=mentor_id)
    if decline:
        waiting = cast(
            "list[int]",
            await MentorshipRequest.filter(mentor_id=mentor_id, status__in=OPEN_STATUSES)
            .order_by("id")
            .values_list("id", flat=True),
        )
        for request_id in waiting:
            with contextlib.suppress(RuleViolation):  # answered meanwhile
                await lifecycle.transition(
                    request_id,
                    RequestStatus.DECLINED,
                    actor=user,
                    decline_reason=DeclineReason.NO_CAPACITY,
                )
    await set_availability(user, False)


async def come_back(mentor_id: int) -> None:
    await set_available(mentor_id)
