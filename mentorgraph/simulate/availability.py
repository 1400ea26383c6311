"""A simulated mentor's own availability: full, on holiday, back. The one place that knows which
self-service the rules offer: `set_own_availability` (`setAvailability`), a pause until a date
that the sweep ends, optionally declining the waiting requests in the same step."""

from __future__ import annotations

from datetime import timedelta

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.mentor_availability import set_own_availability
from mentorgraph.simulate.config import START
from mentorgraph.simulate.world import World

__all__ = ["come_back", "go_away", "reopen_after_full", "set_available", "set_unavailable"]


async def set_available(mentor_id: int) -> None:
    await set_own_availability(await User.get(id=mentor_id), available=True)


async def set_unavailable(mentor_id: int, world: World) -> None:
    """Full: the mentor closes the door until a mentorship ends."""
    user = await User.get(id=mentor_id)
    if user.available:
        world.closed_full.add(mentor_id)
        await set_own_availability(user, available=False)


async def reopen_after_full(mentor_id: int, world: World) -> None:
    if mentor_id in world.closed_full:
        world.closed_full.discard(mentor_id)
        await set_available(mentor_id)


async def go_away(mentor_id: int, *, until: int, decline: bool) -> None:
    """A pause until `until` (seconds from the start); some decline what waits in the same step."""
    await set_own_availability(
        await User.get(id=mentor_id),
        available=False,
        until=START + timedelta(seconds=until),
        decline_waiting=decline,
    )


async def come_back(mentor_id: int) -> None:
    """The sweep ended the pause already; nothing to do (a mentor still closed because full
    stays so)."""
