"""Mentors who answer at all come by the platform every few days, by habit: they sign in, open
the requests that arrived since, and leave; the answer comes in their habit's time
(`mentors.py`), a slow mentor's a week later. Silent mentors never come: they are not there.
A mentor away on holiday does not come either.

This is what the silent-mentor rule's *seen* signal (`models/directory/presence.py`) reads; the gaps
are bounded (`VISIT_DAYS` x 0.5 to 1.5), so a slow mentor is never unseen for more than 4.5 days.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta
from functools import partial

from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.simulate.config import START
from mentorgraph.simulate.population import Habit
from mentorgraph.simulate.world import World

__all__ = ["VISIT_DAYS", "seen_before_the_start", "start_visits"]

# Mean days between two visits, by habit (silent mentors never visit).
VISIT_DAYS = {Habit.PROMPT: 1.0, Habit.STEADY: 2.0, Habit.SLOW: 3.0}
# The share of the requests waiting unopened that a visit opens (some are left for later).
OPENS = 0.9
DAY = 86400
_ADDRESS = "simulated"
_AGENT = "mentorgraph simulate"


async def seen_before_the_start(world: World) -> None:
    """The run starts in the middle of things: a mentor who answers came by shortly before it
    (at most half their mean gap: the first visit of the run follows within one and a half),
    as their session shows; a silent mentor's sign-up is long gone. Its own dice, so the
    rest of the run draws the same numbers."""
    rng = random.Random(f"{world.config.seed}/seen-before")
    rows = []
    for mentor_id, mentor in sorted(world.mentors.items()):
        mean = VISIT_DAYS.get(mentor.habit)
        if mean is None:
            continue
        seen = START - timedelta(days=rng.uniform(0, mean / 2))
        rows.append(
            Session(
                user_id=mentor_id,
                user_agent=_AGENT,
                address=_ADDRESS,
                created_at=seen,
                last_used_at=seen,
                expires_at=seen + timedelta(minutes=limits().token_ttl_minutes),
            )
        )
    await Session.bulk_create(rows, batch_size=500)


def start_visits(world: World) -> None:
    for mentor_id, mentor in world.mentors.items():
        mean = VISIT_DAYS.get(mentor.habit)
        if mean is not None:
            world.after(world.rng.uniform(0, mean) * DAY, partial(_visit, world, mentor_id))


async def _visit(world: World, mentor_id: int) -> None:
    mentor = world.mentors[mentor_id]
    mean = VISIT_DAYS[mentor.habit]
    world.after(world.rng.uniform(0.5, 1.5) * mean * DAY, partial(_visit, world, mentor_id))
    if mentor_id in world.away:
        return
    user = await User.get(id=mentor_id)
    await _sign_in(world, user)
    waiting = await MentorshipRequest.filter(
        mentor_id=mentor_id, status=RequestStatus.NEW
    ).order_by("id")
    for request in waiting:
        if world.rng.random() < OPENS:
            with contextlib.suppress(RuleViolation):  # answered or withdrawn meanwhile
                await lifecycle.transition(request.id, RequestStatus.VIEWED, actor=user)


async def _sign_in(world: World, user: User) -> None:
    """A sign-in (the password proven: the simulation skips the slow hash, `accounts.py`)."""
    await sessions.start(user, address=_ADDRESS, user_agent=_AGENT)
