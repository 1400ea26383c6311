"""What simulated mentees do, through the real rules: arrive and ask a few mentors (found through
recommendations, the spotlight or the directory), withdraw a request they tire of, go ahead when
approved (most withdraw their other requests), and after a decline or an expiry ask again,
often one of the mentors the expiry email suggested.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import cast

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.directory import clean_filter, matching_mentors
from mentorgraph.models.directory.recommendation_data import recommend
from mentorgraph.models.directory.spotlight import spotlight
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.request_rules import create_request
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.simulate.observe import note_suggestions
from mentorgraph.simulate.population import SimMentee
from mentorgraph.simulate.world import World

__all__ = ["arrive", "on_answer", "on_approved"]

S = RequestStatus
TEXT = (
    "I am learning on my own and would value an experienced view on what to focus on next,"
    " and on how to judge my progress along the way."
)
WITHDRAWS = 0.3  # the share of requests the mentee withdraws after a while without answer
CANCELS_OTHERS = 0.75  # once approved, withdraws the other waiting requests in one step
FOLLOWS_SUGGESTIONS = 0.8


def arrive(world: World, mentee_id: int) -> None:
    mentee = world.mentees[mentee_id]
    world.agenda.at(mentee.arrives, lambda: _first_asks(world, mentee_id))


async def _first_asks(world: World, mentee_id: int) -> None:
    for _ in range(world.mentees[mentee_id].first_asks):
        await ask(world, mentee_id)


async def ask(world: World, mentee_id: int, suggested: Sequence[int] = ()) -> None:
    mentee = world.mentees[mentee_id]
    if mentee_id in world.matched or world.asks[mentee_id] >= mentee.max_asks:
        return
    asked = world.asked.setdefault(mentee_id, set())
    user = await User.get(id=mentee_id)
    preferred = [m for m in suggested if m not in asked]
    for attempt in range(3):
        mentor_id = preferred.pop(0) if preferred else await _choose(world, user, mentee, asked)
        if mentor_id is None:
            return
        asked.add(mentor_id)
        try:
            request = await create_request(
                user, mentor_id=mentor_id, message=TEXT, background=TEXT, expectation=TEXT
            )
        except RuleViolation as exc:
            world.refusals[exc.code.value] += 1
            if attempt == 2:
                return
            continue
        world.asks[mentee_id] += 1
        if world.rng.random() < WITHDRAWS:
            days = world.rng.uniform(4, 12)
            world.after(days * 86400, partial(_withdraw, world, mentee_id, request.id))
        return


async def _choose(world: World, user: User, mentee: SimMentee, asked: set[int]) -> int | None:
    """A mentor not asked yet: from recommendations, the spotlight, or the directory."""
    roll = world.rng.random()
    if roll < 0.5:
        recommended, _ = await recommend(user, 5)
        ids = [r.mentor_id for r in recommended]
        await note_suggestions(world, "recommendations", ids)
        fresh = [i for i in ids if i not in asked]
        if fresh:
            return fresh[0]
    elif roll < 0.65:
        ids = [m.id for m in await spotlight(3)]
        await note_suggestions(world, "spotlight", ids)
        fresh = [i for i in ids if i not in asked]
        if fresh:
            return world.rng.choice(fresh)
    tags = [world.rng.choice(mentee.tags)] if mentee.tags else None
    listed = cast(
        "list[int]",
        await matching_mentors(clean_filter(tags=tags)).order_by("id").values_list("id", flat=True),
    )
    fresh = [i for i in listed if i not in asked]
    return world.rng.choice(fresh) if fresh else None


async def _withdraw(world: World, mentee_id: int, request_id: int) -> None:
    user = await User.get(id=mentee_id)
    try:
        await lifecycle.transition(
            request_id, S.CANCELLED, actor=user, note="I found no answer in time."
        )
    except RuleViolation:
        return  # answered or closed meanwhile
    await ask(world, mentee_id)


async def on_approved(world: World, mentee_id: int) -> None:
    world.matched.add(mentee_id)
    if world.rng.random() >= CANCELS_OTHERS:
        return
    keep = (
        await MentorshipRequest.filter(mentee_id=mentee_id, status=S.APPROVED)
        .order_by("-id")
        .first()
    )
    if keep is not None:
        await lifecycle.cancel_others(keep.id, actor=await User.get(id=mentee_id))


async def on_answer(world: World, mentee_id: int, suggested: Sequence[int], source: str) -> None:
    """Declined or expired (the email may suggest other mentors): ask someone else within a
    couple of days."""
    if suggested:
        await note_suggestions(world, source, suggested)
    if mentee_id in world.matched:
        return
    follow = list(suggested) if world.rng.random() < FOLLOWS_SUGGESTIONS else []
    world.after(world.rng.uniform(0, 2) * 86400, lambda: ask(world, mentee_id, follow))
